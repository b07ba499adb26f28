/**
 * The collector's `/metrics` text turned into promtool input series: the
 * samples of one region as scraped twice after the reports were posted,
 * placed one minute apart, then held (no traffic after the second scrape).
 */

/** One sample line of the Prometheus text format. */
export interface ScrapedSample {
  /** Metric name and label set exactly as exposed (`name{k="v",...}`), which promtool reads as a series selector. */
  readonly series: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** `counter` for counters and a histogram's `_bucket`/`_sum`/`_count`; `gauge` otherwise. */
  readonly kind: 'counter' | 'gauge';
}

/** One input series of a promtool test. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Parse the sample lines of a Prometheus text exposition (the families' `# TYPE` lines say which are counters). */
export function parseExposition(text: string): ScrapedSample[] {
  const types = new Map<string, string>();
  const samples: ScrapedSample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] && type[2]) types.set(type[1], type[2]);
    if (line === '' || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    const series = line.slice(0, split);
    const brace = series.indexOf('{');
    const name = brace < 0 ? series : series.slice(0, brace);
    const labels: Record<string, string> = {};
    for (const [, key, value] of series.slice(brace + 1).matchAll(LABEL)) if (key && value !== undefined) labels[key] = value;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    const familyType = types.get(name) ?? types.get(family);
    const kind = familyType === 'counter' || familyType === 'histogram' ? 'counter' : 'gauge';
    samples.push({ series, name, labels, value: Number(line.slice(split + 1)), kind });
  }
  return samples;
}

/**
 * Input series (interval 1m) for the samples of `region`: the value of the
 * first scrape at 0m, the value of the second from 1m on, held for
 * `minutes` more minutes. A series missing from the first scrape has no
 * sample there (`_`): Prometheus reads it from its first sample on.
 * (The collector shows each new series at 0 in the first scrape that sees it,
 * so a first scrape taken after the reports holds them all at 0.)
 */
export function regionInputSeries(before: string, after: string, region: string, minutes: number): InputSeries[] {
  const earlier = new Map(parseExposition(before).map((s) => [s.series, s.value]));
  return parseExposition(after)
    .filter((s) => s.labels.region === region)
    .map((s) => ({ series: s.series, values: `${earlier.get(s.series) ?? '_'} ${s.value}x${minutes}` }));
}
