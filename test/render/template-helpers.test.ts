/**
 * The per-language escaping helpers the templates use. The sh one is checked against a real /bin/sh;
 * no PowerShell or cmd.exe is installed here, so those are checked by their quoting rules only.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { batEscape, compileTemplate, mdCode, mdEscape, psQuote, shQuote } from '../../src/render/templates.js';

const NASTY = ['plain', 'two words', 'a$HOME b', 'back`tick`', 'say "hi"', 'C:\\path\\', "it's", '100% ready', '*bold* [link](x) <b> |'];

describe('template helpers', () => {
  it.each(NASTY)('sh: /bin/sh echoes %j back unchanged', (s) => {
    expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${shQuote(s)}`], { encoding: 'utf8' })).toBe(s);
  });

  it('sh leaves safe words bare and quotes the rest', () => {
    expect(shQuote('secrets')).toBe('secrets');
    expect(shQuote('Prometheus:   http://localhost:9090')).toBe('"Prometheus:   http://localhost:9090"');
  });

  it('ps doubles single quotes inside single quotes', () => {
    expect(psQuote("it's $env:X")).toBe("'it''s $env:X'");
  });

  it('bat doubles % (no variable expands) and drops " (quoting stays closed)', () => {
    expect(batEscape('100% "x".ps1')).toBe('100%% x.ps1');
  });

  it('md escapes markup characters; code spans drop backticks', () => {
    expect(mdEscape('*a* [b] <c> |d| `e` \\')).toBe('\\*a\\* \\[b\\] \\<c\\> \\|d\\| \\`e\\` \\\\');
    expect(mdCode('a`b')).toBe('`ab`');
  });

  it('compiles without HTML escaping: scripts keep their quotes and ampersands', () => {
    expect(compileTemplate('t.sh.hbs', 'echo {{sh x}} && {{y}}')({ x: 'a & b', y: '<&>' })).toBe('echo "a & b" && <&>');
  });
});
