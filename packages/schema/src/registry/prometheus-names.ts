/**
 * How registry metrics and attributes are named once they reach Prometheus.
 * Two export paths produce different names for the same instrument:
 *
 * - `pull`: the collector's own `/metrics` endpoint
 *   (`@opentelemetry/exporter-prometheus`). Dots become `_`, monotonic
 *   counters get `_total`, histograms `_bucket`/`_sum`/`_count`; **no unit
 *   suffix**.
 * - `otlp`: OTLP into Prometheus's OTLP receiver or the OpenTelemetry
 *   Collector's Prometheus exporter with their default translation
 *   (`UnderscoreEscapingWithSuffixes`): the same, plus a unit suffix taken
 *   from the UCUM unit (`ms` → `_milliseconds`, `By` → `_bytes`, `%` →
 *   `_percent`, `kbit/s` → `_kbit_per_second`; annotations in braces such as
 *   `{packet}` add nothing).
 *
 * Pure functions over the registry: alert rules and dashboards use them to
 * write queries for the path a deployment uses.
 */
import type { MetricAttribute, MetricDefinition } from './types.js';

/** Which export path the names are for. */
export type PrometheusPath = 'pull' | 'otlp';

/** Names one registry metric has in Prometheus. */
export interface PrometheusNames {
  /** Metric family name (as in `# TYPE`). */
  readonly family: string;
  /** Every series name the family produces (histograms: `_bucket`, `_sum`, `_count`). */
  readonly series: readonly string[];
}

/**
 * OpenTelemetry attribute key of each registry attribute. Registry names are
 * kept, except where an OpenTelemetry semantic convention has exactly the
 * meaning (`user_agent.name`, `os.name`, `error.type`,
 * `network.connection.type`; plain `network.type` would clash with the
 * convention meaning ipv4/ipv6) or where a bare key would squat a
 * convention namespace (`service` → `webrtc.service`).
 */
export const OTEL_ATTRIBUTE_KEYS: Readonly<Record<MetricAttribute, string>> = {
  region: 'region',
  browser: 'user_agent.name',
  os: 'os.name',
  'sdk.version': 'sdk.version',
  topology: 'topology',
  'media.kind': 'media.kind',
  direction: 'direction',
  'candidate.type': 'candidate.type',
  'network.type': 'network.connection.type',
  'relay.protocol': 'relay.protocol',
  layer: 'layer',
  'error.stage': 'error.stage',
  'error.name': 'error.type',
  'failure.stage': 'failure.stage',
  'audit.action': 'audit.action',
  outcome: 'outcome',
  complaint: 'complaint',
  service: 'webrtc.service',
  tenant: 'rtcpulse.tenant',
};

/** The OpenTelemetry attribute key a registry attribute is exported under. */
export function otelAttributeKey(attribute: MetricAttribute): string {
  return OTEL_ATTRIBUTE_KEYS[attribute];
}

/** The Prometheus label a registry attribute becomes (same on both paths): `media.kind` → `media_kind`. */
export function prometheusLabelName(attribute: MetricAttribute): string {
  return OTEL_ATTRIBUTE_KEYS[attribute].replace(/[^a-zA-Z0-9_]/g, '_');
}

const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

const isAnnotation = (unit: string): boolean => unit.includes('{') || unit.includes('}');

/** Keep `[a-zA-Z0-9:]`, turn runs of anything else into one `_`, drop a leading `_`. */
function cleanUnit(word: string): string {
  return word.replace(/[^a-zA-Z0-9:]+/g, '_').replace(/^_/, '');
}

/** Unit suffix words for the OTLP path: main unit and `per_<unit>`, before cleaning. */
function unitSuffixes(unit: string): { main: string; per: string } {
  const slash = unit.indexOf('/');
  const mainUnit = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  const perUnit = slash < 0 ? '' : unit.slice(slash + 1).trim();
  const main = mainUnit && !isAnnotation(mainUnit) ? (UNIT_WORDS[mainUnit] ?? mainUnit) : '';
  const perWord = perUnit && !isAnnotation(perUnit) ? (PER_UNIT_WORDS[perUnit] ?? perUnit) : '';
  return { main, per: perWord ? `per_${perWord}` : '' };
}

function otlpFamily(metric: MetricDefinition): string {
  const tokens = metric.name.split(/[^a-zA-Z0-9:]+/).filter((t) => t.length > 0);
  const suffixes = unitSuffixes(metric.unit);
  let main = cleanUnit(suffixes.main);
  let per = cleanUnit(suffixes.per);
  if (tokens.includes(main)) main = '';
  per = per === 'per_' ? '' : per.replace(/_$/, '');
  if (tokens.includes(per)) per = '';
  if (per) main = main.replace(/_$/, '');
  if (main) tokens.push(main);
  if (per) tokens.push(per);
  const withoutWord = (word: string) => tokens.filter((t) => t !== word);
  let result = tokens;
  if (metric.instrument === 'counter') result = [...withoutWord('total'), 'total'];
  if (metric.instrument === 'gauge' && metric.unit === '1') result = [...withoutWord('ratio'), 'ratio'];
  const name = result.join('_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function pullFamily(metric: MetricDefinition): string {
  let name = metric.name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
  if (/^[0-9]/.test(name)) name = `_${name}`;
  if (metric.instrument === 'counter' && !name.endsWith('_total')) name = `${name}_total`;
  return name;
}

/**
 * Prometheus names of a registry metric on an export path. Counters are
 * monotonic sums (`_total`), gauges keep the family name, histograms are
 * explicit-bucket (`_bucket{le}`, `_sum`, `_count`).
 */
export function prometheusNames(metric: MetricDefinition, path: PrometheusPath): PrometheusNames {
  const family = path === 'pull' ? pullFamily(metric) : otlpFamily(metric);
  const series = metric.instrument === 'histogram' ? [`${family}_bucket`, `${family}_sum`, `${family}_count`] : [family];
  return { family, series };
}
