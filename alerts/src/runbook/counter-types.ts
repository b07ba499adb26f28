import type { MetricSelector } from './types.js';

/**
 * Per-second rates of counters combined by arithmetic, each rate summed by
 * the rule's grouping. A selector inside a composite (a sum of several
 * terms, a difference, a least, a scaled term) counts as zero where its
 * series does not exist, so one missing counter does not empty the result.
 */
export type CounterExpr = MetricSelector | CounterSum | CounterDifference | CounterLeast | CounterScaled;

/** The sum of several terms. */
export interface CounterSum {
  readonly op: 'sum';
  readonly terms: readonly CounterExpr[];
}

/** `left - right`, never below zero. */
export interface CounterDifference {
  readonly op: 'minus';
  readonly left: CounterExpr;
  readonly right: CounterExpr;
}

/** The smaller of two terms. */
export interface CounterLeast {
  readonly op: 'least';
  readonly of: readonly [CounterExpr, CounterExpr];
}

/** `expr * times / per` (e.g. samples per second times seconds per sample over the window). */
export interface CounterScaled {
  readonly op: 'scaled';
  readonly expr: CounterExpr;
  readonly times: number;
  readonly per: number;
}

/** One counter of a promtool case and how much it grows per minute. */
export interface CaseSeries {
  readonly selector: MetricSelector;
  readonly perMinute: number;
  /** Explicit values in promtool's notation (e.g. `0 4x15`), one per `interval`, instead of steady growth at `perMinute`. */
  readonly values?: string;
}

/**
 * A promtool case written as data: counters that grow at steady rates (a
 * counter not listed does not exist) and whether the alert must fire.
 */
export interface PromtoolCase {
  readonly name: string;
  readonly series: readonly CaseSeries[];
  readonly fires: boolean;
  /** Scrape interval of the input series (default `1m`), e.g. `61s` for rules evaluated out of step with scrapes. */
  readonly interval?: string;
  /** When the alert is checked (default: the alert's `for` plus 12 minutes), e.g. `4m`. */
  readonly evalAt?: string;
}
