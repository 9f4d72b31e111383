/** The live loop against a fake screen: what it writes, when it redraws, and that it always restores. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import type { TopFrame } from '../../src/top/frame.js';
import { ENTER, LEAVE, type Screen, runLive } from '../../src/top/live.js';

const frame = (time: number): TopFrame => ({
  time,
  prometheusUrl: 'http://p',
  objectives: { ...DEFAULT_SLO, source: 'default' },
  targets: [],
  alerts: [],
  alertCounts: { critical: 0, warning: 0, info: 0, other: 0 },
  watchdog: true,
  models: [],
  gpuUtilisationServing: null,
  gpuHosts: [],
});

function fakeScreen(tty: boolean) {
  const written: string[] = [];
  const handlers: { keys?: (k: string) => void; signal?: (s: NodeJS.Signals) => void; resize?: () => void; exit?: () => void } = {};
  const screen: Screen = {
    tty,
    columns: () => 60,
    rows: () => 5,
    write: (t) => written.push(t),
    onKeys: (cb) => ((handlers.keys = cb), () => delete handlers.keys),
    onResize: (cb) => ((handlers.resize = cb), () => delete handlers.resize),
    onSignal: (cb) => ((handlers.signal = cb), () => delete handlers.signal),
    atExit: (cb) => ((handlers.exit = cb), () => delete handlers.exit),
  };
  return { screen, written, handlers };
}

const render = (f: TopFrame) => [`frame ${f.time}`, 'line 2', 'line 3', 'line 4', 'line 5', 'line 6'];
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('runLive', () => {
  it('takes the alternate screen, redraws in place to the terminal height, and q restores it', async () => {
    const { screen, written, handlers } = fakeScreen(true);
    let n = 0;
    const done = runLive({ screen, intervalMs: 10, first: frame(0), collect: async () => frame(++n), render });
    await until(() => n >= 2);
    expect(written[0]).toBe(ENTER);
    const redraw = written.at(-1)!;
    expect(redraw.startsWith('\x1b[H')).toBe(true);
    // 5 rows: 4 lines of the frame and the footer, each clearing the rest of its line.
    expect(redraw.split('\r\n')).toHaveLength(5);
    expect(redraw).not.toContain('line 5');
    expect(redraw).toMatch(/updated \d\d:\d\d:\d\d UTC · every 0\.01s · q quit/);
    handlers.keys!('q');
    expect(await done).toBe(0);
    expect(written.at(-1)).toBe(LEAVE);
    // Everything it listened to is let go; nothing is left to restore at exit.
    expect(Object.keys(handlers)).toEqual([]);
    const count = written.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(written.length).toBe(count);
  });

  it('Ctrl-C typed is 0, a signal 128 + its number; both restore', async () => {
    for (const [act, code] of [[(h: ReturnType<typeof fakeScreen>['handlers']) => h.keys!('\x03'), 0], [(h: ReturnType<typeof fakeScreen>['handlers']) => h.signal!('SIGTERM'), 143]] as const) {
      const { screen, written, handlers } = fakeScreen(true);
      const done = runLive({ screen, intervalMs: 1000, first: frame(0), collect: async () => frame(1), render });
      act(handlers);
      expect(await done).toBe(code);
      expect(written.at(-1)).toBe(LEAVE);
    }
  });

  it('keeps the last frame and shows the error when a refresh fails', async () => {
    const { screen, written, handlers } = fakeScreen(true);
    let calls = 0;
    const done = runLive({
      screen,
      intervalMs: 10,
      first: frame(7),
      collect: async () => {
        calls++;
        throw new Error('http://p: cannot reach Prometheus (ECONNREFUSED)');
      },
      render,
    });
    await until(() => calls >= 1 && written.at(-1)!.includes('error'));
    expect(written.at(-1)).toContain('frame 7');
    expect(written.at(-1)).toMatch(/error: http:\/\/p: cannot reach Prometheus \(ECONNREFUSED\) \(fr/); // the rest cut at 60 columns
    handlers.signal!('SIGINT');
    expect(await done).toBe(130);
  });

  it('not a terminal: plain frames one after another, no escape codes, no keys', async () => {
    const { screen, written, handlers } = fakeScreen(false);
    let n = 0;
    const done = runLive({ screen, intervalMs: 10, first: frame(0), collect: async () => frame(++n), render });
    await until(() => n >= 2);
    expect(handlers.keys).toBeUndefined();
    handlers.signal!('SIGPIPE');
    expect(await done).toBe(0);
    expect(written.join('')).not.toContain('\x1b');
    expect(written[0]).toBe(`${render(frame(0)).join('\n')}\nupdated ${written[0]!.match(/updated (\S+)/)![1]} UTC · every 0.01s\n\n`);
  });
});
