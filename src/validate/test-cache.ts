/**
 * Passing `promtool test rules` runs, remembered by what they read: the test file, the rule files it
 * loads, and which promtool ran it. validate runs a test file again only when one of those changed;
 * a failure is never remembered, so it shows again on every run until fixed.
 *
 * Kept in $CVM_CACHE_DIR, else $XDG_CACHE_HOME/create-vllm-monitor, else ~/.cache/create-vllm-monitor;
 * CVM_CACHE_DIR=off turns it off. One empty file per passing key: nothing to parse, nothing to lose.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface TestCache {
  /** Whether this key passed before. */
  passed(key: string): boolean;
  remember(key: string): void;
}

const OFF: TestCache = { passed: () => false, remember: () => {} };

export function openTestCache(env: NodeJS.ProcessEnv): TestCache {
  if (env.CVM_CACHE_DIR === 'off') return OFF;
  const root = env.CVM_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-vllm-monitor');
  const dir = join(root, 'promtool-test-rules');
  return {
    passed: (key) => existsSync(join(dir, key)),
    remember: (key) => {
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, key), '');
      } catch {
        // A cache that cannot be written only costs the next run its time.
      }
    },
  };
}

/**
 * The rule files a test file loads: its `rule_files` (relative to the test file; a glob is taken as
 * every file of its directory), and the stack's prometheus/rules/ whatever the test says.
 */
function ruleFilesOf(stackDir: string, testFile: string, content: string): string[] {
  const files = new Set<string>();
  const rulesDir = join(stackDir, 'prometheus', 'rules');
  if (existsSync(rulesDir)) for (const f of readdirSync(rulesDir)) files.add(join(rulesDir, f));
  let named: unknown;
  try {
    named = (parseYaml(content) as { rule_files?: unknown } | null)?.rule_files;
  } catch {
    named = undefined;
  }
  for (const entry of Array.isArray(named) ? named : []) {
    const path = resolve(dirname(testFile), String(entry));
    if (/[*?[]/.test(path)) {
      const parent = dirname(path);
      if (existsSync(parent)) for (const f of readdirSync(parent)) files.add(join(parent, f));
    } else files.add(path);
  }
  return [...files].sort();
}

/** The key of one test file's run: sha256 over the tool's identity and every file the run reads. */
export function testRunKey(toolIdentity: string, stackDir: string, testFile: string): string {
  const path = resolve(stackDir, testFile);
  const content = readFileSync(path, 'utf8');
  const hash = createHash('sha256').update(`tool ${toolIdentity}\n`).update(`test ${testFile}\n${content}\n`);
  // Paths relative to the stack: the same stack generated elsewhere is the same run.
  for (const f of ruleFilesOf(stackDir, path, content)) {
    hash.update(`rule ${relative(stackDir, f)}\n`);
    try {
      hash.update(readFileSync(f));
    } catch {
      hash.update('(unreadable)');
    }
  }
  return hash.digest('hex');
}
