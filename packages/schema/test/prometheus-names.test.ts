import { describe, expect, it } from 'vitest';
import { METRICS, OTEL_ATTRIBUTE_KEYS, prometheusLabelName, prometheusNames, type MetricDefinition } from '../src/index.js';

const registry: readonly MetricDefinition[] = METRICS;
const byName = (name: string): MetricDefinition => {
  const metric = registry.find((m) => m.name === name);
  if (!metric) throw new Error(`${name} is not in the registry`);
  return metric;
};
const fake = (name: string, unit: string, instrument: MetricDefinition['instrument']): MetricDefinition => ({
  key: 'x',
  name,
  unit,
  instrument,
  family: 'quality',
  scope: 'connection',
  attributes: [],
  description: '',
});

describe('prometheusNames', () => {
  it('pull path: dots to underscores, _total on counters, _bucket/_sum/_count on histograms, no unit', () => {
    expect(prometheusNames(byName('webrtc.connection.rtt'), 'pull')).toEqual({
      family: 'webrtc_connection_rtt',
      series: ['webrtc_connection_rtt_bucket', 'webrtc_connection_rtt_sum', 'webrtc_connection_rtt_count'],
    });
    expect(prometheusNames(byName('webrtc.transport.sent'), 'pull').series).toEqual(['webrtc_transport_sent_total']);
    expect(prometheusNames(byName('webrtc.turn.allocations'), 'pull').series).toEqual(['webrtc_turn_allocations']);
  });

  it('otlp path: unit suffix from the UCUM unit, annotations add nothing', () => {
    const otlp = (name: string) => prometheusNames(byName(name), 'otlp').family;
    expect(otlp('webrtc.connection.rtt')).toBe('webrtc_connection_rtt_milliseconds');
    expect(otlp('webrtc.transport.sent')).toBe('webrtc_transport_sent_bytes_total');
    expect(otlp('webrtc.stream.packet_loss')).toBe('webrtc_stream_packet_loss_percent');
    expect(otlp('webrtc.connection.available_outgoing_bitrate')).toBe('webrtc_connection_available_outgoing_bitrate_kbit_per_second');
    expect(otlp('webrtc.stream.frame_rate')).toBe('webrtc_stream_frame_rate_per_second');
    expect(otlp('webrtc.stream.packets_lost')).toBe('webrtc_stream_packets_lost_total');
    expect(otlp('webrtc.turn.allocations')).toBe('webrtc_turn_allocations');
    expect(otlp('webrtc.server.memory.usage')).toBe('webrtc_server_memory_usage_bytes');
    expect(otlp('webrtc.sfu.participant_time')).toBe('webrtc_sfu_participant_time_hours_total');
    expect(otlp('webrtc.recording.duration')).toBe('webrtc_recording_duration_seconds');
  });

  it('otlp path follows the translator rules for repeated words, ratios and leading digits', () => {
    expect(prometheusNames(fake('http.server.duration', 's', 'histogram'), 'otlp').series).toEqual([
      'http_server_duration_seconds_bucket',
      'http_server_duration_seconds_sum',
      'http_server_duration_seconds_count',
    ]);
    expect(prometheusNames(fake('disk.bytes', 'By', 'counter'), 'otlp').family).toBe('disk_bytes_total');
    expect(prometheusNames(fake('total.requests', '{request}', 'counter'), 'otlp').family).toBe('requests_total');
    expect(prometheusNames(fake('cpu.usage', '1', 'gauge'), 'otlp').family).toBe('cpu_usage_ratio');
    expect(prometheusNames(fake('io.rate', 'By/s', 'gauge'), 'otlp').family).toBe('io_rate_bytes_per_second');
    expect(prometheusNames(fake('2fa.checks', '{check}', 'counter'), 'pull').family).toBe('_2fa_checks_total');
  });

  it('gives every registry metric distinct names on each path', () => {
    for (const path of ['pull', 'otlp'] as const) {
      const series = registry.flatMap((m) => prometheusNames(m, path).series);
      expect(new Set(series).size, path).toBe(series.length);
    }
  });
});

describe('attribute keys', () => {
  it('maps every registry attribute to an OpenTelemetry key and a valid Prometheus label', () => {
    for (const [attribute, key] of Object.entries(OTEL_ATTRIBUTE_KEYS)) {
      expect(key).toMatch(/^[a-z][a-z0-9_.]*$/);
      expect(prometheusLabelName(attribute as keyof typeof OTEL_ATTRIBUTE_KEYS)).toMatch(/^[a-z_][a-z0-9_]*$/);
    }
    expect(prometheusLabelName('browser')).toBe('user_agent_name');
    expect(prometheusLabelName('media.kind')).toBe('media_kind');
  });
});
