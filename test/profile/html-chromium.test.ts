/**
 * The profile HTML page in a real browser (Debian's Chromium, headless, via playwright-core): for
 * the vLLM trace every chart has drawn bars with a real size, the breakdown's bars add up to the
 * window (widths are proportional to the figures), nothing is fetched, and a screenshot is kept.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatHtml, summarizeTraces } from '../../src/profile/index.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, REPO_ROOT, fixture, requireTool } from '../support/env.js';

const CHROMIUM = FIXTURES_PRESENT ? requireTool('/usr/bin/chromium', 'apt-get install -y chromium') : undefined;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!CHROMIUM)(`profile HTML in headless Chromium${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  it('draws the breakdown, timeline, kernel and module charts offline', async () => {
    const report = await summarizeTraces([fixture('traces/eager_trace.json.gz')]);
    const d = report.traces[0]!.devices[0]!;
    const page = join(mkdtempSync(join(tmpdir(), 'cvm-profile-html-')), 'profile.html');
    writeFileSync(page, formatHtml(report));
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ARGS, headless: true });
    try {
      const tab = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
      const requests: string[] = [];
      tab.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      await tab.goto(`file://${page}`);
      const drawn = await tab.evaluate(() =>
        [...document.querySelectorAll('svg[data-chart]')].map((svg) => ({
          id: svg.getAttribute('data-chart'),
          empty: svg.getAttribute('data-empty'),
          bars: [...svg.querySelectorAll('rect.mark')].map((m) => ({ label: m.getAttribute('data-label'), width: m.getBoundingClientRect().width, height: m.getBoundingClientRect().height })),
          lanes: [...svg.querySelectorAll('path.mark')].map((m) => ({ lane: m.getAttribute('data-lane'), width: m.getBoundingClientRect().width, height: m.getBoundingClientRect().height })),
        })));
      expect(drawn.map((c) => c.id)).toEqual(['t0-breakdown-gpu0', 't0-timeline-gpu0', 't0-kernels-gpu0', 't0-modules']);
      // The timeline draws its busy lanes (a path each) across the plot, 14 px high.
      const timeline = drawn.splice(1, 1)[0]!;
      expect(timeline.lanes.map((l) => l.lane)).toEqual(expect.arrayContaining(['gpu', 'compute']));
      for (const l of timeline.lanes) expect(l.height, l.lane!).toBeGreaterThanOrEqual(13);
      expect(timeline.lanes.find((l) => l.lane === 'gpu')!.width).toBeGreaterThan(100);
      for (const c of drawn) {
        expect(c.empty, c.id!).toBeNull();
        expect(c.bars.length, c.id!).toBeGreaterThan(0);
        for (const b of c.bars) expect(b.height, `${c.id} ${b.label}`).toBeGreaterThan(5);
      }
      // Bar widths follow the figures: idle vs exposed communication, as in the summary.
      const bar = (label: string): number => drawn[0]!.bars.find((b) => b.label === label)!.width;
      expect(bar('idle') / bar('communication exposed')).toBeCloseTo(d.idle_ms / d.communication.exposed_ms, 0);
      expect(drawn[1]!.bars).toHaveLength(Math.min(12, d.kernels.top.length));
      expect(requests).toEqual([]);
      const shots = join(REPO_ROOT, '.tmp');
      mkdirSync(shots, { recursive: true });
      await tab.screenshot({ path: join(shots, 'profile-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
