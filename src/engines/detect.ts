/**
 * Detection: from one /metrics body (and the HTTP answer it came with), say which engine or GPU
 * exporter produced it, which catalog family (version era), the models and DP/TP/PP ranks it serves,
 * which optional metric groups are on, and what is wrong (metrics off, HTML/401/404 instead of
 * metrics, names rewritten by a router, Ray's prefix, generations mixed in one body, a Content-Type
 * Prometheus 3 refuses).
 */
import { ENGINE_FAMILIES, familyById, releaseOf, versionBefore } from './catalog.js';
import { parseExposition, type Exposition, type Sample } from './exposition.js';
import { type NameTransport, nativeName } from './transports.js';
import type { FamilyId, OptionalGroup, Producer } from './types.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  code:
    | 'unreachable'
    | 'http-status'
    | 'auth-required'
    | 'not-found'
    | 'html-instead-of-metrics'
    | 'json-instead-of-metrics'
    | 'empty'
    | 'not-an-exposition'
    | 'engine-metrics-missing'
    | 'names-rewritten'
    | 'ray-prefix'
    | 'nim-unprefixed'
    | 'mixed-generations'
    | 'parse-errors'
    | 'outdated-format'
    | 'mig'
    | 'profiling-unavailable'
    | 'content-type'
    | 'version-mismatch';
  severity: Severity;
  message: string;
  fix?: string;
}

export interface HttpInfo {
  status: number;
  contentType?: string;
}

/** The version a server reports of itself (vLLM /version, SGLang /server_info), and where. */
export interface ServerVersion {
  version: string;
  url: string;
}

export interface DetectionReport {
  kind: 'engine' | 'gpu-exporter' | 'router' | 'unknown';
  producer?: Producer;
  family?: FamilyId;
  familyTitle?: string;
  versionText?: string;
  /** The version the server reports of itself, where it was asked and answered. */
  version?: string;
  /** Where `version` came from (the URL of /version or /server_info). */
  versionFrom?: string;
  /** Other catalog families whose marks are also present (mixed or edited bodies). */
  alsoMatches: FamilyId[];
  /** How the names were written: engine-native, a gateway's `_` for `:`, Ray's `ray_` prefix, an older NIM's unprefixed vLLM names. */
  naming: 'native' | 'underscore' | 'ray-prefix' | 'nim-unprefixed';
  models: string[];
  ranks: { dp: string[]; tp: string[]; pp: string[]; ep: string[] };
  /** GPUs seen (GPU exporters): DCGM `gpu`/UUID, nvidia-smi `uuid`, AMD `gpu_id`. */
  gpus: string[];
  hostnames: string[];
  optional: { specDecode: boolean; lora: boolean; prefixCache: boolean; kvConnector: boolean; groups: OptionalGroup[] };
  problems: Problem[];
  evidence: string[];
  format: Exposition['format'];
  stats: { families: number; samples: number; parseIssues: number };
}

const OPTIONAL_GROUPS_REPORTED: OptionalGroup[] = ['spec_decode', 'lora', 'kv_connector', 'kv_offload', 'hybrid_model', 'prefix_cache', 'multimodal', 'kv_cache_metrics', 'mfu', 'fault_tolerance', 'pd_disaggregation', 'tokens_histogram', 'profiling', 'nvml_backend', 'mig'];

function emptyReport(format: Exposition['format'] = 'prometheus-text'): DetectionReport {
  return {
    kind: 'unknown',
    alsoMatches: [],
    naming: 'native',
    models: [],
    ranks: { dp: [], tp: [], pp: [], ep: [] },
    gpus: [],
    hostnames: [],
    optional: { specDecode: false, lora: false, prefixCache: false, kvConnector: false, groups: [] },
    problems: [],
    evidence: [],
    format,
    stats: { families: 0, samples: 0, parseIssues: 0 },
  };
}

