import type { Io } from '../cli/io.js';
export async function run(_argv: string[], _io: Io): Promise<number> { return 0; }
