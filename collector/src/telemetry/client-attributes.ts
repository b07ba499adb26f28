import type { ClientMeta } from '@rtcpulse/schema';
import { attributeValue, type RegistryAttributes } from './attributes.js';

/** Distinct values of each open client attribute (region, SDK version) that metrics keep by default. */
export const DEFAULT_OPEN_VALUE_LIMIT = 100;

/** The shapes an open attribute's value must have to be kept: anything else is `other`. */
const OPEN_SHAPES = {
  // `eu-west`, `us-east-1`, `ap_south.2`: letters, digits, `_`, `.` and `-`.
  region: /^[\w.-]{1,64}$/,
  // `1.4.0`, `2.0.0-rc.1`: a semantic version.
  'sdk.version': /^\d{1,6}\.\d{1,6}\.\d{1,6}(?:[-+][\w.-]{1,40})?$/,
} as const;

/**
 * Builds the function that turns a report's client facts into metric
 * attributes, so that no client can make the metrics grow without bound:
 * browser, OS and topology are held to their registry lists (`other` for
 * anything else), and the two open attributes, region and SDK version, keep
 * at most `openValueLimit` distinct values each (of the right shape), in
 * the order they are first seen; later new values, and values of another
 * shape, are recorded as `other`. The kept values last as long as the
 * process (the metrics are cumulative). Stored rows keep what the client
 * sent; only the metrics are bounded.
 */
export function createClientAttributes(openValueLimit: number): (meta: ClientMeta, sdkVersion: string) => RegistryAttributes {
  const kept = { region: new Set<string>(), 'sdk.version': new Set<string>() };
  const open = (attribute: keyof typeof OPEN_SHAPES, value: string | undefined): string | undefined => {
    if (value === undefined || value === '') return undefined;
    const values = kept[attribute];
    if (values.has(value)) return value;
    if (values.size >= openValueLimit || !OPEN_SHAPES[attribute].test(value)) return 'other';
    values.add(value);
    return value;
  };
  return (meta, sdkVersion) => ({
    region: open('region', meta.region),
    browser: attributeValue('browser', meta.browser),
    os: attributeValue('os', meta.os),
    'sdk.version': open('sdk.version', sdkVersion),
    topology: attributeValue('topology', meta.topology),
  });
}
