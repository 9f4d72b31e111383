/**
 * A minimal HTML/SVG element tree and its serialiser: pages are built as nodes, and every text and
 * attribute value is escaped on the way out, so no input string can break the markup.
 */
export interface El {
  tag: string;
  attrs: Record<string, string | number | undefined>;
  children: Child[];
}
export type Child = El | string | null | undefined | false;

export function el(tag: string, attrs: El['attrs'] = {}, ...children: (Child | Child[])[]): El {
  return { tag, attrs, children: children.flat() };
}

const VOID = new Set(['meta', 'br', 'hr', 'img', 'link', 'input']);
/** Elements whose text must not be entity-escaped (we only put our own CSS there). */
const RAW = new Set(['style']);

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

export function serialize(node: Child, parentTag = ''): string {
  if (node === null || node === undefined || node === false) return '';
  if (typeof node === 'string') return RAW.has(parentTag) ? node.replace(/<\//g, '<\\/') : escapeText(node);
  const attrs = Object.entries(node.attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(typeof v === 'number' ? fmt(v) : v!)}"`)
    .join('');
  if (VOID.has(node.tag)) return `<${node.tag}${attrs}>`;
  return `<${node.tag}${attrs}>${node.children.map((c) => serialize(c, node.tag)).join('')}</${node.tag}>`;
}

/** Numbers in SVG coordinates: two decimals are plenty and keep pages small. */
export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, '');
}
