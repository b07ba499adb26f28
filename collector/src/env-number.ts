import { parseDecimal } from '@rtcpulse/schema';

/** What a numeric setting must be, and how to say it in an error. */
export interface NumberRule {
  /** The requirement in words, e.g. "a positive integer". */
  readonly what: string;
  readonly integer?: boolean;
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Allowed values are greater than this. */
  readonly above?: number;
  readonly max?: number;
}

/**
 * The number a setting (an environment variable, an option) spells:
 * `undefined` when it is unset or empty, else a plain decimal that meets
 * `rule`. Anything else throws, naming the setting, the requirement and the
 * text: a blank, hex, `Infinity` or `12abc`, which `Number()` would read as
 * 0, 16, a number and NaN.
 */
export function settingNumber(name: string, text: string | undefined, rule: NumberRule): number | undefined {
  if (text === undefined || text === '') return undefined;
  // Spaces around the number (an env file's `\r`, a padded value) are not part of it; a blank value is still an error.
  const value = parseDecimal(text.trim());
  const ok =
    value !== undefined &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new Error(`${name} must be ${rule.what}, got ${JSON.stringify(text)}`);
  return value;
}
