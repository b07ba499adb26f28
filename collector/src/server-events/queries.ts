import type { ClickHouseClient } from '@clickhouse/client';
import { recordingOutcomesSql } from '@rtcpulse/alerts';
import { BYTES_PER_GB, type Usage } from './cost.js';
import { MS_PER_HOUR } from './rows.js';

/** A tenant's time range, epoch milliseconds, `from` inclusive, `to` exclusive. */
export interface ServerRange {
  readonly tenant: string;
  readonly from: number;
  readonly to: number;
}

/** SFU egress of one media kind and layer over a range, against participant time (runbook entry 4). */
export interface LayerEgress {
  readonly kind: string;
  readonly layer: string;
  readonly gb: number;
  /** GB per participant-hour; the runbook budget is 1.5 at 720p, alert at 2.5. Null without participant time. */
  readonly gbPerParticipantHour: number | null;
}

/** Recording jobs over a range (runbook entry 5). */
export interface RecordingOutcomes {
  readonly started: number;
  readonly finished: number;
  readonly failed: number;
  /** finished / (finished + failed); null when none ended. */
  readonly successRate: number | null;
}

/** The key's tenant and the range `[from, to)` on `column`. */
const inRange = (column: string): string => `tenant = {tenant:String}
  AND ${column} >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ${column} < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;
const RANGE = inRange('ts');

async function rows<T>(client: ClickHouseClient, query: string, range: ServerRange): Promise<T[]> {
  const result = await client.query({
    query,
    query_params: { tenant: range.tenant, from: range.from, to: range.to },
    format: 'JSONEachRow',
  });
  return result.json<T>();
}

/** Billable usage of a tenant over a range, summed from `server_events`. */
export async function queryUsage(client: ClickHouseClient, range: ServerRange): Promise<Usage> {
  const [row] = await rows<Record<keyof Usage, number | string | null>>(
    client,
    `SELECT
       sumIf(cpu_cores * interval_ms, kind = 'node') / ${MS_PER_HOUR} AS cpuHours,
       sumIf(coalesce(memory_limit_bytes, server_memory_usage_bytes) * interval_ms, kind = 'node') / ${BYTES_PER_GB} / ${MS_PER_HOUR} AS ramGbHours,
       sumIf(sfu_egress_bytes, kind = 'sfu.egress') / ${BYTES_PER_GB} AS egressGb,
       sumIf(turn_relayed_bytes, kind = 'turn') / ${BYTES_PER_GB} AS turnGb,
       (SELECT coalesce(sumIf(stored_bytes, outcome = 'finished'), 0) FROM (${recordingOutcomesSql(inRange)})) / ${BYTES_PER_GB} AS storedGb,
       sumIf(sfu_participant_time_h, kind = 'sfu') AS participantHours
     FROM server_events WHERE ${RANGE}`,
    range,
  );
  const value = (key: keyof Usage): number => Number(row?.[key] ?? 0) || 0;
  return {
    cpuHours: value('cpuHours'),
    ramGbHours: value('ramGbHours'),
    egressGb: value('egressGb'),
    turnGb: value('turnGb'),
    storedGb: value('storedGb'),
    participantHours: value('participantHours'),
  };
}

/** SFU egress per media kind and layer, in GB and GB per participant-hour. */
export async function queryEgressByLayer(client: ClickHouseClient, range: ServerRange, participantHours: number): Promise<LayerEgress[]> {
  // No alias may be called `kind`: ClickHouse aliases are visible in WHERE and would shadow the column.
  const result = await rows<{ media_kind: string; layer: string; gb: number | string }>(
    client,
    `SELECT media_kind, layer, sum(sfu_egress_bytes) / ${BYTES_PER_GB} AS gb
     FROM server_events WHERE kind = 'sfu.egress' AND ${RANGE}
     GROUP BY media_kind, layer ORDER BY media_kind, layer`,
    range,
  );
  return result.map((r) => ({
    kind: r.media_kind,
    layer: r.layer,
    gb: Number(r.gb),
    gbPerParticipantHour: participantHours > 0 ? Number(r.gb) / participantHours : null,
  }));
}

/**
 * Recording jobs started, and jobs that ended finished or failed, in a range
 * (each job once, by its last end report: see `recordingOutcomesSql`), with
 * the success rate.
 */
export async function queryRecordingOutcomes(client: ClickHouseClient, range: ServerRange): Promise<RecordingOutcomes> {
  const [row] = await rows<Record<'started' | 'finished' | 'failed', number | string>>(
    client,
    `SELECT
       (SELECT uniqExact(job_id) FROM server_events WHERE kind = 'recording' AND state = 'started' AND ${RANGE}) AS started,
       countIf(outcome = 'finished') AS finished, countIf(outcome = 'failed') AS failed
     FROM (${recordingOutcomesSql(inRange)})`,
    range,
  );
  const started = Number(row?.started ?? 0);
  const finished = Number(row?.finished ?? 0);
  const failed = Number(row?.failed ?? 0);
  return { started, finished, failed, successRate: finished + failed > 0 ? finished / (finished + failed) : null };
}
