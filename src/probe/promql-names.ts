/**
 * Which metric names a PromQL expression selects, read with Prometheus' own grammar
 * (@prometheus-io/lezer-promql): enough to walk from a panel query to the series it reads, and from
 * a recording rule to its inputs.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

export interface SelectedName {
  name: string;
  /** The selector's other label matchers, as written (variables substituted or not). */
  matchers: string;
  /** Its `label="value"` matchers. */
  equals: Record<string, string>;
}

/**
 * Grafana's template variables (`$x`, `${x}`, `[[x]]`) are not PromQL: each becomes a duration of
 * the same length (`1m` and spaces), which the grammar takes wherever a number or a range may stand,
 * so every offset still points into the text as written.
 */
export function withoutVariables(expr: string): string {
  return expr.replace(/\$\{[^}]*\}|\$\w+|\[\[\w+\]\]/g, (v) => (v.startsWith('[[') ? `[1m${' '.repeat(v.length - 4)}]` : `1m${' '.repeat(v.length - 2)}`));
}

/**
 * The syntax tree of `expr` (variables made parseable). Kept for expressions read again: the
 * rules' expressions are walked once per test file and per poll of validate.
 */
const trees = new Map<string, Tree>();
export function parsed(expr: string): Tree {
  let tree = trees.get(expr);
  if (!tree) {
    if (trees.size > 5000) trees.clear();
    tree = parser.parse(withoutVariables(expr));
    trees.set(expr, tree);
  }
  return tree;
}

export const children = (node: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};

/** A PromQL string literal's value: "…" and '…' with Go escapes, `…` raw. */
export function stringValue(literal: string): string | undefined {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  try {
    return JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"` : literal) as string;
  } catch {
    return undefined;
  }
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;

/**
 * The names a regex of literal names matches: `a|b`, with groups of literals in a name
 * (`DCGM_FI_DEV_(A|B)_WATTS`); undefined for any other regex.
 */
function literalAlternatives(regex: string): string[] | undefined {
  const alternatives = regex.match(/(?:[^|()]|\([^()]*\))+/g) ?? [];
  if (alternatives.join('|') !== regex) return undefined;
  const names = alternatives.flatMap((alternative) => {
    let out = [''];
    for (const [, literal, group] of alternative.matchAll(/([^()]+)|\(([^()]*)\)/g)) out = out.flatMap((n) => (group !== undefined ? group.split('|').map((g) => n + g) : [n + literal]));
    return out;
  });
  return names.every((n) => NAME.test(n)) ? names : undefined;
}

/** The names one matcher of `{...}` selects: `__name__="x"`, or a regex of literal names `__name__=~"a|b"`. */
function namesOfMatcher(m: SyntaxNode, text: (n: SyntaxNode) => string): string[] {
  const [label, op, value] = children(m);
  if (m.name !== 'UnquotedLabelMatcher' || !label || !op || !value || text(label) !== '__name__') return [];
  const literal = stringValue(text(value));
  if (literal === undefined) return [];
  const kind = op.firstChild?.name;
  if (kind === 'EqlSingle') return [literal];
  if (kind === 'EqlRegex') return literalAlternatives(literal) ?? [];
  return [];
}

/** The names a VectorSelector node selects, and its other matchers as written. */
function selectorOf(selector: SyntaxNode, text: (n: SyntaxNode) => string): { names: string[]; matchers: string; equals: Record<string, string> } {
  const parts = children(selector);
  const matchers = parts.find((p) => p.name === 'LabelMatchers');
  const inBraces = matchers ? children(matchers) : [];
  // Prometheus 3's quoted (UTF-8) name first: `{"http.server.duration", job="x"}`.
  const quoted = inBraces.find((m) => m.name === 'QuotedLabelName');
  const rest = inBraces.filter((m) => m !== quoted).map(text).join(', ');
  const identifier = parts.find((p) => p.name === 'Identifier');
  const names = identifier ? [text(identifier)] : quoted ? [stringValue(text(quoted)) ?? ''] : inBraces.flatMap((m) => namesOfMatcher(m, text));
  const equals: Record<string, string> = {};
  for (const m of inBraces) {
    const [label, op, value] = children(m);
    const literal = value && stringValue(text(value));
    if (m.name === 'UnquotedLabelMatcher' && label && text(label) !== '__name__' && op?.firstChild?.name === 'EqlSingle' && literal !== undefined) equals[text(label)] = literal;
  }
  return { names, matchers: rest, equals };
}

/** Every vector selector in `expr`, in order of appearance, with its label matchers. */
export function selectedSeries(expr: string): SelectedName[] {
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const out: SelectedName[] = [];
  parsed(expr).iterate({
    enter: (ref) => {
      if (ref.name !== 'VectorSelector') return;
      const { names, matchers, equals } = selectorOf(ref.node, text);
      for (const name of names) out.push({ name, matchers, equals });
      return false;
    },
  });
  return out;
}

/**
 * Whether an expression can produce series given which names can be fed: `or` needs one side,
 * `and` both, `unless` its left side; arithmetic, functions and aggregations need every input; a
 * selector of several names (a regex of literal names) one of them. `fed` gets the selector's
 * `label="value"` matchers too.
 */
export function exprFeedable(expr: string, fed: (name: string, equals: Record<string, string>) => boolean): boolean {
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const can = (node: SyntaxNode): boolean => {
    if (node.name === 'VectorSelector') {
      const { names, equals } = selectorOf(node, text);
      return names.length === 0 || names.some((n) => fed(n, equals));
    }
    const parts = children(node);
    if (node.name === 'BinaryExpr') {
      const operands = parts.filter((p) => !OPERATORS.has(p.name) && !MODIFIERS.has(p.name));
      const op = parts.find((p) => p.name === 'Or' || p.name === 'Unless')?.name;
      if (op === 'Or') return operands.some(can);
      if (op === 'Unless') return operands.length === 0 || can(operands[0]!);
      return operands.every(can);
    }
    return parts.every(can);
  };
  const top = parsed(expr).topNode;
  return can(top);
}

/** A BinaryExpr's children that are not its operands: the operator and its modifiers. */
const OPERATORS = new Set(['Pow', 'Mul', 'Div', 'Mod', 'Add', 'Sub', 'EqlSingle', 'Eql', 'Gte', 'Gtr', 'Lte', 'Lss', 'Neq', 'And', 'Or', 'Unless', 'Atan2']);
const MODIFIERS = new Set(['MatchingModifierClause', 'BoolModifier']);

/** Distinct metric names `expr` selects, sorted. */
export function metricNames(expr: string): string[] {
  return [...new Set(selectedSeries(expr).map((s) => s.name))].sort();
}

/** Where `expr` (Grafana variables allowed) does not parse as PromQL: the first error, or undefined. */
export function promqlError(expr: string): string | undefined {
  let error: { from: number; to: number } | undefined;
  parsed(expr).iterate({
    enter: (ref) => {
      if (ref.type.isError && !error) error = { from: ref.from, to: ref.to };
      return !error;
    },
  });
  return error ? `does not parse at ${error.from}: ${JSON.stringify(expr.slice(Math.max(0, error.from - 20), error.from + 20))}` : undefined;
}
