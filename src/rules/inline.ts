/**
 * The raw-query form of a query: every recorded series it reads replaced by the expressions of the
 * rules that record it, so a dashboard works on a Prometheus that does not load our rules. Built
 * from the same rule objects the stack loads (never a second copy), read with Prometheus' own
 * grammar (@prometheus-io/lezer-promql).
 *
 * A selector's label matchers move down into the rule's expression, to the raw selectors whose
 * labels become the recorded series' labels: through `by` lists, the many side of a join, both
 * sides of `or`. A matcher on a label the rule adds (`labels: {engine: vllm}`) is decided there:
 * statically when it is a literal, at query time when it holds a Grafana variable.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { children as kids, stringValue, withoutVariables as parseable } from '../probe/promql-names.js';
import { isAlert, type RuleFile } from './types.js';

/** One rule recording a series: several rules may record one name (one per engine). */
export interface RecordedBy {
  expr: string;
  labels: Record<string, string>;
  /** The group's own evaluation interval, where it has one. */
  interval?: string;
}

export type RecordingDefinitions = Map<string, RecordedBy[]>;

interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  /** The value's string literal as written, quotes included (it may hold Grafana variables). */
  literal: string;
}

export class InlineError extends Error {}

/** Every recording rule of the files, by the name it records. */
export function recordingDefinitions(files: Iterable<RuleFile>): RecordingDefinitions {
  const defs: RecordingDefinitions = new Map();
  for (const file of files)
    for (const group of file.groups)
      for (const rule of group.rules) {
        if (isAlert(rule)) continue;
        const list = defs.get(rule.record) ?? [];
        list.push({ expr: rule.expr, labels: rule.labels ?? {}, ...(group.interval ? { interval: group.interval } : {}) });
        defs.set(rule.record, list);
      }
  return defs;
}

const BINARY_OPERATORS = new Set(['Pow', 'Mul', 'Div', 'Mod', 'Add', 'Sub', 'EqlSingle', 'Eql', 'Gte', 'Gtr', 'Lte', 'Lss', 'Neq', 'And', 'Or', 'Unless', 'Atan2']);
const NOT_OPERANDS = new Set([...BINARY_OPERATORS, 'MatchingModifierClause', 'BoolModifier']);

const unquote = (literal: string): string => stringValue(literal) ?? '';

/**
 * `expr` with every recorded series it selects replaced by its rules' expressions, recursively.
 * `step` is the subquery resolution for a range over a recorded series (`llm:x[30d]`): the global
 * evaluation interval (or the group's own), so the raw form sees the samples the rule would have written.
 */
export function inlineRecorded(expr: string, defs: RecordingDefinitions, step: string): string {
  return new Inliner(defs, step).inline(expr, [], 0);
}

class Inliner {
  constructor(
    private readonly defs: RecordingDefinitions,
    private readonly step: string,
  ) {}

  /** Offsets taken off a recorded selector's OffsetExpr, for the selector to apply. */
  private readonly offsets: { text: string; from: number; offset: string }[] = [];

  private offsetFor(node: SyntaxNode, text: string): string | undefined {
    const i = this.offsets.findIndex((o) => o.text === text && o.from === node.from);
    return i < 0 ? undefined : this.offsets.splice(i, 1)[0]!.offset;
  }

  inline(expr: string, pushed: Matcher[], depth: number): string {
    if (depth > 20) throw new InlineError('recording rules nest deeper than 20 levels (a cycle?)');
    const tree = parser.parse(parseable(expr));
    return this.rewrite(tree.topNode, expr, pushed, depth);
  }

  /** The text of `node` rewritten, with `pushed` the matchers its series must satisfy. */
  private rewrite(node: SyntaxNode, text: string, pushed: Matcher[], depth: number): string {
    if (node.type.isError) throw new InlineError(`does not parse at ${node.from}: ${JSON.stringify(text.slice(Math.max(0, node.from - 20), node.from + 20))}`);
    switch (node.name) {
      case 'VectorSelector': {
        const inlined = this.selector(node, text, pushed, depth);
        const offset = this.offsetFor(node, text);
        // `rec offset 5m` is the rules' value 5 minutes ago: the last subquery step by then.
        return offset ? `last_over_time(${inlined}[${this.step}:${this.step}] ${offset})` : inlined;
      }
      case 'MatrixSelector': {
        const [vector, range] = [node.getChild('VectorSelector')!, node.getChild('DurationExpr')!];
        const defs = this.defs.get(nameOf(vector, text) ?? '');
        if (!defs) break;
        const window = text.slice(range.from, range.to);
        return `${this.selector(vector, text, pushed, depth)}[${window}:${subqueryStep(window, defs[0]!.interval ?? this.step)}]`;
      }
      case 'OffsetExpr': {
        // The grammar hangs `a / b offset 5m` on the whole binary expression; Prometheus, on `b`.
        const inner = node.firstChild!;
        const target = rightmostOperand(inner);
        if (target.name !== 'VectorSelector' || !this.defs.has(nameOf(target, text) ?? '')) break;
        const offset = text.slice(inner.to, node.to).trim();
        this.offsets.push({ text, from: target.from, offset });
        return this.rewrite(inner, text, pushed, depth);
      }
      case 'StepInvariantExpr': {
        const inner = node.firstChild;
        if (inner?.name === 'VectorSelector' && this.defs.has(nameOf(inner, text) ?? '')) throw new InlineError(`${text.slice(node.from, node.to)}: a recorded series under @ cannot be inlined`);
        break;
      }
      case 'AggregateExpr':
        return this.splice(node, text, (child) => (child.name === 'FunctionCallBody' ? keptBy(node, text, pushed) : pushed), depth);
      case 'BinaryExpr':
        return this.binary(node, text, pushed, depth);
      case 'MatchingModifierClause': {
        // `group_right (` would read an inlined operand as the label list: give it an empty one.
        const clause = text.slice(node.from, node.to);
        return /group_(left|right)\s*$/.test(clause) ? `${clause} ()` : clause;
      }
      case 'FunctionCall':
        return this.functionCall(node, text, pushed, depth);
    }
    return this.splice(node, text, () => pushed, depth);
  }

