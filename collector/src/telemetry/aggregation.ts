import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type HistogramMetricData,
  type MetricData,
  type MetricDescriptor,
  type MetricProducer,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';

/** One metric's attribute set: a lookup key and the frozen OpenTelemetry attributes it stands for. */
export interface AttributeSet {
  readonly key: string;
  readonly attributes: Attributes;
}

/** Where values go once a metric holds its cardinality limit of attribute sets (the SDK's overflow series). */
const OVERFLOW: AttributeSet = { key: '\u0001otel.metric.overflow', attributes: Object.freeze({ 'otel.metric.overflow': true }) };

/** When a cell (one attribute set's series) was made, ms since the epoch, beside its OpenTelemetry start time. */
interface Created {
  readonly createdMs: number;
}

interface HistogramCell extends Created {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

interface SumCell extends Created {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  value: number;
}

/**
 * The cumulative series of one instrument, one cell per attribute set. Like
 * the SDK's storage, it keeps `limit - 1` attribute sets and folds values of
 * any further set into one series labelled `otel.metric.overflow=true`.
 */
abstract class Series<C> {
  protected readonly cells = new Map<string, C>();

  constructor(
    readonly descriptor: MetricDescriptor,
    private readonly limit: number,
  ) {}

  protected abstract create(attributes: Attributes): C;

  protected cell(set: AttributeSet): C {
    const found = this.cells.get(set.key);
    if (found !== undefined) return found;
    const target = this.cells.size >= this.limit - 1 ? OVERFLOW : set;
    let cell = this.cells.get(target.key);
    if (cell === undefined) {
      cell = this.create(target.attributes);
      this.cells.set(target.key, cell);
    }
    return cell;
  }

  /** The series' data points for one collection; `atZero` says which cells go out at zero this time (see {@link RegistryAggregates.producer}). */
  abstract metricData(endTime: HrTime, atZero: (cell: Created) => boolean): MetricData | undefined;
}

/** An explicit-bucket histogram with min and max, as the SDK's `EXPLICIT_BUCKET_HISTOGRAM` aggregation keeps it. */
export class HistogramSeries extends Series<HistogramCell> {
  constructor(
    descriptor: MetricDescriptor,
    limit: number,
    private readonly boundaries: readonly number[],
  ) {
    super(descriptor, limit);
  }

  protected create(attributes: Attributes): HistogramCell {
    const counts = new Array<number>(this.boundaries.length + 1).fill(0);
    const createdMs = Date.now();
    return { attributes, createdMs, startTime: millisToHrTime(createdMs), counts, sum: 0, count: 0, min: Infinity, max: -Infinity };
  }

  /** Record one value (the caller has checked it is finite and not negative). */
  record(value: number, set: AttributeSet): void {
    const cell = this.cell(set);
    cell.count += 1;
    cell.sum += value;
    if (value < cell.min) cell.min = value;
    if (value > cell.max) cell.max = value;
    // First bucket whose upper bound is >= value (bounds are inclusive), the last one past every bound.
    const bounds = this.boundaries;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((bounds[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    (cell.counts[lo] as number) += 1;
  }

  metricData(endTime: HrTime, atZero: (cell: Created) => boolean): HistogramMetricData | undefined {
    if (this.cells.size === 0) return undefined;
    const boundaries = [...this.boundaries];
    return {
      descriptor: this.descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.cells.values()].map((cell) => ({
        attributes: cell.attributes,
        startTime: cell.startTime,
        endTime,
        value: atZero(cell)
          ? { buckets: { boundaries, counts: cell.counts.map(() => 0) }, sum: 0, count: 0 }
          : {
              buckets: { boundaries, counts: [...cell.counts] },
              sum: cell.sum,
              count: cell.count,
              ...(cell.count > 0 ? { min: cell.min, max: cell.max } : {}),
            },
      })),
    };
  }
}

/** A monotonic sum (counter). */
export class CounterSeries extends Series<SumCell> {
  protected create(attributes: Attributes): SumCell {
    const createdMs = Date.now();
    return { attributes, createdMs, startTime: millisToHrTime(createdMs), value: 0 };
  }

  /** Add a value (the caller has checked it is finite and not negative). */
  add(value: number, set: AttributeSet): void {
    this.cell(set).value += value;
  }

  metricData(endTime: HrTime, atZero: (cell: Created) => boolean): SumMetricData | undefined {
    if (this.cells.size === 0) return undefined;
    return {
      descriptor: this.descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [...this.cells.values()].map((cell) => ({
        attributes: cell.attributes,
        startTime: cell.startTime,
        endTime,
        value: atZero(cell) ? 0 : cell.value,
      })),
    };
  }
}

/**
 * The collector's histograms and counters, aggregated in place and handed
 * to each reader by a `MetricProducer` of its own ({@link producer}) under
 * the meter's scope. The SDK's synchronous instruments hash the attribute
 * set on every call; here a call finds its series by a precomputed key,
 * which makes recording the ~275 values of a report cheap. The data handed
 * out is what the SDK's views would produce (cumulative, the same buckets,
 * sum, count, min and max, and the same overflow series), except that a
 * series goes out at zero the first time a reader collects it.
 */
export class RegistryAggregates {
  readonly #series: Series<unknown>[] = [];
  readonly #resource = resourceFromAttributes({});
  #finished = false;

  constructor(private readonly scopeName: string) {}

  histogram(name: string, description: string, unit: string, boundaries: readonly number[], limit: number): HistogramSeries {
    const series = new HistogramSeries({ name, description, unit, valueType: ValueType.DOUBLE }, limit, boundaries);
    this.#series.push(series);
    return series;
  }

  counter(name: string, description: string, unit: string, limit: number): CounterSeries {
    const series = new CounterSeries({ name, description, unit, valueType: ValueType.DOUBLE }, limit);
    this.#series.push(series);
    return series;
  }

  /**
   * A producer for one reader. Each series (an attribute set of a metric)
   * goes out at zero in the first collection of that reader that sees it,
   * and for `holdMs` after it was made, and with its values from then on.
   * A series appears when its first value is recorded; shown straight away
   * with that value, the first scrape after it would already read, say, 2
   * failures, and Prometheus's `rate()` and `increase()` count from the
   * first sample they see, so that first increase would never count: the
   * first failure of every new region, browser or SDK version would be
   * missed by the alerts. The first-collection rule covers one consumer per
   * reader; the hold covers several scrapers of one `/metrics` (two
   * Prometheus replicas, someone with curl), each of which scrapes at least
   * every `holdMs`. After {@link finish} (the last export, at shutdown)
   * everything goes out at its value, since no later collection follows.
   */
  producer(holdMs = 0): MetricProducer {
    const shown = new WeakSet<object>();
    const atZero = (cell: Created): boolean => {
      if (this.#finished) return false;
      const first = !shown.has(cell);
      shown.add(cell);
      return first || Date.now() - cell.createdMs < holdMs;
    };
    return { collect: () => this.#collect(atZero) };
  }

  /** The last collections are about to run (shutdown): no series goes out at zero any more. */
  finish(): void {
    this.#finished = true;
  }

  #collect(atZero: (cell: Created) => boolean): Promise<CollectionResult> {
    const endTime = millisToHrTime(Date.now());
    const metrics: MetricData[] = [];
    for (const series of this.#series) {
      const data = series.metricData(endTime, atZero);
      if (data) metrics.push(data);
    }
    return Promise.resolve({
      resourceMetrics: { resource: this.#resource, scopeMetrics: [{ scope: { name: this.scopeName, version: '' }, metrics }] },
      errors: [],
    });
  }
}
