import { DEFAULT_PRICES, GB, participantSecondsSql, ruleById, ruleSql, type SqlTarget } from '@rtcpulse/alerts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandQuery, type PanelQuery, type VariableValue } from '../src/index.js';
import { ALL_VARIABLES, contextAt, one, openSeededStore, queryOf, type SeededStore } from './seeded-store.js';
import { BYTES_PER_SAMPLE, COVERAGE_CASES, NETWORK_CASE, TENANT_C, participantTimeBatches } from './seed-participant-time.js';

/**
 * Participant time is the union of a session's sample intervals over its
 * peer connections, in the alert rules and in the panels alike: sessions
 * whose connections follow each other (a reconnect) or overlap only in part
 * (one added late) must count the time they really covered. Also entry 3's
 * panel against its rule. Run on the collector's real schema.
 */

let store: SeededStore;
let target: SqlTarget;

beforeAll(async () => {
  store = await openSeededStore(participantTimeBatches);
  target = { now: `fromUnixTimestamp64Milli(${store.now + 60_000})`, oneTenant: false, prices: DEFAULT_PRICES };
});

afterAll(async () => {
  await store?.close();
});

const INTERVALS_MS = [2_000, 10_000, 60_000, 3_600_000];
/** 1-second resolution: a session's count may miss under a second at each edge of its covered time. */
const TOLERANCE_S = 1;

const inRegion = (region: string): Record<string, VariableValue> => ({ ...ALL_VARIABLES, tenant: one(TENANT_C), region: one(region) });

async function panelRows(query: PanelQuery, intervalMs: number, variables: Record<string, VariableValue>): Promise<Record<string, unknown>[]> {
  return store.run(expandQuery(query.rawSql, contextAt(store, query, variables, intervalMs)));
}

async function ruleValue(id: string, key: string): Promise<number | undefined> {
  const rows = await store.run(ruleSql(ruleById(id).rule, target));
  const row = rows.find((r) => `${String(r.tenant)}/${String(r.region)}` === key);
  return row === undefined ? undefined : Number(row.value);
}

describe.each(COVERAGE_CASES)('participant time of $sessionId (connections not alive for the whole call)', (c) => {
  const coveredS = c.coveredMs / 1000;
  const gb = (c.intervals * BYTES_PER_SAMPLE) / GB;

  it('the shared SQL definition counts the covered time, not sampled time per connection', async () => {
    const [row] = await store.run(`SELECT ${participantSecondsSql()} AS seconds FROM samples WHERE tenant = '${TENANT_C}' AND session_id = '${c.sessionId}'`);
    expect(Math.abs(Number(row?.seconds) - coveredS)).toBeLessThanOrEqual(TOLERANCE_S);
  });

  it("the entry-4 rule divides by the covered participant-hours", async () => {
    const value = await ruleValue('client-receive-gb-per-hour', `${TENANT_C}/${c.region}`);
    expect(value).toBeGreaterThan(0);
    const ruleSeconds = (gb / value!) * 3600;
    expect(Math.abs(ruleSeconds - coveredS), `${ruleSeconds} s vs ${coveredS} s`).toBeLessThanOrEqual(TOLERANCE_S);
  });

  it.each(INTERVALS_MS)("at a %i ms interval the participant-minutes buckets add up to the covered time, none much longer than the bucket", async (intervalMs) => {
    const rows = await panelRows(queryOf('rtcpulse-cost', 'Participant-minutes'), intervalMs, inRegion(c.region));
    const seconds = rows.map((r) => Number(r.participant_minutes) * 60);
    const total = seconds.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - coveredS), `${total} s vs ${coveredS} s`).toBeLessThanOrEqual(TOLERANCE_S);
    // Parallel connections count once: a bucket holds at most its own length plus the
    // start of a 2 s sample that ends in it (seconds go to the bucket of their sample).
    for (const s of seconds) expect(s).toBeLessThanOrEqual(intervalMs / 1000 + 2);
  });

  it.each(INTERVALS_MS)("at a %i ms interval the entry-4 panel's buckets imply the rule's participant-hours", async (intervalMs) => {
    const rows = await panelRows(queryOf('rtcpulse-runbook', 'Client receive volume per participant-hour'), intervalMs, inRegion(c.region));
    const bytes = await store.run(expandQuery(`SELECT $__timeInterval(ts) AS time, sum(coalesce(bytes_received, 0)) AS bytes
FROM samples WHERE $__timeFilter(ts) AND tenant = '${TENANT_C}' AND region = '${c.region}' GROUP BY time`, contextAt(store, queryOf('rtcpulse-runbook', 'Client receive volume per participant-hour'), inRegion(c.region), intervalMs)));
    let hours = 0;
    for (const r of rows) hours += Number(bytes.find((b) => b.time === r.time)?.bytes ?? 0) / GB / Number(r.received_gb_per_participant_hour);
    expect(Math.abs(hours * 3600 - coveredS), `${hours * 3600} s vs ${coveredS} s`).toBeLessThanOrEqual(TOLERANCE_S);
  });
});

describe('runbook entry 3: connections failed after coming online, per 100 network drops', () => {
  it("the panel's counts give the rule's value", async () => {
    const value = await ruleValue('failed-after-online', `${TENANT_C}/${NETWORK_CASE.region}`);
    expect(value).toBeCloseTo((100 * NETWORK_CASE.failedAfterOnline) / NETWORK_CASE.drops, 9);
    for (const intervalMs of INTERVALS_MS) {
      const rows = await panelRows(queryOf('rtcpulse-runbook', 'Connections failed within 30 s of coming online'), intervalMs, inRegion(NETWORK_CASE.region));
      const failed = rows.reduce((sum, r) => sum + Number(r.failed_after_online), 0);
      const drops = rows.reduce((sum, r) => sum + Number(r.offline_events), 0);
      expect([failed, drops], `${intervalMs} ms`).toEqual([NETWORK_CASE.failedAfterOnline, NETWORK_CASE.drops]);
      expect((100 * failed) / drops).toBeCloseTo(value!, 9);
    }
  });
});
