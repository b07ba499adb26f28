import { hostname } from 'node:os';
import { DEFAULT_OPEN_VALUE_LIMIT } from './client-attributes.js';
import { settingNumber } from '../env-number.js';

/** Default number of attribute sets one metric keeps before folding the rest into an overflow series. */
export const DEFAULT_CARDINALITY_LIMIT = 2000;
/** Default OTLP push interval (the OpenTelemetry default). */
export const DEFAULT_EXPORT_INTERVAL_MS = 60_000;

/** Where and how the collector pushes OTLP metrics. */
export interface OtlpExportConfig {
  /** Full metrics URL, for example `http://otel-collector:4318/v1/metrics`. */
  readonly url: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** OpenTelemetry settings of the collector. */
export interface TelemetryConfig {
  /** `service.name` of the exported resource. */
  readonly serviceName: string;
  /**
   * Further resource attributes, `service.instance.id` among them: over OTLP
   * it is what tells collector instances apart (Prometheus's OTLP receiver
   * makes it the `instance` label the collector alerts group by).
   */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** Push OTLP/HTTP (JSON) when set; `/metrics` is always served. */
  readonly otlp?: OtlpExportConfig;
  /** Attribute sets kept per metric (`aggregationCardinalityLimit`). */
  readonly cardinalityLimit: number;
  /** Distinct values kept per open client attribute, region and SDK version (default {@link DEFAULT_OPEN_VALUE_LIMIT}); later ones are `other`. */
  readonly openValueLimit?: number;
  /** When set, `GET /metrics` answers only `Authorization: Bearer <token>` (Prometheus `authorization` in its scrape config). */
  readonly metricsToken?: string;
  /**
   * How long a new counter or histogram series goes out at zero, in ms
   * (default 0: only in each reader's first collection of it); see
   * `RegistryAggregates`. From the environment: `RTCPULSE_METRIC_NEW_SERIES_HOLD_S`, default {@link DEFAULT_NEW_SERIES_HOLD_S} s.
   */
  readonly newSeriesHoldMs?: number;
}

/**
 * Seconds a new series goes out at zero by default: every scraper of
 * `/metrics` (two Prometheus replicas, a person with curl) scraping at least
 * this often reads its zero before its first value; twice Prometheus's
 * default scrape interval, so a late scrape does not miss it.
 */
export const DEFAULT_NEW_SERIES_HOLD_S = 120;

function nonNegative(value: string | undefined, fallback: number, name: string): number {
  return settingNumber(name, value, { what: 'a non-negative number', min: 0 }) ?? fallback;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  return settingNumber(name, value, { what: 'a positive integer', integer: true, above: 0 }) ?? fallback;
}

/**
 * Telemetry settings from the standard OpenTelemetry variables:
 * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (full URL) or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (base URL, `/v1/metrics` appended) turn the
 * OTLP push on; `OTEL_METRIC_EXPORT_INTERVAL` and
 * `OTEL_METRIC_EXPORT_TIMEOUT` (ms), `OTEL_SERVICE_NAME`, and
 * `RTCPULSE_METRIC_CARDINALITY_LIMIT`, `RTCPULSE_METRIC_OPEN_VALUES` and
 * `RTCPULSE_METRIC_NEW_SERIES_HOLD_S` tune it. Headers
 * (`OTEL_EXPORTER_OTLP_HEADERS`) are read by the exporter itself.
 * `RTCPULSE_METRICS_TOKEN` puts `/metrics` behind a bearer token. The
 * resource carries `OTEL_RESOURCE_ATTRIBUTES` and a `service.instance.id`:
 * `RTCPULSE_INSTANCE_ID`, else the one in those attributes, else host:pid.
 */
export function telemetryConfigFromEnv(env: Readonly<Record<string, string | undefined>>): TelemetryConfig {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const attributes = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  const url = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT || (base ? `${base.replace(/\/+$/, '')}/v1/metrics` : undefined);
  const intervalMs = positiveInt(env.OTEL_METRIC_EXPORT_INTERVAL, DEFAULT_EXPORT_INTERVAL_MS, 'OTEL_METRIC_EXPORT_INTERVAL');
  return {
    serviceName: env.OTEL_SERVICE_NAME || attributes['service.name'] || 'rtcpulse-collector',
    resourceAttributes: {
      ...attributes,
      'service.instance.id': env.RTCPULSE_INSTANCE_ID || attributes['service.instance.id'] || `${hostname()}:${process.pid}`,
    },
    ...(env.RTCPULSE_METRICS_TOKEN ? { metricsToken: env.RTCPULSE_METRICS_TOKEN } : {}),
    cardinalityLimit: positiveInt(
      env.RTCPULSE_METRIC_CARDINALITY_LIMIT,
      DEFAULT_CARDINALITY_LIMIT,
      'RTCPULSE_METRIC_CARDINALITY_LIMIT',
    ),
    openValueLimit: positiveInt(env.RTCPULSE_METRIC_OPEN_VALUES, DEFAULT_OPEN_VALUE_LIMIT, 'RTCPULSE_METRIC_OPEN_VALUES'),
    newSeriesHoldMs: 1000 * nonNegative(env.RTCPULSE_METRIC_NEW_SERIES_HOLD_S, DEFAULT_NEW_SERIES_HOLD_S, 'RTCPULSE_METRIC_NEW_SERIES_HOLD_S'),
    ...(url
      ? {
          otlp: {
            url,
            intervalMs,
            timeoutMs: Math.min(
              positiveInt(env.OTEL_METRIC_EXPORT_TIMEOUT, 30_000, 'OTEL_METRIC_EXPORT_TIMEOUT'),
              intervalMs,
            ),
          },
        }
      : {}),
  };
}

/** `OTEL_RESOURCE_ATTRIBUTES` (`key=value,key=value`, values percent-encoded) as an object; malformed pairs are skipped. */
export function parseResourceAttributes(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    try {
      out[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // A bad percent escape: the pair is left out.
    }
  }
  return out;
}
