/**
 * A dump's timestamp as milliseconds since the Unix epoch: a finite number,
 * a numeric string (`"1700000000000"`) or a date string `Date.parse` reads
 * (ISO 8601, `2023-10-19T08:55:22.151Z`). Anything else is `undefined`.
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** True for an entry time the replay can place (the line reader gives `NaN` when a line had none). */
export function hasTime(ts: number): boolean {
  return Number.isFinite(ts);
}
