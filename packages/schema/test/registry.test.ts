import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  METRICS,
  RUNBOOK_THRESHOLDS,
  SAMPLE_LABELS,
  isEventMetric,
  isStreamMetric,
  sampleColumns,
  type MetricDefinition,
} from '../src/index.js';

const registry: readonly MetricDefinition[] = METRICS;
const FORBIDDEN_ATTRIBUTES = /session|call|participant|user|ip|address/i;

describe('metric registry', () => {
  it('names every metric in OpenTelemetry style, once', () => {
    const names = registry.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/);
  });

  it('keeps the unit out of the name', () => {
    for (const m of registry) {
      expect(m.name).not.toMatch(/(_ms|_seconds|_bytes|_pct|_percent|_kbps|_total)$/);
      expect(m.unit.length).toBeGreaterThan(0);
    }
  });

  it('gives every histogram sorted, distinct, positive buckets', () => {
    for (const m of registry) {
      if (m.instrument !== 'histogram') continue;
      const buckets = m.buckets ?? [];
      expect(buckets.length, m.name).toBeGreaterThan(3);
      buckets.forEach((b, i) => {
        expect(b).toBeGreaterThan(i === 0 ? 0 : (buckets[i - 1] ?? 0));
      });
    }
  });

  it('never lets an identifier become a metric attribute', () => {
    for (const m of registry) for (const a of m.attributes) expect(a).not.toMatch(FORBIDDEN_ATTRIBUTES);
  });

  it('tags stream metrics with media kind and direction', () => {
    for (const m of registry.filter(isStreamMetric)) {
      expect(m.attributes).toContain('media.kind');
      expect(m.attributes).toContain('direction');
      expect(m.streams.length).toBeGreaterThan(0);
    }
  });

  it('puts the runbook ICE threshold (800 ms) on a bucket boundary', () => {
    const ice = registry.find((m) => m.name === 'webrtc.ice.pair_formation_time');
    expect(ice?.buckets).toContain(800);
  });

  it('derives one distinct, SQL-safe column per connection metric and per stream metric × stream', () => {
    const columns = sampleColumns().map((c) => c.column);
    expect(new Set(columns).size).toBe(columns.length);
    for (const c of columns) expect(c).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(columns).toContain('rtt_ms');
    expect(columns).toContain('audio_in_packet_loss_pct');
    expect(columns).toContain('video_out_quality_limited_pct');
    expect(columns).not.toContain('audio_in_quality_limited_pct');
    const labels = SAMPLE_LABELS.map((l) => l.key);
    for (const l of labels) expect(columns).not.toContain(l);
  });
});

describe('runbook thresholds', () => {
  it('puts every alert and classification threshold on a bucket boundary of its metric', () => {
    for (const t of RUNBOOK_THRESHOLDS) {
      const metric = registry.find((m) => m.name === t.metric);
      expect(metric, t.metric).toBeDefined();
      expect(metric?.buckets, `${t.metric} ${t.value}`).toContain(t.value);
    }
  });

  it('feeds every event metric from a known event type', () => {
    const types: readonly string[] = EVENT_TYPES;
    for (const m of registry.filter(isEventMetric)) expect(types, m.name).toContain(m.event);
  });
});
