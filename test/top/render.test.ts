/** The pure renderer: frame -> lines that fit the terminal, coloured only when asked. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import type { TopFrame } from '../../src/top/frame.js';
import { TABLE_MIN_WIDTH, fit, percent, rate, renderFrame, seconds } from '../../src/top/render.js';

const ANSI = /\x1b\[[0-9;]*m/g;
const visible = (l: string) => [...l.replace(ANSI, '')].length;

function frame(over: Partial<TopFrame> = {}): TopFrame {
  return {
    time: 1_767_225_600,
    prometheusUrl: 'http://127.0.0.1:9090',
    stack: 'vllm-monitor-demo',
    objectives: { ...DEFAULT_SLO, source: 'stack' },
    targets: [
      { job: 'vllm', role: 'engine', up: 2, expected: 2, down: [] },
      { job: 'sglang', role: 'engine', up: 0, expected: 1, down: ['llama-sglang'] },
      { job: 'gpu-dcgm', role: 'gpu', up: 1, expected: 1, down: [] },
    ],
    alerts: [
      { alertname: 'LLMTargetDown', severity: 'critical', labels: { instance: 'llama-sglang', job: 'sglang' } },
      { alertname: 'LLMQueueDeep', severity: 'warning', labels: { instance: 'opt-vllm-v0', model_name: 'facebook/opt-125m' } },
    ],
    alertCounts: { critical: 1, warning: 1, info: 0, other: 0 },
    watchdog: true,
    models: [
      { model: 'facebook/opt-125m', engine: 'vllm', instances: 1, requestsPerSecond: 3.456, outputTokensPerSecond: 812.4, ttftP99Seconds: 3.2, itlP99Seconds: 0.0123, e2eP99Seconds: 12, errorRatio: 0.0005, kvUsageMax: 0.42 },
      { model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'sglang', instances: 1, requestsPerSecond: null, outputTokensPerSecond: null, ttftP99Seconds: null, itlP99Seconds: null, e2eP99Seconds: null, errorRatio: null, kvUsageMax: 0.97 },
    ],
    gpuUtilisationServing: 0.63,
    gpuHosts: [{ host: 'gpu-box', gpus: 2, utilisation: 0.63 }],
    ...over,
  };
}

describe('number formats', () => {
  it('seconds, rates and percentages', () => {
    expect([seconds(0.0123), seconds(0.18), seconds(4.2), seconds(60), seconds(123.4), seconds(null)]).toEqual(['12.3ms', '180ms', '4.20s', '60.0s', '123s', '-']);
    expect([rate(3.456), rate(34.56), rate(812.4), rate(34_567), rate(null)]).toEqual(['3.46', '34.6', '812', '34.6k', '-']);
    expect([percent(0.42), percent(0.0005, 2), percent(null)]).toEqual(['42%', '0.05%', '-']);
  });
});

describe('renderFrame', () => {
  it('draws the first screen as a table on a wide terminal, plain without colour', () => {
    const lines = renderFrame(frame(), { width: 120, color: false });
    const text = lines.join('\n');
    expect(text).not.toMatch(ANSI);
    expect(lines[0]).toBe('create-vllm-monitor top  vllm-monitor-demo  2026-01-01 00:00:00 UTC  http://127.0.0.1:9090');
    expect(text).toContain('Targets  vllm 2/2  sglang 0/1  gpu-dcgm 1/1');
    expect(text).toContain('  down   sglang/llama-sglang');
    expect(text).toContain('Alerts   1 critical  1 warning  0 info  (Watchdog firing: rules evaluate)');
    expect(lines).toContain('  CRITICAL  LLMTargetDown  llama-sglang');
    expect(lines).toContain('  WARNING   LLMQueueDeep  facebook/opt-125m opt-vllm-v0');
    expect(text).toContain('Objective p99 TTFT 2.50s  ITL 100ms  E2E 60.0s  errors 0.1%');
    const header = lines.find((l) => l.startsWith('MODEL'))!;
    expect(header).toMatch(/MODEL +ENGINE +INST +REQ\/S +OUT TOK\/S +TTFT p99 +ITL p99 +E2E p99 +ERRORS +KV/);
    // Past its objective: marked with "!" (what red says when there is no colour).
    const opt = lines.find((l) => l.startsWith('facebook/opt-125m'))!;
    expect(opt.split(/ +/)).toEqual(['facebook/opt-125m', 'vllm', '1', '3.46', '812', '3.20s!', '12.3ms', '12.0s', '0.05%', '42%']);
    const llama = lines.find((l) => l.startsWith('meta-llama'))!;
    expect(llama.split(/ +/)).toEqual(['meta-llama/Llama-3.1-8B-Instruct', 'sglang', '1', '-', '-', '-', '-', '-', '-', '97%!']);
    expect(text).toContain('GPU util serving 63%  gpu-box 2 GPUs 63%');
    for (const l of lines) expect(visible(l)).toBeLessThanOrEqual(120);
  });

  it('colours against the objectives on a terminal, without the marks', () => {
    const lines = renderFrame(frame(), { width: 120, color: true });
    const opt = lines.find((l) => l.startsWith('facebook/opt-125m'))!;
    expect(opt).toMatch(/\x1b\[31m +3\.20s\x1b\[0m/); // TTFT over 2.5 s: red
    expect(opt).toMatch(/\x1b\[32m +12\.3ms\x1b\[0m/); // ITL within: green
    expect(opt).toMatch(/\x1b\[33m +0\.05%\x1b\[0m/); // half the error budget: yellow
    expect(opt).not.toContain('!');
    expect(lines.join('\n')).toContain('\x1b[31m0/1\x1b[0m'); // a target down
    expect(lines.join('\n')).toContain('\x1b[31m1 critical\x1b[0m');
  });

  it('switches to one block per model below the table width, and every line fits', () => {
    for (const width of [TABLE_MIN_WIDTH - 1, 60, 40, 24]) {
      const lines = renderFrame(frame(), { width, color: true });
      expect(lines.some((l) => l.startsWith('MODEL'))).toBe(false);
      for (const l of lines) expect(visible(l), `${width}: ${l}`).toBeLessThanOrEqual(width);
    }
    const lines = renderFrame(frame(), { width: 60, color: false });
    const i = lines.findIndex((l) => l.startsWith('facebook/opt-125m'));
    expect(lines.slice(i, i + 3)).toEqual(['facebook/opt-125m (vllm, 1 inst)', '  req/s 3.46  out tok/s 812  err 0.05%  KV 42%', '  p99 TTFT 3.20s!  ITL 12.3ms  E2E 12.0s']);
    // Targets wrap onto indented lines instead of running off the edge.
    const narrow = renderFrame(frame(), { width: 30, color: false });
    expect(narrow.filter((l) => l.startsWith('Targets') || l.startsWith('         ')).length).toBeGreaterThan(1);
  });

  it('cuts a long model name in the table with …', () => {
    const long = 'org/' + 'x'.repeat(100);
    const f = frame({ models: [{ ...frame().models[0]!, model: long }] });
    const lines = renderFrame(f, { width: TABLE_MIN_WIDTH + 4, color: false });
    const row = lines.find((l) => l.startsWith('org/'))!;
    expect(row).toMatch(/^org\/x+… +vllm/);
    expect(visible(row)).toBeLessThanOrEqual(TABLE_MIN_WIDTH + 4);
  });

  it('says what is missing: no models, no GPUs, no Watchdog, more alerts than room', () => {
    const alerts = Array.from({ length: 12 }, (_, i) => ({ alertname: `A${i}`, severity: 'warning', labels: {} }));
    const f = frame({ models: [], gpuHosts: [], gpuUtilisationServing: null, watchdog: false, alerts, alertCounts: { critical: 0, warning: 12, info: 0, other: 0 }, objectives: { ...DEFAULT_SLO, source: 'default' } });
    const text = renderFrame(f, { width: 100, color: false }).join('\n');
    expect(text).toContain('No models: no serving target reports llm: series yet');
    expect(text).toContain('GPU util no GPU series');
    expect(text).toContain('(Watchdog not firing: alerting is broken)');
    expect(text).toContain('… 4 more');
    expect(text).toContain('(defaults: no stack manifest)');
  });

  it('fit cuts styled segments by visible width', () => {
    expect(fit([{ text: 'abcdef', style: 'red' }, { text: 'ghij' }], 5, true)).toBe('\x1b[31mabcd\x1b[0m…');
    expect(fit([{ text: 'abc' }], 5, true)).toBe('abc');
  });
});