  /**
   * label_replace writes a label, so a matcher on it cannot pass unchanged: through a rename
   * (`"$1"` from `"(.*)"`) it filters the source label instead; on a constant (`""` from `""`) it is
   * decided like a rule's own label. Any other rewrite of a filtered label is refused.
   */
  private functionCall(node: SyntaxNode, text: string, pushed: Matcher[], depth: number): string {
    const fn = text.slice(node.firstChild!.from, node.firstChild!.to);
    const strings = node.getChild('FunctionCallBody')?.getChildren('StringLiteral').map((l) => unquote(text.slice(l.from, l.to))) ?? [];
    const onWritten = pushed.filter((m) => (fn === 'label_replace' || fn === 'label_join') && m.label === strings[0]);
    if (onWritten.length === 0) return this.splice(node, text, () => pushed, depth);
    const rest = pushed.filter((m) => !onWritten.includes(m));
    const [, replacement, source, regex] = strings as [string, string, string, string];
    if (fn === 'label_replace' && replacement === '$1' && regex === '(.*)') return this.splice(node, text, () => [...rest, ...onWritten.map((m) => ({ ...m, label: source }))], depth);
    if (fn === 'label_replace' && source === '' && regex === '' && !replacement.includes('$')) {
      if (!onWritten.filter((m) => !m.literal.includes('$')).every((m) => matches(m, replacement))) return '(vector(1) < 0)';
      let out = this.splice(node, text, () => rest, depth);
      for (const m of onWritten.filter((x) => x.literal.includes('$'))) out = queryTimeFilter(out, m, replacement);
      return out;
    }
    throw new InlineError(`${fn} writes ${strings[0]}, which a matcher filters on`);
  }

  /** `node`'s text with each child rewritten under the matchers `under(child)` gives. */
  private splice(node: SyntaxNode, text: string, under: (child: SyntaxNode) => Matcher[], depth: number): string {
    let out = '';
    let at = node.from;
    for (const child of kids(node)) {
      out += text.slice(at, child.from) + this.rewrite(child, text, under(child), depth);
      at = child.to;
    }
    return out + text.slice(at, node.to);
  }

  /** Which matchers reach each operand of a binary expression, so its result is the same as filtering afterwards. */
  private binary(node: SyntaxNode, text: string, pushed: Matcher[], depth: number): string {
    const parts = kids(node);
    const operands = parts.filter((p) => !NOT_OPERANDS.has(p.name));
    const op = parts.find((p) => BINARY_OPERATORS.has(p.name))!.name;
    const clause = node.getChild('MatchingModifierClause');
    const on = clause?.getChild('On') ? labelsOf(clause.getChild('GroupingLabels'), text) : undefined;
    const ignoring = clause?.getChild('Ignoring') ? labelsOf(clause.getChild('GroupingLabels'), text) : undefined;
    const matched = (ms: Matcher[]) => ms.filter((m) => (on ? on.includes(m.label) : !ignoring?.includes(m.label)));
    // Where the result's labels come from: the left side, except for group_right and `or` (both).
    const many = clause?.getChild('GroupRight') ? operands[1] : operands[0];
    const forOperand = (child: SyntaxNode): Matcher[] => {
      // `a or on (…) b` keeps b's groups that a lacks. Filtering first is the same wherever a group
      // has the filtered label's values on both sides or on one: true of our `or`s, which join an
      // engine's old and new name for one signal (the same buckets, one of them exposed).
      if (op === 'Or') return pushed;
      return child.from === many?.from ? pushed : matched(pushed);
    };
    // Nodes are made anew on each walk: operands are told apart by position.
    return this.splice(node, text, (child) => (operands.some((o) => o.from === child.from && o.to === child.to) ? forOperand(child) : []), depth);
  }