/** Problems an HTTP answer shows before its body is read. */
function httpProblems(http: HttpInfo, body: string): Problem[] {
  if (http.status === 401 || http.status === 403) {
    return [{ code: 'auth-required', severity: 'error', message: `HTTP ${http.status}: /metrics is behind authentication (an API key or a proxy)`, fix: 'give the target a bearer token (target bearerTokenEnv) or scrape the engine port directly, bypassing the proxy' }];
  }
  if (http.status === 404) {
    return [{ code: 'not-found', severity: 'error', message: 'HTTP 404 on the metrics path: this server exposes no metrics there', fix: 'SGLang serves /metrics only with --enable-metrics; check the port and metrics path' }];
  }
  if (http.status >= 400) return [{ code: 'http-status', severity: 'error', message: `HTTP ${http.status}: ${body.slice(0, 80).trim()}` }];
  return [];
}

/** Recognise bodies that are not metrics at all. */
function bodyProblem(body: string, http?: HttpInfo): Problem | undefined {
  const head = body.trimStart().slice(0, 200).toLowerCase();
  if (head === '') return { code: 'empty', severity: 'error', message: 'the answer is empty' };
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || (http?.contentType ?? '').includes('text/html')) {
    return { code: 'html-instead-of-metrics', severity: 'error', message: 'the answer is an HTML page, not metrics', fix: 'point the target at the engine\'s own port and /metrics path (this looks like a web UI, a proxy or a login page)' };
  }
  if (head.startsWith('{') || head.startsWith('[')) {
    return { code: 'json-instead-of-metrics', severity: 'error', message: `the answer is JSON, not metrics: ${body.trim().slice(0, 80)}`, fix: 'wrong path, or metrics are disabled (SGLang needs --enable-metrics)' };
  }
  return undefined;
}

