/**
 * --templates DIR: files named like the built-in templates (README.md.hbs, ...) replace them. Read
 * and compiled here, once, so render stays pure and bad input stops before anything is written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../errors.js';
import { BUILT_IN_TEMPLATES, compileTemplate, isTemplateName, TEMPLATE_NAMES, TemplateError, type TemplateSources } from '../render/templates.js';

export function loadTemplates(dir: string): TemplateSources {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    throw usageError('--templates', `cannot read the folder ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'check the path');
  }
  const sources: TemplateSources = { ...BUILT_IN_TEMPLATES };
  for (const name of names) {
    if (!isTemplateName(name)) {
      throw usageError('--templates', `${join(dir, name)} matches no template`, `name it one of: ${TEMPLATE_NAMES.join(', ')}`);
    }
    const source = readFileSync(join(dir, name), 'utf8');
    try {
      compileTemplate(name, source);
    } catch (err) {
      if (err instanceof TemplateError) throw usageError('--templates', `${join(dir, name)} ${err.message.slice(name.length + 2)}`, 'fix its Handlebars syntax');
      throw err;
    }
    sources[name] = source;
  }
  return sources;
}
