/**
 * `create-vllm-monitor detect <url-or-file> [--json]`: which engine or GPU exporter serves this
 * /metrics, which version era, models and ranks, optional groups, and what is wrong.
 */
import { parseArgs } from 'node:util';
import { detect, type DetectionReport } from '../engines/detect.js';
import { fetchMetrics, UnreachableError } from '../engines/fetch-metrics.js';
import { EXIT_FAILURE, EXIT_OK, envError, usageError } from '../errors.js';
import type { Io } from '../cli/io.js';

export async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'bearer-token-env': { type: 'string' } } });
  } catch (err) {
    throw usageError('detect', (err as Error).message, 'usage: create-vllm-monitor detect <url-or-file> [--json]');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out('Usage: create-vllm-monitor detect <url-or-file> [--json] [--bearer-token-env NAME]');
    io.out('Reads a /metrics answer and reports engine, version family, models, DP/TP ranks, optional metric groups and problems.');
    io.out('Given a URL, also asks the server its version (vLLM /version, SGLang /server_info or /get_server_info).');
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw usageError('detect', 'expects exactly one URL or file', 'e.g. create-vllm-monitor detect http://localhost:8000/metrics');
  const target = positionals[0]!;
  const tokenEnv = values['bearer-token-env'];
  const bearerToken = tokenEnv ? io.env[tokenEnv] : undefined;
  if (tokenEnv && !bearerToken) throw usageError('--bearer-token-env', `environment variable ${tokenEnv} is not set`, 'export it first');

  let fetched;
  try {
    fetched = await fetchMetrics(target, bearerToken ? { bearerToken } : {});
  } catch (err) {
    if (err instanceof UnreachableError) {
      if (values.json) {
        io.out(JSON.stringify({ source: err.url, kind: 'unknown', problems: [{ code: 'unreachable', severity: 'error', message: err.message, fix: 'is the server up, bound to 0.0.0.0, and the port open?' }] }, null, 2));
        return EXIT_FAILURE;
      }
      throw envError(target, err.message.replace(/^cannot reach [^:]+:\/\/[^ ]+: /, 'unreachable: '), 'is the server up, bound to 0.0.0.0, and the port open?');
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw usageError(target, code === 'ENOENT' ? 'no such file' : 'is a directory', 'give a URL (http://host:port/metrics) or a file with a /metrics capture');
    throw err;
  }
  const report = detect(fetched.body, fetched.http, fetched.server);
  if (values.json) io.out(JSON.stringify({ source: fetched.source, ...report }, null, 2));
  else for (const line of describe(fetched.source, report)) io.out(line);
  return report.kind !== 'unknown' && !report.problems.some((p) => p.severity === 'error') ? EXIT_OK : EXIT_FAILURE;
}

export function describe(source: string, r: DetectionReport): string[] {
  const out = [`source:    ${source}`];
  if (r.kind === 'unknown') out.push('detected:  nothing recognisable');
  else {
    out.push(`detected:  ${r.familyTitle}${r.family ? ` [${r.family}]` : ''}${r.alsoMatches.length ? ` (also marks of ${r.alsoMatches.join(', ')})` : ''}`);
    if (r.versionText) out.push(`versions:  ${r.versionText}`);
    if (r.version) out.push(`version:   ${r.version} (reported by ${r.versionFrom})`);
    if (r.naming !== 'native') out.push(`naming:    ${r.naming}`);
  }
  if (r.models.length) out.push(`models:    ${r.models.join(', ')}`);
  const ranks = (['dp', 'tp', 'pp', 'ep'] as const).filter((k) => r.ranks[k].length).map((k) => `${k} ${r.ranks[k].join(',')}`);
  if (ranks.length) out.push(`ranks:     ${ranks.join('  ')}`);
  if (r.gpus.length) out.push(`gpus:      ${r.gpus.length} (${r.gpus.slice(0, 4).join(', ')}${r.gpus.length > 4 ? ', …' : ''})`);
  if (r.hostnames.length) out.push(`hosts:     ${r.hostnames.join(', ')}`);
  if (r.kind !== 'unknown') out.push(`optional:  ${r.optional.groups.length ? r.optional.groups.join(', ') : 'none'}`);
  for (const e of r.evidence) out.push(`evidence:  ${e}`);
  if (r.problems.length === 0) out.push('problems:  none');
  for (const p of r.problems) out.push(`${p.severity.padEnd(9)}  ${p.code}: ${p.message}${p.fix ? ` — ${p.fix}` : ''}`);
  return out;
}
