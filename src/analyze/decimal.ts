/**
 * The double nearest to X / 10^k for a decimal of up to 19 significant digits (X = hi·10^n + lo,
 * n ≤ 3, k ≤ 22) in plain double arithmetic, so the JSONL reader need not make a string for every
 * 17-digit number JSON.stringify writes. A candidate q is returned only once the residual X - q·10^k,
 * exact through Dekker's product, shows it is within half an ulp; near a tie, at a power of two or
 * on a big-endian machine it returns NaN and the caller uses Number(), which is always right.
 */
export const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
f64[0] = 1;
const LITTLE_ENDIAN = u32[1] === 0x3ff00000;
// Margin for the few roundings left in the residual; anything closer to a tie goes to Number().
const SURE = 1 - 2 ** -20;

// twoProduct's low part (a·b = a*b + lowOfProduct exactly); module state avoids a pair per call.
let productLow = 0;

function twoProduct(a: number, b: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  productLow = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
  return p;
}

export function decimalQuotient(hi: number, n: number, lo: number, k: number): number {
  if (!LITTLE_ENDIAN || n > 3 || k >= POW10.length) return NaN;
  // X = xh + xl exactly: xh·10^n's error is an integer below 2^11, lo below 1000.
  const xh = twoProduct(hi, POW10[n]!);
  const xl = productLow + lo;
  const p = POW10[k]!;
  let q = (xh + xl) / p;
  for (let attempt = 0; attempt < 3; attempt++) {
    const ph = twoProduct(q, p);
    // xh - ph is exact (Sterbenz: both are X to within a few ulps).
    const r = xh - ph + (xl - productLow);
    f64[0] = q;
    const hiWord = u32[1]!;
    const exp = (hiWord >>> 20) & 0x7ff;
    // Below a power of two the gap halves; a tiny or huge q is not worth the cases.
    if (u32[0] === 0 && (hiWord & 0xfffff) === 0) return NaN;
    if (exp < 54 || exp > 2000) return NaN;
    u32[1] = (exp - 53) << 20;
    u32[0] = 0;
    const half = f64[0]! * p; // ulp(q) / 2 · 10^k, exact: a power of two times p
    const a = Math.abs(r);
    if (a < half * SURE) return q;
    if (a <= half / SURE) return NaN;
    q = step(q, r > 0);
  }
  return NaN;
}

/** The next double above (up) or below a positive finite q. */
function step(q: number, up: boolean): number {
  f64[0] = q;
  if (up) {
    if (u32[0] === 0xffffffff) {
      u32[0] = 0;
      u32[1] = u32[1]! + 1;
    } else u32[0] = u32[0]! + 1;
  } else if (u32[0] === 0) {
    u32[0] = 0xffffffff;
    u32[1] = u32[1]! - 1;
  } else u32[0] = u32[0]! - 1;
  return f64[0]!;
}
