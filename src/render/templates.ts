/**
 * The Handlebars templates of a stack's prose and scripts (templates/*.hbs). TypeScript builds each
 * file's view; a template only lays it out, escaping every value with the helper of its target
 * language. Compiled with noEscape: Handlebars' HTML escaping would corrupt scripts.
 * The built-in sources are bundled (esbuild's text loader), so render reads no file.
 */
import Handlebars from 'handlebars';
import readme from '../../templates/README.md.hbs';
import readmeKubernetes from '../../templates/README.kubernetes.md.hbs';
import runbooks from '../../templates/RUNBOOKS.md.hbs';
import startSh from '../../templates/start-monitoring.sh.hbs';
import stopSh from '../../templates/stop-monitoring.sh.hbs';
import startPs1 from '../../templates/start-monitoring.ps1.hbs';
import stopPs1 from '../../templates/stop-monitoring.ps1.hbs';
import startBat from '../../templates/start-monitoring.bat.hbs';
import stopBat from '../../templates/stop-monitoring.bat.hbs';

export const BUILT_IN_TEMPLATES = {
  'README.md.hbs': readme,
  'RUNBOOKS.md.hbs': runbooks,
  'README.kubernetes.md.hbs': readmeKubernetes,
  'start-monitoring.sh.hbs': startSh,
  'stop-monitoring.sh.hbs': stopSh,
  'start-monitoring.ps1.hbs': startPs1,
  'stop-monitoring.ps1.hbs': stopPs1,
  'start-monitoring.bat.hbs': startBat,
  'stop-monitoring.bat.hbs': stopBat,
} as const;

export type TemplateName = keyof typeof BUILT_IN_TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(BUILT_IN_TEMPLATES) as TemplateName[];
/** Template sources by name: the built-in ones, some replaced by --templates DIR. */
export type TemplateSources = Record<TemplateName, string>;

export const isTemplateName = (name: string): name is TemplateName => Object.hasOwn(BUILT_IN_TEMPLATES, name);

/** POSIX sh: a word as is when it holds only safe characters, else double-quoted with $ ` " \\ escaped. */
export const shQuote = (s: string): string => (/^[\w./:=@+,-]+$/.test(s) ? s : `"${s.replace(/[$`"\\]/g, '\\$&')}"`);
/** PowerShell: a single-quoted string, where only ' needs doubling. */
export const psQuote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** cmd.exe inside double quotes: % would expand a variable; a " would end the quoting (dropped). */
export const batEscape = (s: string): string => s.replace(/%/g, '%%').replace(/"/g, '');
/** Markdown text: characters that would start markup are backslash-escaped. */
export const mdEscape = (s: string): string => s.replace(/[\\`*[\]<>|]/g, '\\$&');
/** Markdown code span (backticks cannot occur inside one; they are dropped). */
export const mdCode = (s: string): string => `\`${s.replace(/`/g, '')}\``;

const handlebars = Handlebars.create();
handlebars.registerHelper({ sh: shQuote, ps: psQuote, bat: batEscape, md: mdEscape, code: mdCode });

export type CompiledTemplate = (view: object) => string;

/** A template that does not compile, or names a field its view lacks (strict mode). */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** Handlebars' reason on one line: a parse error's first line and its 'Expecting ...' line, no object dumps. */
function reason(e: unknown): string {
  const lines = (e as Error).message.split('\n').filter((l) => l.trim() !== '');
  const text = lines.length > 1 && /^Expecting /.test(lines.at(-1)!) ? `${lines[0]} ${lines.at(-1)}` : lines[0]!;
  return text.replace(/ in \[object Object\]/g, '');
}
const OPTIONS = { noEscape: true, strict: true } as const;

/** Compiles one template; a syntax error throws a TemplateError naming the file. */
export function compileTemplate(name: string, source: string): CompiledTemplate {
  let template: HandlebarsTemplateDelegate;
  try {
    // compile() parses lazily: precompile() surfaces a syntax error now rather than at render.
    handlebars.precompile(source, OPTIONS);
    template = handlebars.compile(source, OPTIONS);
  } catch (e) {
    throw new TemplateError(name, `does not compile (${reason(e)})`);
  }
  return (view) => {
    try {
      return template(view);
    } catch (e) {
      throw new TemplateError(name, `cannot be rendered (${reason(e)})`);
    }
  };
}

const cache = new Map<string, CompiledTemplate>();

/** Lays out one file: its template (compiled once per source) applied to its view. */
export function layout(sources: TemplateSources, name: TemplateName, view: object): string {
  const source = sources[name];
  let compiled = cache.get(source);
  if (!compiled) {
    compiled = compileTemplate(name, source);
    cache.set(source, compiled);
  }
  return compiled(view);
}