const uniq = (xs: Iterable<string>) => [...new Set(xs)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/**
 * A metrics answer whose Content-Type Prometheus 3 refuses to scrape (it fails the scrape unless the
 * job sets fallback_scrape_protocol); Prometheus 2 parsed any answer as the text format.
 */
function contentTypeProblem(http: HttpInfo): Problem | undefined {
  const type = (http.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (['text/plain', 'application/openmetrics-text', 'application/vnd.google.protobuf'].includes(type)) return undefined;
  return {
    code: 'content-type',
    severity: 'warning',
    message: `${http.contentType ? `Content-Type "${http.contentType}"` : 'no Content-Type header'}: Prometheus 3, which the stack runs, refuses to scrape this (Prometheus 2 does not)`,
    fix: 'make the server, or the proxy in front of it, send "text/plain; version=0.0.4"; or add fallback_scrape_protocol: PrometheusText0.0.4 to its job in prometheus/prometheus.yml (Prometheus 3 only)',
  };
}

/** Detect from a body and, when it came over HTTP, the status and content type (and the version the server reported). */
export function detect(body: string, http?: HttpInfo, server?: ServerVersion): DetectionReport {
  const early = http ? httpProblems(http, body) : [];
  const bodyIssue = bodyProblem(body, http);
  if (early.length || bodyIssue) {
    const r = emptyReport();
    r.problems = [...early, ...(bodyIssue && !early.some((p) => p.code === 'not-found' && bodyIssue.code === 'json-instead-of-metrics') ? [bodyIssue] : [])];
    return r;
  }
  const report = detectExposition(parseExposition(body), server);
  const contentType = http && report.kind !== 'unknown' ? contentTypeProblem(http) : undefined;
  if (contentType) report.problems.push(contentType);
  return report;
}

export function detectExposition(expo: Exposition, server?: ServerVersion): DetectionReport {
  const report = emptyReport(expo.format);
  report.stats = { families: expo.families.length, samples: expo.samples.length, parseIssues: expo.issues.length };
  if (expo.issues.length > 0) {
    report.problems.push({ code: 'parse-errors', severity: expo.samples.length ? 'warning' : 'error', message: `${expo.issues.length} line(s) not valid exposition; first: line ${expo.issues[0]!.line}: ${expo.issues[0]!.message}` });
  }
  if (expo.samples.length === 0 && expo.families.length === 0) {
    report.problems.push({ code: 'not-an-exposition', severity: 'error', message: 'no metric samples found in the answer' });
    return report;
  }

  // Undo the known renamings so the catalog can be matched, and say which one was found.
  const names = new Set<string>([...expo.samples.map((s) => s.name), ...expo.families.map((f) => f.name)]);
  const rename = namingOf(names);
  report.naming = rename.naming;
  if (rename.problem) report.problems.push(rename.problem);
  const samples = expo.samples.map((s) => ({ ...s, name: rename.normalise(s.name) }));
  const normNames = new Set([...names].map(rename.normalise));

  const counts = {
    vllm: [...normNames].filter((n) => n.startsWith('vllm:')).length,
    sglang: [...normNames].filter((n) => n.startsWith('sglang:')).length,
    dcgm: [...normNames].filter((n) => /^DCGM_(FI|EXP)_/.test(n)).length,
    'nvidia-smi': [...normNames].filter((n) => n.startsWith('nvidia_smi_')).length,
    amd: [...normNames].filter((n) => AMD_NAME.test(n)).length,
  };
  const producer = (Object.entries(counts) as [Producer, number][]).sort((a, b) => b[1] - a[1])[0]!;
  const gateway = [...names].filter((n) => n.startsWith('smg_'));
  if (producer[1] === 0 && gateway.length > 0) {
    // The gateway's own metrics: a target of kind router, not an engine.
    report.kind = 'router';
    report.producer = 'smg';
    report.familyTitle = 'SGLang Model Gateway (its own metrics: smg_*)';
    report.evidence = [`${gateway.length} smg_* names, e.g. ${gateway.sort()[0]}: add it with --target NAME:router=URL`];
    report.models = uniq(expo.samples.filter((x) => x.name.startsWith('smg_') && x.labels.model).map((x) => x.labels.model!));
    return report;
  }
  if (producer[1] === 0) {
    const runtimeOnly = [...names].some((n) => /^(python_|process_|http_)/.test(n));
    report.problems.push(
      runtimeOnly
        ? { code: 'engine-metrics-missing', severity: 'error', message: 'only process/python/HTTP metrics, no vllm:* or sglang:* series', fix: 'vLLM: do not pass --disable-log-stats; SGLang: start with --enable-metrics' }
        : { code: 'engine-metrics-missing', severity: 'error', message: 'no vLLM, SGLang or GPU-exporter metrics recognised' },
    );
    return report;
  }
  report.producer = producer[0];
  report.kind = producer[0] === 'vllm' || producer[0] === 'sglang' ? 'engine' : 'gpu-exporter';

  const own = samples.filter((s) => belongsTo(producer[0], s.name));
  const era = familyEra(producer[0], normNames, own, expo);
  const settled = server && report.kind === 'engine' ? applyServerVersion(report, era, server) : false;
  if (era.ambiguous && !settled) era.evidence.push(era.ambiguous.guess);
  report.family = era.family;
  report.alsoMatches = era.also;
  report.evidence = era.evidence;
  const fam = familyById(era.family);
  report.familyTitle = fam.title;
  report.versionText = fam.versionText;
  if (era.also.length) {
    report.problems.push({
      code: 'mixed-generations',
      severity: 'warning',
      message: `marks of ${[era.family, ...era.also].join(' and ')} in one body (several servers merged, or an edited capture)`,
    });
  }
  report.problems.push(...era.problems);

  if (report.kind === 'engine') {
    const modelKey = era.family === 'sglang-gen1' ? 'name' : 'model_name';
    report.models = uniq(own.filter((s) => s.name !== 'sglang:func_latency_seconds_bucket' && !s.name.startsWith('sglang:func_latency')).map((s) => s.labels[modelKey] ?? s.labels.model_name).filter((m): m is string => !!m));
    report.ranks = {
      dp: uniq(own.map((s) => (producer[0] === 'vllm' ? s.labels.engine : s.labels.dp_rank)).filter((v): v is string => v !== undefined)),
      tp: uniq(own.map((s) => s.labels.tp_rank).filter((v): v is string => v !== undefined)),
      pp: uniq(own.map((s) => s.labels.pp_rank).filter((v): v is string => v !== undefined)),
      ep: uniq(own.map((s) => s.labels.moe_ep_rank).filter((v): v is string => v !== undefined)),
    };
  } else {
    report.gpus = uniq(own.map((s) => s.labels.UUID ?? s.labels.uuid ?? s.labels.gpu_id ?? s.labels.GPU_UUID).filter((v): v is string => !!v));
    report.hostnames = uniq(own.map((s) => s.labels.Hostname ?? s.labels.hostname).filter((v): v is string => !!v));
  }
  report.optional = optionalGroups(producer[0], [era.family, ...era.also], normNames, own);
  return report;
}

const AMD_NAME = /^(amd_)?(gpu_(gfx_activity|gfx_busy_instantaneous|umc_activity|total_vram|used_vram|free_vram|clock|xgmi_link_(rx|tx)|junction_temperature|edge_temperature|memory_temperature|package_power|average_package_power|power_usage|energy_consumed|health|afid_errors|usage|total_memory|nodes_total|prof_[a-z_]+)|pcie_replay_count)$/;

function belongsTo(producer: Producer, name: string): boolean {
  switch (producer) {
    case 'vllm':
      return name.startsWith('vllm:');
    case 'sglang':
      return name.startsWith('sglang:');
    case 'dcgm':
      return /^DCGM_(FI|EXP)_/.test(name);
    case 'nvidia-smi':
      return name.startsWith('nvidia_smi_');
    case 'amd':
      return AMD_NAME.test(name);
    case 'smg':
      return name.startsWith('smg_');
  }
}

interface Naming {
  naming: DetectionReport['naming'];
  normalise: (name: string) => string;
  problem?: Problem;
}

/** What the stack's scrape does with a transport's names, said once for every problem below. */
const RENAMED_AT_SCRAPE = "the generated stack's scrape renames them back (metric_relabel_configs), so its rules and panels work as for the engine itself";

/**
 * How the names came: as the engine writes them, or renamed by what stands in front of it (a
 * gateway, Ray Serve, an older NIM: engines/transports.ts). A body mixing native and renamed
 * names (an edited or concatenated capture) is read with the renamed ones put back.
 */
function namingOf(names: Set<string>): Naming {
  const all = [...names];
  const renamed = all.map((n) => ({ raw: n, ...nativeName(n) })).filter((r) => r.transport);
  const native = all.some((n) => /^(vllm|sglang):/.test(n));
  // Unprefixed NIM names count only where no engine name says otherwise (a generic name alone proves nothing).
  const relevant = renamed.filter((r) => r.transport!.id !== 'nim' || (!native && renamed.filter((x) => x.transport!.id === 'nim').length >= 3));
  if (relevant.length === 0) return { naming: 'native', normalise: (n) => n };
  const byTransport = (id: NameTransport['id']) => relevant.find((r) => r.transport!.id === id);
  const first = byTransport('ray') ?? byTransport('gateway') ?? byTransport('nim')!;
  const t = first.transport!;
  const normalise = (n: string) => {
    const r = nativeName(n);
    return r.transport && relevant.some((x) => x.transport === r.transport) ? r.name : n;
  };
  const code: Problem['code'] = t.id === 'ray' ? 'ray-prefix' : t.id === 'nim' ? 'nim-unprefixed' : 'names-rewritten';
  const naming: DetectionReport['naming'] = t.id === 'ray' ? 'ray-prefix' : t.id === 'nim' ? 'nim-unprefixed' : 'underscore';
  const mixed = native ? ` next to native names` : '';
  return {
    naming,
    normalise,
    problem: { code, severity: 'info', message: `names renamed by ${t.title} (e.g. ${first.raw} for ${first.name})${mixed}: ${RENAMED_AT_SCRAPE}` },
  };
}

interface Era {
  family: FamilyId;
  also: FamilyId[];
  evidence: string[];
  problems: Problem[];
  /** Families the names cannot tell apart, and what is assumed unless the reported version chooses. */
  ambiguous?: { among: FamilyId[]; guess: string };
}

const PRODUCT: Partial<Record<Producer, string>> = { vllm: 'vLLM', sglang: 'SGLang' };

/** Whether a release lies in a family's range (`from` inclusive, `until` exclusive). */
function inRange(release: string, id: FamilyId): boolean {
  const { from, until } = familyById(id).versions;
  return (!from || !versionBefore(release, from)) && (!until || versionBefore(release, until));
}

function rangeWords(id: FamilyId): string {
  const { from, until } = familyById(id).versions;
  return from && until ? `${from} to < ${until}` : from ? `>= ${from}` : until ? `< ${until}` : 'any version';
}

/**
 * The version the server reports: where the names leave the era open it chooses among the
 * candidates; where they settle it, a version outside that family's range is a warning naming both.
 */
function applyServerVersion(report: DetectionReport, era: Era, server: ServerVersion): boolean {
  report.version = server.version;
  report.versionFrom = server.url;
  const release = releaseOf(server.version);
  const who = PRODUCT[report.producer!] ?? report.producer!;
  if (!release) {
    era.evidence.push(`server reports version "${server.version}" (${server.url}), which does not read as a release number: not used`);
    return false;
  }
  if (report.naming !== 'native') {
    era.evidence.push(`server reports ${who} ${server.version} (${server.url}); names arrive rewritten, so whatever answered may not be the engine: not used to date it`);
    return false;
  }
  const chosen = era.ambiguous?.among.find((id) => inRange(release, id));
  if (chosen) {
    era.evidence.push(`${who} ${server.version} reported by ${server.url}: ${chosen} (${who} ${rangeWords(chosen)}), which the names alone do not tell`);
    era.family = chosen;
    return true;
  }
  if (inRange(release, era.family)) {
    era.evidence.push(`${who} ${server.version} reported by ${server.url}`);
    return false;
  }
  const fam = familyById(era.family);
  era.problems.push({
    code: 'version-mismatch',
    severity: 'warning',
    message: `${server.url} reports ${who} ${server.version}, but the metric names are those of ${fam.title} [${fam.id}] (${who} ${rangeWords(fam.id)}): a proxy or another server answers one of the two, or the catalog lacks this version`,
  });
  return false;
}

/** Names present only in one of the given families (the marks that tell eras apart). */
function exclusiveMarks(ids: FamilyId[], names: Set<string>): Map<FamilyId, string[]> {
  const out = new Map<FamilyId, string[]>();
  const fams = ids.map(familyById);
  for (const f of fams) {
    const others = fams.filter((o) => o !== f);
    const marks = f.metrics
      .filter((m) => !others.some((o) => o.metrics.some((om) => om.name === m.name)))
      .map((m) => m.name)
      .filter((n) => names.has(n) || names.has(`${n}_bucket`) || names.has(`${n}_count`));
    out.set(f.id, marks);
  }
  return out;
}

function familyEra(producer: Producer, names: Set<string>, own: Sample[], expo: Exposition): Era {
  switch (producer) {
    case 'vllm':
      return vllmEra(names, own, expo);
    case 'sglang':
      return sglangEra(names, own);
    case 'dcgm':
      return dcgmEra(names, own);
    case 'nvidia-smi':
      return nvidiaSmiEra(names, own);
    case 'amd':
      return amdEra(names, own);
    case 'smg':
      throw new Error('a gateway has no version era: detectExposition reports it before');
  }
}

function vllmEra(names: Set<string>, own: Sample[], expo: Exposition): Era {
  const evidence: string[] = [];
  const marks = exclusiveMarks(['vllm-v0', 'vllm-v1-legacy', 'vllm-v1'], names);
  const v0Marks = marks.get('vllm-v0')!;
  const newMarks = marks.get('vllm-v1')!;
  const legacyMarks = ['vllm:gpu_cache_usage_perc', 'vllm:gpu_prefix_cache_queries_total', 'vllm:gpu_prefix_cache_hits_total', 'vllm:time_per_output_token_seconds'].filter((n) => names.has(n) || names.has(`${n}_bucket`) || names.has(`${n}_count`));
  const engineLabel = own.some((s) => s.labels.engine !== undefined);
  const created = [...names].some((n) => n.startsWith('vllm:') && n.endsWith('_created'));
  const runningHelp = expo.families.find((f) => f.name.endsWith('vllm:num_requests_running'))?.help;
  const v1Counters = ['vllm:gpu_prefix_cache_queries_total', 'vllm:prefix_cache_queries_total', 'vllm:kv_cache_usage_perc', 'vllm:engine_sleep_state'].filter((n) => names.has(n));
  if (engineLabel) evidence.push('`engine` label (V1 data-parallel index)');
  if (created) evidence.push('*_created series (V1, single-process prometheus_client)');
  if (runningHelp === 'Number of requests in model execution batches.') evidence.push('V1 HELP text of vllm:num_requests_running');
  if (v1Counters.length) evidence.push(`V1-only names: ${v1Counters.join(', ')}`);
  if (v0Marks.length) evidence.push(`V0-only names: ${v0Marks.slice(0, 4).join(', ')}`);
  if (newMarks.length) evidence.push(`names from 0.11 on: ${newMarks.slice(0, 3).join(', ')}`);
  const isV1 = engineLabel || created || v1Counters.length > 0 || newMarks.length > 0 || runningHelp === 'Number of requests in model execution batches.';
  const isV0 = v0Marks.length > 0 || (!isV1 && own.length > 0);
  const v1Family: FamilyId = newMarks.length > 0 ? 'vllm-v1' : legacyMarks.length > 0 ? 'vllm-v1-legacy' : 'vllm-v1';
  const undated = isV1 && newMarks.length === 0 && legacyMarks.length === 0;
  if (isV1 && newMarks.length > 0 && legacyMarks.length > 0) evidence.push(`deprecated names still shown: ${legacyMarks.join(', ')} (0.11, or --show-hidden-metrics-for-version)`);
  // Nothing V0-only either: any generation could have written these names. A reported version picks
  // the engine that release ran by default (V1 from 0.8), V0 before.
  if (!isV1) return { family: 'vllm-v0', also: [], evidence, problems: [], ...(v0Marks.length === 0 ? { ambiguous: { among: ['vllm-v1-legacy', 'vllm-v1', 'vllm-v0'], guess: 'no name that tells V0 from V1: assuming V0' } } : {}) };
  // Several API servers share one registry in prometheus_client's multiprocess mode, which has no
  // process collector and no _created gauges: expected there, not a fault (PR #32525 made it the DP > 1 default).
  if (!created && ![...names].some((n) => n.startsWith('process_'))) {
    const dp = new Set(own.map((s) => s.labels.engine).filter((e) => e !== undefined)).size;
    evidence.push(`no process_* and no *_created series: multiprocess metrics, as ${dp > 1 ? `DP = ${dp} serves by default since vllm PR #32525 (several API servers)` : 'with --api-server-count > 1 (or DP > 1 since vllm PR #32525)'}; the process-memory panel has no source there`);
  }
  const also: FamilyId[] = [];
  if (isV0 && v0Marks.length) also.push('vllm-v0');
  // Older V1 names beside the newest ones in a body that also has V0 marks: an edited capture.
  return { family: v1Family, also, evidence, problems: [], ...(undated ? { ambiguous: { among: ['vllm-v1', 'vllm-v1-legacy'], guess: 'no name that dates the V1 version: assuming ≥ 0.11' } } : {}) };
}

function sglangEra(names: Set<string>, own: Sample[]): Era {
  const evidence: string[] = [];
  const gen1 = own.some((s) => s.labels.name !== undefined && s.labels.model_name === undefined && !s.name.startsWith('sglang:func_latency'));
  const modern = own.some((s) => s.labels.model_name !== undefined);
  const oldTpot = names.has('sglang:time_per_output_token_seconds') || names.has('sglang:time_per_output_token_seconds_bucket');
  const itl = names.has('sglang:inter_token_latency_seconds') || names.has('sglang:inter_token_latency_seconds_bucket');
  const ranks = own.some((s) => s.labels.tp_rank !== undefined || s.labels.pp_rank !== undefined);
  if (gen1) evidence.push('label `name` instead of model_name (first-generation metrics, 2024-11)');
  if (oldTpot) evidence.push('sglang:time_per_output_token_seconds (renamed inter_token_latency_seconds in 2025)');
  if (itl) evidence.push('sglang:inter_token_latency_seconds');
  if (ranks) evidence.push('tp_rank/pp_rank labels on scheduler series');
  const found: FamilyId[] = [];
  if (itl || ranks) found.push('sglang');
  if (oldTpot) found.push('sglang-legacy');
  if (gen1) found.push('sglang-gen1');
  // No mark of any era: the labels give a guess, the reported version may settle it.
  const undated = found.length === 0;
  if (undated) found.push(modern ? 'sglang' : 'sglang-gen1');
  const among: FamilyId[] = modern ? ['sglang', 'sglang-legacy'] : ['sglang-gen1', 'sglang-legacy', 'sglang'];
  const guess = `no name that dates the SGLang version: assuming ${found[0]}`;
  return { family: found[0]!, also: found.slice(1), evidence, problems: [], ...(undated ? { ambiguous: { among, guess } } : {}) };
}

function dcgmEra(names: Set<string>, own: Sample[]): Era {
  const evidence: string[] = [];
  const problems: Problem[] = [];
  const marks = exclusiveMarks(['dcgm', 'dcgm-4.9'], names);
  const newMarks = [...marks.get('dcgm-4.9')!, ...(own.some((s) => s.labels.DCGM_FI_SYSTEM_DRIVER_VERSION !== undefined) ? ['DCGM_FI_SYSTEM_DRIVER_VERSION label'] : [])];
  const oldMarks = marks.get('dcgm')!;
  const upper = own.some((s) => s.labels.Hostname !== undefined);
  const lower = own.some((s) => s.labels.hostname !== undefined);
  if (oldMarks.length) evidence.push(`names up to 4.8: ${oldMarks.slice(0, 3).join(', ')}`);
  if (newMarks.length) evidence.push(`4.9 names: ${newMarks.slice(0, 3).join(', ')}`);
  if (upper) evidence.push('`Hostname` label (≤ 4.5.3-4.8.2)');
  if (lower) evidence.push('`hostname` label (≥ 4.6.0-4.8.3)');
  if (own.some((s) => s.labels.GPU_I_PROFILE !== undefined)) {
    problems.push({ code: 'mig', severity: 'info', message: 'MIG instances present: DCGM_FI_DEV_*_UTIL is not reported for MIG; use DCGM_FI_PROF_GR_ENGINE_ACTIVE' });
  }
  if (![...names].some((n) => n.startsWith('DCGM_FI_PROF_'))) {
    problems.push({ code: 'profiling-unavailable', severity: 'info', message: 'no DCGM_FI_PROF_* fields: SM/DRAM/tensor activity unavailable (consumer GPU, no SYS_ADMIN, or not in the counters CSV)' });
  }
  const family: FamilyId = newMarks.length > 0 && oldMarks.length === 0 ? 'dcgm-4.9' : 'dcgm';
  const also: FamilyId[] = newMarks.length > 0 && oldMarks.length > 0 ? ['dcgm-4.9'] : [];
  return { family, also, evidence, problems };
}

function nvidiaSmiEra(names: Set<string>, own: Sample[]): Era {
  const evidence = ['nvidia_smi_* names (utkuozdemir/nvidia_gpu_exporter)'];
  const problems: Problem[] = [];
  const mig = own.some((s) => s.name === 'nvidia_smi_mig_mode_current' && s.value === 1);
  if (mig) {
    problems.push({
      code: 'mig',
      severity: 'info',
      message: `MIG mode is on${names.has('nvidia_smi_utilization_gpu_ratio') ? '' : ': nvidia-smi reports no utilization fields for this GPU'}`,
    });
  }
  if (names.has('nvidia_smi_xid_errors_total')) evidence.push('NVML backend (XID counters)');
  const failed = own.find((s) => s.name === 'nvidia_smi_last_collect_success' && s.value === 0);
  if (failed) problems.push({ code: 'engine-metrics-missing', severity: 'error', message: 'nvidia_smi_last_collect_success is 0: nvidia-smi fails inside the exporter', fix: 'give the container the GPU (--gpus all, a device reservation or runtime: nvidia)' });
  return { family: 'nvidia-smi', also: [], evidence, problems };
}

function amdEra(names: Set<string>, own: Sample[]): Era {
  const evidence = ['ROCm device-metrics-exporter names'];
  const problems: Problem[] = [];
  const outdated = names.has('gpu_usage') || names.has('gpu_total_memory') || own.some((s) => s.labels.GPU_UUID !== undefined || s.labels.SERIAL_NUMBER !== undefined);
  if (outdated) {
    problems.push({ code: 'outdated-format', severity: 'warning', message: 'outdated device-metrics-exporter format (gpu_usage, upper-case GPU_UUID labels): current releases use gpu_gfx_activity and lower-case labels', fix: 'upgrade the exporter to v1.x' });
  }
  if ([...names].some((n) => n.startsWith('amd_gpu_'))) evidence.push('MetricsFieldPrefix "amd_" set');
  return { family: 'amd', also: [], evidence, problems };
}

function optionalGroups(producer: Producer, families: FamilyId[], names: Set<string>, own: Sample[]): DetectionReport['optional'] {
  const groups = new Set<OptionalGroup>();
  for (const id of families) {
    for (const m of familyById(id).metrics) {
      if (!m.optional) continue;
      if (names.has(m.name) || names.has(`${m.name}_bucket`) || names.has(`${m.name}_count`)) groups.add(m.optional);
    }
  }
  if (producer === 'vllm') {
    const config = own.find((s) => s.name === 'vllm:cache_config_info');
    const enabled = config?.labels.enable_prefix_caching;
    const queries = own.filter((s) => /^vllm:(gpu_)?prefix_cache_queries_total$/.test(s.name)).reduce((a, s) => a + s.value, 0);
    if (enabled === 'True' || queries > 0 || names.has('vllm:gpu_prefix_cache_hit_rate')) groups.add('prefix_cache');
    if (enabled === 'False') groups.delete('prefix_cache');
    if (own.some((s) => /^vllm:(external_prefix_cache_queries_total)$/.test(s.name) && s.value > 0)) groups.add('kv_connector');
    else if (!own.some((s) => s.name.startsWith('vllm:nixl_'))) groups.delete('kv_connector');
  }
  if (producer === 'sglang' && (names.has('sglang:cache_hit_rate') || names.has('sglang:cached_tokens_total'))) groups.add('prefix_cache');
  if (producer === 'sglang' && ['sglang:spec_accept_rate', 'sglang:spec_accept_length'].some((n) => own.some((s) => s.name === n && s.value > 0))) groups.add('spec_decode');
  else if (producer === 'sglang') groups.delete('spec_decode');
  if ((producer === 'dcgm' || producer === 'amd') && [...names].some((n) => /^(DCGM_FI_PROF_|gpu_prof_)/.test(n))) groups.add('profiling');
  if (producer === 'dcgm' && own.some((s) => s.labels.GPU_I_PROFILE !== undefined)) groups.add('mig');
  // The exporter always reports the MIG mode; the group is on only where it reads 1.
  if (producer === 'nvidia-smi' && !own.some((s) => s.name === 'nvidia_smi_mig_mode_current' && s.value === 1)) groups.delete('mig');
  const list = OPTIONAL_GROUPS_REPORTED.filter((g) => groups.has(g));
  return { specDecode: groups.has('spec_decode'), lora: groups.has('lora'), prefixCache: groups.has('prefix_cache'), kvConnector: groups.has('kv_connector'), groups: list };
}

/** All catalog families, for callers that list what detection can tell apart. */
export const DETECTABLE_FAMILIES: readonly FamilyId[] = ENGINE_FAMILIES.map((f) => f.id);
