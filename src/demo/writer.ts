/**
 * Writes a text exposition (format 0.0.4) the way a given producer does: prometheus_client (sorted
 * labels, Python floats), client_golang (sorted labels, Go floats) or dcgm-exporter (its own label
 * order and integer / %f values).
 */
import type { Histogram } from './histogram.js';
import { goFloat, pythonFloat } from '../engines/number-format.js';

export type Style = 'python' | 'go' | 'dcgm';
export type Labels = [string, string][];

export class ExpositionWriter {
  private lines: string[] = [];
  constructor(private readonly style: Style) {}

  private num(x: number): string {
    return this.style === 'go' ? goFloat(x) : pythonFloat(x);
  }

  private labelText(labels: Labels): string {
    const pairs = this.style === 'dcgm' ? labels : [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (pairs.length === 0) return '';
    const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
    return `{${pairs.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
  }

  header(name: string, type: string, help: string): this {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    this.lines.push(`# TYPE ${name} ${type}`);
    return this;
  }

  /** One sample; `raw` overrides the formatted value (DCGM integer / %f fields). */
  sample(name: string, labels: Labels, value: number, raw?: string): this {
    this.lines.push(`${name}${this.labelText(labels)} ${raw ?? this.num(value)}`);
    return this;
  }

  /** A whole histogram's samples. `sumFirst` follows prometheus_client's multiprocess collector order. */
  histogram(name: string, labels: Labels, h: Histogram, sumFirst = false): this {
    const cum = h.cumulative();
    const sum = () => this.sample(`${name}_sum`, labels, h.sum);
    if (sumFirst) sum();
    h.bounds.forEach((b, i) => this.sample(`${name}_bucket`, [...labels, ['le', pythonFloat(b)]], cum[i]!));
    this.sample(`${name}_bucket`, [...labels, ['le', '+Inf']], cum.at(-1)!);
    this.sample(`${name}_count`, labels, h.count);
    if (!sumFirst) sum();
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
