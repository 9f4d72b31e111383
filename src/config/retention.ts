/** --retention-size: Prometheus' --storage.tsdb.retention.size, as Prometheus spells it. */
import { usageError } from '../errors.js';

// Prometheus' documented units; powers of 2 (1KB is 1024B). "0" is Prometheus' own "no limit".
const SIZE_RE = /^(0|[1-9][0-9]*(B|KB|MB|GB|TB|PB|EB))$/;
const POWER: Record<string, number> = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4, PB: 5, EB: 6 };

/** Bytes of a valid size; throws a one-line error naming `field` otherwise. */
export function retentionSizeBytes(value: string, field: string): number {
  const m = SIZE_RE.exec(value);
  if (!m) throw usageError(field, `${JSON.stringify(value)} is not a size`, 'write it like 20GB or 500MB (units B, KB, MB, GB, TB, PB, EB), or 0 for no size limit');
  const bytes = value === '0' ? 0 : Number(value.slice(0, -m[2]!.length)) * 1024 ** POWER[m[2]!]!;
  // Prometheus keeps it in an int64: 8EB wraps around to a negative size.
  if (bytes >= 2 ** 63) throw usageError(field, `${value} is more than Prometheus can count`, 'use less than 8EB');
  return bytes;
}

/** The WAL and head chunks count toward the limit, and only whole blocks are deleted to meet it. */
export function retentionSizeWarnings(value: string, field: string): string[] {
  const bytes = retentionSizeBytes(value, field);
  return bytes > 0 && bytes < 1024 ** 3
    ? [`${field}: ${value} leaves little room: Prometheus counts its WAL and head chunks (hundreds of MB on a busy server) toward it and deletes whole blocks, so keep at least 1GB`]
    : [];
}
