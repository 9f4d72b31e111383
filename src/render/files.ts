import { stringify } from 'yaml';

/** One generated file. `mode` is applied on write (0o600 for secrets, 0o755 for scripts). */
export interface GeneratedFile {
  content: string;
  mode?: number;
  /** Mode of the folder holding it (0o700 for secrets/: its files must be world-readable for the containers' users). */
  dirMode?: number;
}

/** Relative POSIX path -> file. Insertion order is the order files are listed to the user. */
export type FileMap = Map<string, GeneratedFile>;

/** Serialises a structured file. Every user string passes through here, never through string pasting. */
export function toYaml(value: unknown, header?: string): string {
  const body = stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  return header ? `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n${body}` : body;
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Windows scripts need CRLF, whatever the generator's platform. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
