/**
 * Number formatting exactly as each producer prints it: emulators (src/demo) must match the real
 * captures character for character (`1.0`, `8.128902e+06`, `1.98e+09`, `8.969000`), and the rules
 * match `le` bounds in each form a target or Prometheus writes them (src/rules/promql.ts).
 */

/** Shortest round-trip digits and decimal exponent of a finite non-zero |x| (d.ddd × 10^exp). */
function shortest(x: number): { digits: string; exp: number } {
  const [mant, e] = Math.abs(x).toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

/** Python's repr(float). */
export function pythonRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exp } = shortest(x);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac || '0'}`;
}

/**
 * prometheus_client's floatToGoString: repr, but Go's exponent form once the integer part has more
 * than six digits (8128902.0 → 8.128902e+06), and +Inf/-Inf/NaN.
 */
export function pythonFloat(x: number): string {
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (Number.isNaN(x)) return 'NaN';
  const s = pythonRepr(x);
  const dot = s.indexOf('.');
  if (x > 0 && dot > 6) {
    const mantissa = `${s[0]}.${s.slice(1, dot)}${s.slice(dot + 1)}`.replace(/[0.]+$/, '');
    return `${mantissa}e+0${dot - 1}`;
  }
  return s;
}

/** Go's strconv.FormatFloat(x, 'g', -1, 64), as client_golang prints sample values. */
export function goFloat(x: number): string {
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (Number.isNaN(x)) return 'NaN';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const { digits, exp } = shortest(x);
  // With the shortest representation Go uses %e when exp < -4 || exp >= 6 (eprec = 6).
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}${frac ? `.${frac}` : ''}`;
}

/** dcgm-exporter's values: integer fields as integers, double fields with %f. */
export function dcgmValue(x: number, kind: 'int' | 'double'): string {
  return kind === 'int' ? String(Math.round(x)) : x.toFixed(6);
}
