import type { NodeReport, Pricing, RecordingEvent, SfuReport, TurnReport } from '@rtcpulse/schema';
import type { CollectorApp } from '../src/index.js';

/** Server keys the server-event tests configure: two tenants. */
export const SERVER_KEYS = [
  { tenant: 'acme', key: 'acme-server-key-0123456789' },
  { tenant: 'globex', key: 'globex-server-key-0123456789' },
] as const;

/** Round prices so expected costs are easy to state. */
export const TEST_PRICING: Pricing = {
  egressPerGb: 0.1,
  turnPerGb: 0.2,
  cpuHour: 0.05,
  ramGbHour: 0.01,
  storageGbMonth: 0.02,
  storageRetentionMonths: 3,
};

export const S0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const MINUTE = 60_000;

/** One minute of an SFU node: 10 participants, simulcast layers, 2 vCPU / 4 GB. */
export function sfuReport(overrides: Partial<SfuReport> = {}): SfuReport {
  return {
    v: 1,
    nodeId: 'sfu-1',
    region: 'eu-west',
    ts: S0 + MINUTE,
    intervalMs: MINUTE,
    participants: 10,
    node: { cpuCores: 2, cpuUtilizationPct: 42, memoryUsedBytes: 1.5e9, memoryLimitBytes: 4e9 },
    forwarded: [
      { kind: 'video', layer: 'f', streams: 6 },
      { kind: 'video', layer: 'q', streams: 3 },
      { kind: 'audio', layer: '0', streams: 9 },
    ],
    egress: [
      { sessionId: 'call-42', receiverId: 'alice', kind: 'video', layer: 'f', bytes: 20e6 },
      { sessionId: 'call-42', receiverId: 'bob', kind: 'video', layer: 'f', bytes: 10e6 },
      { sessionId: 'call-42', receiverId: 'bob', kind: 'video', layer: 'q', bytes: 2e6 },
      { sessionId: 'call-42', receiverId: 'carol', kind: 'audio', layer: '0', bytes: 1e6 },
    ],
    ...overrides,
  };
}

/** One minute of a TURN server: 4 allocations, 50 MB relayed. */
export function turnReport(overrides: Partial<TurnReport> = {}): TurnReport {
  return {
    v: 1,
    nodeId: 'turn-1',
    region: 'eu-west',
    ts: S0 + MINUTE,
    intervalMs: MINUTE,
    allocations: 4,
    relayedBytes: 50e6,
    ...overrides,
  };
}

/** A recording job event. */
export function recordingEvent(overrides: Partial<RecordingEvent> = {}): RecordingEvent {
  return {
    v: 1,
    nodeId: 'rec-1',
    region: 'eu-west',
    ts: S0 + MINUTE,
    jobId: 'job-1',
    sessionId: 'call-42',
    state: 'started',
    ...overrides,
  };
}

/** One minute of a recorder node: 4 vCPU, 8 GB. */
export function nodeReport(overrides: Partial<NodeReport> = {}): NodeReport {
  return {
    v: 1,
    nodeId: 'rec-1',
    region: 'eu-west',
    ts: S0 + MINUTE,
    intervalMs: MINUTE,
    service: 'recorder',
    usage: { cpuCores: 4, cpuUtilizationPct: 80, memoryUsedBytes: 8e9 },
    ...overrides,
  };
}

/** `POST /v1/server/<path>` with a server key (`null`: without one). */
export function postServer(app: CollectorApp, path: string, body: unknown, key: string | null = SERVER_KEYS[0].key) {
  return app.inject({
    method: 'POST',
    url: `/v1/server/${path}`,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Prometheus text exposition: family name → its `# TYPE`, `# UNIT` and sample lines. */
export interface ScrapedFamily {
  type: string;
  unit?: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** Parse the Prometheus text format the pull exporter writes (enough for tests). */
export function parsePrometheus(text: string): Map<string, ScrapedFamily> {
  const families = new Map<string, ScrapedFamily>();
  const familyOf = (series: string): ScrapedFamily | undefined => {
    for (const suffix of ['', '_bucket', '_sum', '_count']) {
      const family = suffix && series.endsWith(suffix) ? series.slice(0, -suffix.length) : series;
      if (families.has(family)) return families.get(family);
    }
    return undefined;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (TYPE|UNIT) (\S+) (.+)$/.exec(line);
    if (meta) {
      const [, what, name, value] = meta as unknown as [string, string, string, string];
      const family = families.get(name) ?? { type: '', samples: [] };
      if (what === 'TYPE') family.type = value;
      else family.unit = value;
      families.set(name, family);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!sample) continue;
    const [, name, labelText = '', value] = sample as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    for (const m of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1] as string] = m[2] as string;
    familyOf(name)?.samples.push({ name, labels, value: value === '+Inf' ? Infinity : Number(value) });
  }
  return families;
}
