/**
 * GPU faults in the emulated exporters, as the real exporters show them: DCGM's last-XID gauge with
 * err_code/err_msg and its per-code XID count in a 5-minute window, the nvidia-smi exporter's NVML
 * XID counter and timestamp, a GPU gone from every family, row-remap flags, uncorrectable ECC
 * counts and throttle-time counters. Names, types and label keys are the catalog's (src/engines).
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorKind, startEmulator } from '../../src/demo/emulator.js';
import { familyById } from '../../src/engines/catalog.js';
import { labelKeysOf, parseExposition } from '../../src/engines/exposition.js';
import { PROMETHEUS_RELEASES, itEachRelease } from '../support/versions.js';

const START = 1753795326.93;
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function emu(kind: EmulatorKind, extra: Partial<Parameters<typeof startEmulator>[0]> = {}): Promise<Emulator> {
  const e = await startEmulator({ kind, realTime: false, seed: 7, startTime: START, gpus: 2, ...extra });
  running.push(e);
  e.advance(30);
  return e;
}

const samples = (text: string, name: string) => parseExposition(text).samples.filter((s) => s.name === name);
const value = (text: string, name: string, labels: Record<string, string> = {}) =>
  samples(text, name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .map((s) => s.value);
const line = (text: string, name: string, has: string) => text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(has));

/** Every family is in the catalog with its type, every label key known to it. */
function inCatalog(text: string, id: 'dcgm' | 'nvidia-smi') {
  const cat = familyById(id).metrics;
  for (const f of parseExposition(text).families) {
    const m = cat.find((c) => c.name === f.name);
    expect(m, `${f.name} in catalog ${id}`).toBeDefined();
    expect(f.type, f.name).toBe(m!.type);
    if (m!.help) expect(f.help, f.name).toBe(m!.help);
    for (const k of labelKeysOf(f)) expect([...m!.labels, ...(m!.optionalLabels ?? [])], `${f.name} label ${k}`).toContain(k);
  }
}

