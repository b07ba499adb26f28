import { overlayPricing, parsePricingFile } from '@rtcpulse/schema';
import { describe, expect, it } from 'vitest';
import { securityFromEnv } from '../src/auth/config.js';
import { parseServerArgs } from '../src/cli/args.js';
import { settingNumber } from '../src/env-number.js';
import { ingestOptionsFromEnv } from '../src/ingest/options.js';
import { ttlDaysFromEnv } from '../src/store/config.js';
import { telemetryConfigFromEnv } from '../src/telemetry/config.js';

/**
 * Numeric settings are written out as decimals: `Number()` reads a blank as
 * 0 and `0x10` as 16, so a variable set to spaces by a templating mistake
 * would have meant a 0 price, a 0 MB spool or port 0 without a word.
 */
describe('numeric settings', () => {
  const BAD = [' ', '  \t', '0x10', 'Infinity', '12abc', '1,5', '$0.08'];

  it('reads plain decimals and leaves unset or empty ones to their default', () => {
    expect(settingNumber('X', '0.08', { what: 'a number' })).toBe(0.08);
    expect(settingNumber('X', '1e3', { what: 'a number' })).toBe(1000);
    expect(settingNumber('X', '.5', { what: 'a number' })).toBe(0.5);
    expect(settingNumber('X', undefined, { what: 'a number' })).toBeUndefined();
    expect(settingNumber('X', '', { what: 'a number' })).toBeUndefined();
  });

  it.each(BAD)('refuses %j, naming the setting, the requirement and the text', (text) => {
    expect(() => settingNumber('RTCPULSE_X', text, { what: 'a non-negative number', min: 0 })).toThrow(`RTCPULSE_X must be a non-negative number, got ${JSON.stringify(text)}`);
  });

  it('reads a number with spaces or an env file\'s carriage return around it; an empty PORT is the default port', () => {
    expect(settingNumber('X', ' 512\r', { what: 'a number' })).toBe(512);
    expect(overlayPricing({ RTCPULSE_PRICE_CPU_HOUR: '0.04\r' })).toMatchObject({ cpuHour: 0.04 });
    expect(parseServerArgs([], { PORT: '' }).port).toBe(parseServerArgs([], {}).port);
    expect(() => parseServerArgs([], { PORT: '-0' })).toThrow('invalid port');
  });

  it('applies integer and range rules', () => {
    expect(() => settingNumber('N', '1.5', { what: 'a positive integer', integer: true, above: 0 })).toThrow('N must be a positive integer, got "1.5"');
    expect(() => settingNumber('N', '0', { what: 'a positive integer', integer: true, above: 0 })).toThrow('got "0"');
    expect(() => settingNumber('N', '-1', { what: 'a non-negative number', min: 0 })).toThrow('got "-1"');
  });

  it.each(BAD)('every numeric variable of the collector refuses %j', (text) => {
    expect(() => overlayPricing({ RTCPULSE_PRICE_CPU_HOUR: text })).toThrow(`RTCPULSE_PRICE_CPU_HOUR must be a decimal number, got ${JSON.stringify(text)}`);
    expect(() => ingestOptionsFromEnv({ RTCPULSE_SPOOL_MAX_MB: text }, { kind: 'embedded', dataDir: '/tmp/x' })).toThrow('RTCPULSE_SPOOL_MAX_MB must be');
    expect(() => ttlDaysFromEnv({ RTCPULSE_TTL_DAYS_SAMPLES: text })).toThrow('RTCPULSE_TTL_DAYS_SAMPLES must be a whole number of days');
    expect(() => telemetryConfigFromEnv({ RTCPULSE_METRIC_NEW_SERIES_HOLD_S: text })).toThrow('RTCPULSE_METRIC_NEW_SERIES_HOLD_S must be');
    expect(() => securityFromEnv({ RTCPULSE_COMPLETENESS_INTERVAL_S: text })).toThrow('RTCPULSE_COMPLETENESS_INTERVAL_S must be');
    expect(() => parseServerArgs([], { PORT: text })).toThrow('invalid port');
  });

  it('refuses a spool of 0 MB, which would answer every report 503', () => {
    expect(() => ingestOptionsFromEnv({ RTCPULSE_SPOOL_MAX_MB: '0' }, { kind: 'embedded', dataDir: '/tmp/x' })).toThrow('RTCPULSE_SPOOL_MAX_MB must be a positive number of MB, got "0"');
    expect(ingestOptionsFromEnv({ RTCPULSE_SPOOL_MAX_MB: '0.5' }, { kind: 'embedded', dataDir: '/tmp/x' }).spoolMaxBytes).toBe(524_288);
  });

  it('names a misspelt price variable and a pricing file that is not JSON', () => {
    expect(() => overlayPricing({ RTCPULSE_PRICE_EGRESS_GB: '0.05' })).toThrow(/^RTCPULSE_PRICE_EGRESS_GB is not a price variable; the price variables are RTCPULSE_PRICE_EGRESS_PER_GB, /);
    expect(() => parsePricingFile("{ egressPerGb: 0.05 }", '/etc/rtcpulse/prices.json')).toThrow(/^\/etc\/rtcpulse\/prices.json \(RTCPULSE_PRICING_FILE\): not valid JSON: /);
  });

  it('prices from the environment still overlay the defaults', () => {
    expect(overlayPricing({ RTCPULSE_PRICE_CPU_HOUR: '0.04' })).toMatchObject({ cpuHour: 0.04 });
  });
});
