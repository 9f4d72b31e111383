/**
 * The live view: redraws a frame every few seconds until q, Ctrl-C or a signal. On a terminal it
 * draws on the alternate screen with the cursor hidden and puts both back however it ends (q,
 * Ctrl-C, SIGTERM, an exception); elsewhere (a pipe) it prints plain frames one after another.
 */
import type { TopFrame } from './frame.js';

export interface Screen {
  /** stdout is a terminal: alternate screen, in-place redraws, keys. */
  tty: boolean;
  columns(): number;
  rows(): number;
  write(text: string): void;
  /** Raw keys from the terminal; returns a function that stops listening. */
  onKeys(cb: (key: string) => void): () => void;
  onResize(cb: () => void): () => void;
  /** SIGINT, SIGTERM, SIGHUP: returns a function that removes the handlers. */
  onSignal(cb: (signal: NodeJS.Signals) => void): () => void;
  /** Runs at process exit, whatever the cause; returns a function that cancels it. */
  atExit(cb: () => void): () => void;
}

export interface LiveOptions {
  screen: Screen;
  intervalMs: number;
  collect: () => Promise<TopFrame>;
  render: (frame: TopFrame, width: number) => string[];
  /** A frame already collected (the first, so that errors show before the screen is taken). */
  first?: TopFrame;
}

export const ENTER = '\x1b[?1049h\x1b[?25l';
export const LEAVE = '\x1b[?25h\x1b[?1049l';
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGPIPE: 0 };

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Resolves with the exit code: 0 for q / Ctrl-C typed (or a closed pipe), 128 + signal number for a signal. */
export function runLive(o: LiveOptions): Promise<number> {
  const { screen } = o;
  let frame = o.first;
  let problem: string | undefined;
  let updated = frame ? Date.now() : undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  // The error first: on a narrow terminal the end of the line is what gets cut.
  const footer = () =>
    [
      problem ? `error: ${problem} (frame of ${updated ? `${clock(updated)} UTC` : 'none yet'})` : updated ? `updated ${clock(updated)} UTC` : 'waiting for the first frame',
      `every ${o.intervalMs / 1000}s`,
      ...(screen.tty ? ['q quit'] : []),
    ].join(' · ');

  const draw = () => {
    if (stopped) return;
    const width = Math.max(20, screen.columns());
    const body = frame ? o.render(frame, width) : [];
    if (!screen.tty) {
      screen.write(`${[...body, footer().slice(0, width)].join('\n')}\n\n`);
      return;
    }
    const rows = Math.max(2, screen.rows());
    const lines = body.slice(0, rows - 1);
    while (lines.length < rows - 1) lines.push('');
    lines.push(`\x1b[2m${footer().slice(0, width - 1)}\x1b[0m`);
    screen.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J`);
  };

  return new Promise<number>((resolve) => {
    const cleanups: (() => void)[] = [];
    const restore = () => {
      if (screen.tty) screen.write(LEAVE);
    };
    const stop = (code: number) => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const c of cleanups.reverse()) c();
      restore();
      resolve(code);
    };
    if (screen.tty) {
      screen.write(ENTER);
      cleanups.push(screen.atExit(restore));
      cleanups.push(
        screen.onKeys((k) => {
          if (k === 'q' || k === 'Q' || k.includes('\x03')) stop(0);
        }),
      );
      cleanups.push(screen.onResize(draw));
    }
    cleanups.push(screen.onSignal((s) => stop(SIGNAL_EXIT[s] ?? 1)));

    const tick = async () => {
      if (timer) clearTimeout(timer);
      try {
        frame = await o.collect();
        problem = undefined;
        updated = Date.now();
      } catch (e) {
        problem = (e as Error).message;
      }
      draw();
      if (!stopped) timer = setTimeout(() => void tick(), o.intervalMs);
    };
    if (frame) {
      draw();
      timer = setTimeout(() => void tick(), o.intervalMs);
    } else void tick();
  });
}

/** The process's terminal as a Screen. */
export function processScreen(): Screen {
  const out = process.stdout;
  const input = process.stdin;
  return {
    tty: Boolean(out.isTTY),
    columns: () => out.columns ?? 80,
    rows: () => out.rows ?? 24,
    write: (t) => {
      if (!out.destroyed) out.write(t);
    },
    onKeys: (cb) => {
      if (!input.isTTY) return () => {};
      input.setRawMode(true);
      input.setEncoding('utf8');
      const listener = (d: string) => cb(d);
      input.on('data', listener);
      input.resume();
      return () => {
        input.off('data', listener);
        input.setRawMode(false);
        input.pause();
      };
    },
    onResize: (cb) => {
      out.on('resize', cb);
      return () => out.off('resize', cb);
    },
    onSignal: (cb) => {
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
      for (const s of signals) process.on(s, cb);
      // The reader of a pipe went away (`top | head`): stop as if told to.
      const closed = (e: NodeJS.ErrnoException) => e.code === 'EPIPE' && cb('SIGPIPE');
      out.on('error', closed);
      return () => {
        for (const s of signals) process.off(s, cb);
        out.off('error', closed);
      };
    },
    atExit: (cb) => {
      process.on('exit', cb);
      return () => process.off('exit', cb);
    },
  };
}
