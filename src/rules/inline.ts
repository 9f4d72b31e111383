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

/**
 * Grafana's variables (`$x`, `${x}`, `[[x]]`) become durations of the same length, so the text
 * parses and every offset still points into the query as written (which is what we copy out).
 */
function parseable(expr: string): string {
  return expr.replace(/\$\{[^}]*\}|\$\w+|\[\[\w+\]\]/g, (v) => (v.startsWith('[[') ? `[1m${' '.repeat(v.length - 4)}]` : `1m${' '.repeat(v.length - 2)}`));
}

const kids = (node: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};

const BINARY_OPERATORS = new Set(['Pow', 'Mul', 'Div', 'Mod', 'Add', 'Sub', 'EqlSingle', 'Eql', 'Gte', 'Gtr', 'Lte', 'Lss', 'Neq', 'And', 'Or', 'Unless', 'Atan2']);
const NOT_OPERANDS = new Set([...BINARY_OPERATORS, 'MatchingModifierClause', 'BoolModifier']);

/** The literal a Go/PromQL string literal stands for (our rules and panels write "…" only). */
function unquote(literal: string): string {
  return literal.startsWith('`') ? literal.slice(1, -1) : (JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1).replace(/"/g, '\\"')}"` : literal) as string);
}

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

  inline(expr: string, pushed: Matcher[], depth: number): string {
    if (depth > 20) throw new InlineError('recording rules nest deeper than 20 levels (a cycle?)');
    const tree = parser.parse(parseable(expr));
    return this.rewrite(tree.topNode, expr, pushed, depth);
  }

  /** The text of `node` rewritten, with `pushed` the matchers its series must satisfy. */
  private rewrite(node: SyntaxNode, text: string, pushed: Matcher[], depth: number): string {
    if (node.type.isError) throw new InlineError(`does not parse at ${node.from}: ${JSON.stringify(text.slice(Math.max(0, node.from - 20), node.from + 20))}`);
    switch (node.name) {
      case 'VectorSelector':
        return this.selector(node, text, pushed, depth);
      case 'MatrixSelector': {
        const [vector, range] = [node.getChild('VectorSelector')!, node.getChild('DurationExpr')!];
        const defs = this.defs.get(nameOf(vector, text) ?? '');
        if (!defs) break;
        return `${this.selector(vector, text, pushed, depth)}[${text.slice(range.from, range.to)}:${defs[0]!.interval ?? this.step}]`;
      }
      case 'OffsetExpr':
      case 'StepInvariantExpr': {
        const inner = node.firstChild;
        if (inner?.name === 'VectorSelector' && this.defs.has(nameOf(inner, text) ?? '')) throw new InlineError(`${text.slice(node.from, node.to)}: a recorded series under offset/@ cannot be inlined`);
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
      case 'FunctionCall': {
        const fn = text.slice(node.firstChild!.from, node.firstChild!.to);
        if (fn !== 'label_replace' && fn !== 'label_join') break;
        const destination = node.getChild('FunctionCallBody')?.getChild('StringLiteral');
        const made = destination ? unquote(text.slice(destination.from, destination.to)) : '';
        if (pushed.some((m) => m.label === made)) throw new InlineError(`${fn} writes ${made}, which a matcher filters on`);
        break;
      }
    }
    return this.splice(node, text, () => pushed, depth);
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
      if (op === 'Or') {
        if (matched(pushed).length !== pushed.length) throw new InlineError(`${text.slice(node.from, node.to).slice(0, 80)}: 'or on' without the filtered labels cannot be filtered before`);
        return pushed;
      }
      return child === many ? pushed : matched(pushed);
    };
    return this.splice(node, text, (child) => (operands.includes(child) ? forOperand(child) : []), depth);
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
