// Its own module (and subpath, `@rtcpulse/schema/ip-text`) so that the browser SDK, the importer and the collector
// replace IP addresses in text the same way, without the SDK bundling the schema and TypeBox.

/** Four 1–3 digit groups, also glued to other text (`x10.9.8.7`, `198.51.100.7_5000`) or dashed (`ip-10-1-2-3`). */
export const IPV4 = /\d{1,3}([._-]\d{1,3}){3}/g;

/**
 * Two or more colons among groups of up to four hex digits: full and
 * shortened IPv6 addresses (`::1`, `2001:db8::`), and fingerprints. Each
 * repeat starts at a colon, so a long run of digits is passed over in linear
 * time.
 */
export const IPV6 = /[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,}/gi;

/** `text` with every IPv4 and IPv6 address replaced by `[ip]`. */
export const replaceIps = (text: string): string => text.replace(IPV4, '[ip]').replace(IPV6, '[ip]');
