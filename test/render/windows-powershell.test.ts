/**
 * Traps of Windows PowerShell 5.1 in the generated .ps1 and .bat files, checked as text: no
 * PowerShell is installed where these tests run, so no script here has been run on Windows.
 * - Under $ErrorActionPreference = 'Stop', 5.1 turns a native command's redirected stderr into a
 *   terminating NativeCommandError: such a command must run where the preference is 'Continue'.
 * - `curl` is an alias of Invoke-WebRequest in 5.1; Invoke-WebRequest needs -UseBasicParsing there.
 */
import { describe, expect, it } from 'vitest';
import { render } from '../../src/render/index.js';
import { MATRIX, specFor } from '../support/stacks.js';

const REDIRECT = /(\*>|2>&1|2>|\|\s*Out-Null\b)/;
const PREFERENCE = /^\s*\$ErrorActionPreference\s*=\s*'(\w+)'/;
// After any `$x = `, a statement that starts with a cmdlet (Verb-Noun), a variable, a keyword or a
// brace is PowerShell's own; anything else (docker, curl.exe, ...) is a native command.
const ASSIGNMENT = /^\s*\$[\w:]+\s*=\s*/;
const NOT_NATIVE = /^\s*(\$|[A-Z][a-z]+-[A-Za-z]+\b|if\b|elseif\b|else\b|exit\b|return\b|foreach\b|function\b|[{}(#]|$)/;

/** The lines of a script that break on Windows PowerShell 5.1, each with why. */
export function ps51Traps(script: string): string[] {
  const traps: string[] = [];
  let preference = 'Continue'; // PowerShell's default
  script.split(/\r?\n/).forEach((line, i) => {
    const at = `line ${i + 1}: ${line.trim()}`;
    const set = PREFERENCE.exec(line);
    if (set) {
      preference = set[1]!;
      return;
    }
    if (REDIRECT.test(line) && !NOT_NATIVE.test(line.replace(ASSIGNMENT, '')) && preference !== 'Continue') {
      traps.push(`${at} (native command's output redirected under '${preference}')`);
    }
    if (/\bcurl(?!\.exe)\b/i.test(line) && !line.trim().startsWith('#')) traps.push(`${at} (curl is Invoke-WebRequest in 5.1: use curl.exe)`);
    if (/Invoke-WebRequest\b/i.test(line) && !/-UseBasicParsing\b/i.test(line)) traps.push(`${at} (Invoke-WebRequest without -UseBasicParsing)`);
  });
  return traps;
}

describe('the 5.1 trap check itself', () => {
  it('catches the traps it looks for and passes their fixes', () => {
    expect(ps51Traps("$ErrorActionPreference = 'Stop'\ndocker info *> $null")).toHaveLength(1);
    expect(ps51Traps("$ErrorActionPreference = 'Stop'\ndocker version 2>&1 | Out-Null")).toHaveLength(1);
    expect(ps51Traps("$ErrorActionPreference = 'Stop'\n$v = docker compose version 2>$null")).toHaveLength(1);
    expect(ps51Traps("$ErrorActionPreference = 'Stop'\nif (-not (Test-Path .env 2>$null)) { exit 1 }")).toEqual([]);
    expect(ps51Traps("$ErrorActionPreference = 'Stop'\n$ErrorActionPreference = 'Continue'\ndocker info *> $null\n$ErrorActionPreference = 'Stop'")).toEqual([]);
    expect(ps51Traps('curl http://localhost:9090/-/ready')).toHaveLength(1);
    expect(ps51Traps('curl.exe -fsS http://localhost:9090/-/ready')).toEqual([]);
    expect(ps51Traps('Invoke-WebRequest http://x')).toHaveLength(1);
    expect(ps51Traps('Invoke-WebRequest -UseBasicParsing http://x')).toEqual([]);
  });
});

describe.each(Object.keys(MATRIX))('Windows scripts of stack "%s"', (name) => {
  it('have none of the Windows PowerShell 5.1 traps', async () => {
    const { spec, secrets } = await specFor(MATRIX[name]!, name);
    const files = render(spec, secrets);
    const scripts = [...files.keys()].filter((p) => p.endsWith('.ps1'));
    expect(scripts.sort()).toEqual(['start-monitoring.ps1', 'stop-monitoring.ps1']);
    for (const path of scripts) expect({ path, traps: ps51Traps(files.get(path)!.content) }).toEqual({ path, traps: [] });
    for (const path of [...files.keys()].filter((p) => p.endsWith('.bat'))) {
      const bat = files.get(path)!.content;
      // The .bat only hands over to the .ps1, quoted for folders with spaces, and passes its exit code on.
      expect(bat).toMatch(/powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0[\w-]+\.ps1" %\*\r\nexit \/b %ERRORLEVEL%\r\n$/);
      expect(bat).not.toMatch(/\bcurl(?!\.exe)\b/i);
    }
  });
});