  /** A selector: a raw one gains the pushed matchers, a recorded one becomes its rules' expressions. */
  private selector(node: SyntaxNode, text: string, pushed: Matcher[], depth: number): string {
    const name = nameOf(node, text);
    const own = matchersOf(node, text);
    const defs = name === undefined ? undefined : this.defs.get(name);
    if (!defs) {
      const added = pushed.map((m) => `${m.label}${m.op}${m.literal}`);
      if (added.length === 0) return text.slice(node.from, node.to);
      const all = [...own.map((m) => `${m.label}${m.op}${m.literal}`), ...added].join(', ');
      return name === undefined ? `{${all}}` : `${name}{${all}}`;
    }
    const wanted = [...own, ...pushed];
    const alternatives = defs.flatMap((d) => this.alternative(d, wanted, depth));
    // A name no chosen engine records selects nothing; `vector(1) < 0` is the empty vector.
    if (alternatives.length === 0) return '(vector(1) < 0)';
    return alternatives.length === 1 ? `(${alternatives[0]})` : `(${alternatives.map((a) => `(${a})`).join(' or ')})`;
  }

  /** One rule's contribution to a recorded selector, or none when a literal matcher rules it out. */
  private alternative(def: RecordedBy, wanted: Matcher[], depth: number): string[] {
    const onAdded = wanted.filter((m) => m.label in def.labels);
    const literal = onAdded.filter((m) => !m.literal.includes('$'));
    if (!literal.every((m) => matches(m, def.labels[m.label]!))) return [];
    let out = this.inline(def.expr, wanted.filter((m) => !(m.label in def.labels)), depth + 1);
    for (const [label, value] of Object.entries(def.labels).sort()) out = `label_replace(${out}, ${JSON.stringify(label)}, ${JSON.stringify(value)}, "", "")`;
    for (const m of onAdded.filter((x) => x.literal.includes('$'))) out = queryTimeFilter(out, m, def.labels[m.label]!);
    return [out];
  }
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

function seconds(duration: string): number | undefined {
  const parts = [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
}

/**
 * A subquery's resolution: the rules' interval, but at most 8,640 steps (5 minutes over 30 days),
 * so a month-long window stays one query Prometheus answers. The long windows we draw are ratios of
 * sums of 5-minute rates, which a 5-minute step still covers end to end.
 */
function subqueryStep(window: string, interval: string): string {
  const range = seconds(window);
  const step = seconds(interval);
  if (range === undefined || step === undefined) return interval;
  const floor = Math.ceil(range / 8640);
  return floor > step ? `${floor}s` : interval;
}

/** The selector an `offset` after `node` belongs to: the last operand down a chain of binary expressions. */
function rightmostOperand(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.name === 'BinaryExpr') n = kids(n).filter((k) => !NOT_OPERANDS.has(k.name)).at(-1)!;
  return n;
}

/** The matchers of an aggregation's operand that survive it: those on labels of its `by`, or not in its `without`. */
function keptBy(node: SyntaxNode, text: string, pushed: Matcher[]): Matcher[] {
  const modifier = node.getChild('AggregateModifier');
  if (!modifier) return [];
  const labels = labelsOf(modifier.getChild('GroupingLabels'), text) ?? [];
  return modifier.getChild('By') ? pushed.filter((m) => labels.includes(m.label)) : pushed.filter((m) => !labels.includes(m.label));
}

function labelsOf(grouping: SyntaxNode | null, text: string): string[] {
  return grouping ? kids(grouping).filter((k) => k.name === 'LabelName').map((k) => text.slice(k.from, k.to)) : [];
}

function nameOf(selector: SyntaxNode, text: string): string | undefined {
  const id = selector.getChild('Identifier');
  return id ? text.slice(id.from, id.to) : undefined;
}

function matchersOf(selector: SyntaxNode, text: string): Matcher[] {
  const list = selector.getChild('LabelMatchers');
  if (!list) return [];
  return kids(list)
    .filter((m) => m.name === 'UnquotedLabelMatcher')
    .map((m) => {
      const [label, op, value] = kids(m);
      return { label: text.slice(label!.from, label!.to), op: text.slice(op!.from, op!.to) as Matcher['op'], literal: text.slice(value!.from, value!.to) };
    });
}

/** Whether a literal matcher accepts a value, with PromQL's fully anchored regular expressions. */
function matches(m: Matcher, value: string): boolean {
  const v = unquote(m.literal);
  if (m.op === '=') return value === v;
  if (m.op === '!=') return value !== v;
  const hit = new RegExp(`^(?:${v})$`).test(value);
  return m.op === '=~' ? hit : !hit;
}

/**
 * A matcher holding a Grafana variable, on a label a rule adds: decided when the query runs.
 * label_replace's regex is anchored like a matcher's, so the one-series vector `keep` carries
 * cvm_match="1" exactly when the value matches, and `and on ()` / `unless on ()` keep or drop `expr`.
 */
function queryTimeFilter(expr: string, m: Matcher, value: string): string {
  // For = and != the variable's value is taken as a regex: the same for values without metacharacters.
  const keep = `label_replace(label_replace(vector(1), "cvm_value", ${JSON.stringify(value)}, "", ""), "cvm_match", "1", "cvm_value", ${m.literal}) and on (cvm_match) label_replace(vector(1), "cvm_match", "1", "", "")`;
  return `(${expr}) ${m.op === '=' || m.op === '=~' ? 'and' : 'unless'} on () (${keep})`;
}
