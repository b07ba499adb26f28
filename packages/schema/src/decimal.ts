/** Plain decimal notation: optionally signed digits, an optional fraction and exponent ("0.08", "5", "1e3", "-2"). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * The number a decimal text spells, or `undefined` for anything else. Unlike
 * `Number()`, which reads `' '` as 0, `'0x10'` as 16 and `'Infinity'` as a
 * number, a configuration value must be written out as a decimal.
 */
export function parseDecimal(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}