describe('dcgm-exporter faults', () => {
  it('an XID sets the last-code gauge and its labels, and counts per code in the 5-minute window; a repeat counts again', async () => {
    const e = await emu('dcgm');
    let t = e.metricsText();
    expect(line(t, 'DCGM_FI_DEV_XID_ERRORS', 'gpu="0"')).toMatch(/,DCGM_FI_DRIVER_VERSION="[\d.]+",err_code="0",err_msg="No Error"\} 0$/);
    expect(line(t, 'DCGM_EXP_XID_ERRORS_COUNT', 'gpu="0"')).toMatch(/^DCGM_EXP_XID_ERRORS_COUNT\{gpu="0",UUID="GPU-[0-9a-f-]+",pci_bus_id="[0-9A-F:.]+",device="nvidia0",modelName="[^"]+",Hostname="gpu-node-1",DCGM_FI_DRIVER_VERSION="[\d.]+",window_size_in_ms="300000"\} 0$/);

    e.injectGpuFault({ kind: 'xid', code: 79 });
    e.advance(60);
    e.injectGpuFault({ kind: 'xid', code: 79 });
    e.advance(15);
    t = e.metricsText();
    expect(line(t, 'DCGM_FI_DEV_XID_ERRORS', 'gpu="0"')).toMatch(/,err_code="79",err_msg="GPU has fallen off the bus"\} 79$/);
    expect(line(t, 'DCGM_EXP_XID_ERRORS_COUNT', 'gpu="0"')).toMatch(/,window_size_in_ms="300000",xid="79"\} 2$/);
    // GPU 1 saw nothing.
    expect(value(t, 'DCGM_EXP_XID_ERRORS_COUNT', { gpu: '1' })).toEqual([0]);
    inCatalog(t, 'dcgm');

    // Out of the window the count is back to the zero series; the gauge keeps the last code.
    e.advance(300);
    t = e.metricsText();
    expect(value(t, 'DCGM_EXP_XID_ERRORS_COUNT', { gpu: '0' })).toEqual([0]);
    expect(samples(t, 'DCGM_EXP_XID_ERRORS_COUNT').some((s) => s.labels.xid !== undefined)).toBe(false);
    expect(value(t, 'DCGM_FI_DEV_XID_ERRORS', { gpu: '0', err_code: '79' })).toEqual([79]);
  });

  it('a GPU gone leaves every family; row-remap, uncorrectable ECC and throttling show in their fields', async () => {
    const e = await emu('dcgm');
    const before = e.metricsText();
    e.injectGpuFault({ kind: 'gone', gpu: 1 });
    e.injectGpuFault({ kind: 'row-remap-failure' });
    e.injectGpuFault({ kind: 'uncorrectable-memory', errors: 2 });
    e.injectGpuFault({ kind: 'throttle', reason: 'thermal', ratio: 0.5 });
    e.advance(60);
    const t = e.metricsText();
    expect(parseExposition(t).samples.filter((s) => s.labels.gpu === '1')).toEqual([]);
    expect(parseExposition(t).samples.filter((s) => s.labels.gpu === '0').length).toBeGreaterThan(20);
    expect(value(t, 'DCGM_FI_DEV_ROW_REMAP_FAILURE', { gpu: '0' })).toEqual([1]);
    expect(value(t, 'DCGM_FI_DEV_ROW_REMAP_PENDING', { gpu: '0' })).toEqual([1]);
    expect(value(t, 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', { gpu: '0' })).toEqual([2]);
    expect(value(t, 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', { gpu: '0' })).toEqual([2]);
    // Nanoseconds: half of 60 seconds.
    expect(value(t, 'DCGM_FI_DEV_THERMAL_VIOLATION', { gpu: '0' })[0]! - value(before, 'DCGM_FI_DEV_THERMAL_VIOLATION', { gpu: '0' })[0]!).toBe(30e9);
    expect(value(t, 'DCGM_FI_DEV_POWER_VIOLATION', { gpu: '0' })).toEqual([0]);
    inCatalog(t, 'dcgm');
  });

  it('states are faults: gpu-gone, gpu-row-remap-failure, gpu-power-throttled; back to normal the GPU returns and the XID count stays', async () => {
    const e = await emu('dcgm', { gpus: 1 });
    await e.setState('gpu-xid');
    e.advance(15);
    await e.setState('gpu-gone');
    e.advance(15);
    expect(samples(e.metricsText(), 'DCGM_FI_DEV_GPU_TEMP')).toEqual([]);
    await e.setState('gpu-row-remap-failure');
    e.advance(15);
    expect(value(e.metricsText(), 'DCGM_FI_DEV_ROW_REMAP_FAILURE')).toEqual([1]);
    await e.setState('gpu-power-throttled');
    const before = value(e.metricsText(), 'DCGM_FI_DEV_POWER_VIOLATION')[0]!;
    e.advance(10);
    expect(value(e.metricsText(), 'DCGM_FI_DEV_POWER_VIOLATION')[0]! - before).toBe(9e9);
    await e.setState('normal');
    e.advance(15);
    const t = e.metricsText();
    expect(value(t, 'DCGM_FI_DEV_ROW_REMAP_FAILURE')).toEqual([0]);
    expect(samples(t, 'DCGM_FI_DEV_GPU_TEMP')).toHaveLength(1);
    expect(value(t, 'DCGM_EXP_XID_ERRORS_COUNT', { xid: '79' })).toEqual([1]);
  });
});

describe('nvidia_gpu_exporter faults', () => {
  it('the NVML backend reports no XID family before the first XID, then a counter and the last event time per code', async () => {
    const e = await emu('nvidia-smi', { nvml: true });
    expect(samples(e.metricsText(), 'nvidia_smi_xid_errors_total')).toEqual([]);
    expect(e.metricsText()).not.toContain('nvidia_smi_xid_');
    e.injectGpuFault({ kind: 'xid', code: 79 });
    e.advance(45);
    e.injectGpuFault({ kind: 'xid', code: 79 });
    e.advance(15);
    const t = e.metricsText();
    const uuid = samples(t, 'nvidia_smi_gpu_info').find((s) => s.labels.index === '0')!.labels.uuid!;
    expect(line(t, 'nvidia_smi_xid_errors_total', uuid)).toBe(`nvidia_smi_xid_errors_total{uuid="${uuid}",xid="79"} 2`);
    // Emulated time 30 + 45 = 75 s after the start.
    expect(value(t, 'nvidia_smi_xid_last_timestamp_seconds', { uuid, xid: '79' })).toEqual([Math.round((START + 75) * 1000) / 1000]);
    inCatalog(t, 'nvidia-smi');
  });

  it('the default backend reports no XIDs at all', async () => {
    const e = await emu('nvidia-smi');
    e.injectGpuFault({ kind: 'xid', code: 79 });
    e.advance(15);
    expect(e.metricsText()).not.toContain('nvidia_smi_xid_');
  });

  it('a GPU gone leaves every family and nvidia_smi_gpu_info; remap flags, ECC and throttle counters show', async () => {
    const e = await emu('nvidia-smi');
    const before = e.metricsText();
    const gone = samples(before, 'nvidia_smi_gpu_info').find((s) => s.labels.index === '1')!.labels.uuid!;
    e.injectGpuFault({ kind: 'gone', gpu: 1 });
    e.injectGpuFault({ kind: 'row-remap-pending' });
    e.injectGpuFault({ kind: 'uncorrectable-memory' });
    e.injectGpuFault({ kind: 'throttle', reason: 'power', ratio: 0.25 });
    e.advance(60);
    const t = e.metricsText();
    expect(parseExposition(t).samples.filter((s) => s.labels.uuid === gone)).toEqual([]);
    expect(value(t, 'nvidia_smi_remapped_rows_pending')).toEqual([1]);
    expect(value(t, 'nvidia_smi_remapped_rows_failure')).toEqual([0]);
    expect(value(t, 'nvidia_smi_ecc_errors_uncorrected_volatile_total')).toEqual([1]);
    expect(value(t, 'nvidia_smi_remapped_rows_uncorrectable')).toEqual([1]);
    expect(value(t, 'nvidia_smi_clocks_event_reasons_sw_power_cap')).toEqual([1]);
    expect(value(t, 'nvidia_smi_clocks_event_reasons_counters_sw_power_cap_seconds')[0]! - value(before, 'nvidia_smi_clocks_event_reasons_counters_sw_power_cap_seconds')[0]!).toBeCloseTo(15, 6);
    inCatalog(t, 'nvidia-smi');
  });
});

describe('emulated GPU faults and the real promtool', () => {
  // Lint findings the real exporters also produce (DCGM's names, camelCase labels, _total gauges).
  const ALLOWED = [
    'metric names should not contain abbreviated units',
    'non-counter metrics should not have "_total" suffix',
    "metric name should not include type 'counter'",
    'counter metrics should have "_total" suffix',
    "label names should be written in 'snake_case' not 'camelCase'",
  ];
  itEachRelease(PROMETHEUS_RELEASES, 'promtool', 'promtool check metrics accepts the faulty dcgm and NVML nvidia-smi output', async (tool) => {
    for (const kind of ['dcgm', 'nvidia-smi'] as const) {
      const e = await emu(kind, { nvml: true });
      for (const code of [79, 13, 79]) e.injectGpuFault({ kind: 'xid', code });
      e.injectGpuFault({ kind: 'gone', gpu: 1 });
      e.advance(15);
      const r = spawnSync(tool, ['check', 'metrics'], { input: e.metricsText(), encoding: 'utf8' });
      expect(r.status === 0 || r.status === 3, `${tool}: ${r.stderr}${r.stdout}`).toBe(true);
      const findings = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, ''));
      for (const f of findings) expect(ALLOWED, `${tool} ${kind}`).toContain(f);
    }
  });
});
