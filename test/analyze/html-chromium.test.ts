/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core. Every
 * one of the six charts must have drawn marks with a real on-screen size, the page must load nothing
 * from the network, and a screenshot is kept for a person to look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { analyzeFiles, CHART_IDS, formatHtml } from '../../src/analyze/index.js';
import { REPO_ROOT, requireTool } from '../support/env.js';
import { profileRecord, tempDir, writeLines } from './helpers.js';

const CHROMIUM = requireTool('/usr/bin/chromium', 'apt-get install -y chromium');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!CHROMIUM)('analyze HTML report in headless Chromium', () => {
  it('draws all six charts offline', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const prefill = i % 9 === 0 ? [512, 256, 128].slice(0, 1 + (i % 3)) : [];
      lines.push(JSON.stringify(profileRecord(i, {
        schedule: 2 + (i % 13) * 0.3 + (i === 2000 ? 25 : 0), modelRun: 30 + prefill.length * 12 + (i % 17), prefill, decode: 8 + (i % 6),
        waiting: i > 1000 && i < 1400 ? 5 : 0, running: 12, kv: 0.4 + (i % 100) / 200,
      })));
    }
    const input = writeLines(dir, 'scheduler_profiling.jsonl', lines);
    const { analysis, charts } = await analyzeFiles([input], { logYear: 2025 });
    const html = formatHtml(analysis, charts);
    const page = join(dir, 'report.html');
    writeFileSync(page, html);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ARGS, headless: true });
    try {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const tab = await context.newPage();
      const requests: string[] = [];
      tab.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      await tab.goto(`file://${page}`);
      const drawn = await tab.evaluate(() =>
        [...document.querySelectorAll('svg[data-chart]')].map((svg) => {
          const marks = [...svg.querySelectorAll('.mark')] as SVGGraphicsElement[];
          const box = marks.reduce((a, m) => { const b = m.getBoundingClientRect(); return a + b.width * b.height; }, 0);
          const pathLength = marks.filter((m) => m.tagName === 'path').reduce((a, m) => a + (m as SVGPathElement).getTotalLength(), 0);
          return { id: svg.getAttribute('data-chart'), empty: svg.getAttribute('data-empty'), marks: marks.length, area: box, pathLength };
        }));
      expect(drawn.map((d) => d.id)).toEqual([...CHART_IDS]);
      for (const d of drawn) {
        expect(d.empty, d.id!).toBeNull();
        expect(d.marks, d.id!).toBeGreaterThan(0);
        expect(d.area + d.pathLength, d.id!).toBeGreaterThan(100);
      }
      // The trend lines really span the plot, not a dot.
      expect(drawn.find((d) => d.id === 'time-trend')!.pathLength).toBeGreaterThan(400);
      expect(requests).toEqual([]);
      const shots = join(REPO_ROOT, '.tmp');
      mkdirSync(shots, { recursive: true });
      await tab.screenshot({ path: join(shots, 'analyze-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
