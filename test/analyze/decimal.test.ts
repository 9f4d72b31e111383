import { describe, expect, it } from 'vitest';
import { decimalQuotient } from '../../src/analyze/decimal.js';

/** The parser's split of a decimal: digits while exact below 2^53, then up to 3 more. */
function split(str: string): [number, number, number, number] | undefined {
  if (!/^\d+(\.\d+)?$/.test(str)) return undefined;
  const [ip, fp = ''] = str.split('.');
  let m = 0;
  let extra = 0;
  let n = 0;
  for (const ch of `${ip === '0' ? '' : ip}${fp}`) {
    const d = ch.charCodeAt(0) - 48;
    if (m <= 900719925474098 && n === 0) m = m * 10 + d;
    else if (n < 3) {
      extra = extra * 10 + d;
      n += 1;
    } else return undefined;
  }
  return n ? [m, n, extra, fp.length] : undefined;
}

describe('decimalQuotient', () => {
  it('gives what Number() gives for 17-19 digit decimals, or NaN, never another double', () => {
    let s = 99;
    const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    let answered = 0;
    let tried = 0;
    for (let i = 0; i < 30_000; i++) {
      let digits = String(1 + Math.floor(rand() * 9));
      const len = 17 + Math.floor(rand() * 3);
      for (let k = 1; k < len; k++) digits += Math.floor(rand() * 10);
      const dot = 1 + Math.floor(rand() * (len - 1));
      for (const str of [String(rand() * 10 ** (Math.floor(rand() * 12) - 3)), `${digits.slice(0, dot)}.${digits.slice(dot)}`, digits]) {
        const parts = split(str);
        if (!parts) continue;
        tried += 1;
        const v = decimalQuotient(...parts);
        if (v === v) {
          answered += 1;
          expect(v, str).toBe(Number(str));
        }
      }
    }
    // Near-ties fall back (about 3% of random 17-19 digit strings, none of the bench's numbers).
    expect(answered / tried).toBeGreaterThan(0.9);
  });

  it('declines exact ties and powers of two rather than guess', () => {
    // 2^53 + 1 lies halfway between two doubles; 2^60 is a power of two.
    for (const str of ['9007199254740993', '1152921504606846976']) {
      const v = decimalQuotient(...split(str)!);
      expect(v !== v || v === Number(str), str).toBe(true);
    }
    expect(decimalQuotient(...split('9007199254740993')!)).toBeNaN();
  });
});
