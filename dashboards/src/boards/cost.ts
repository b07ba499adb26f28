import { GB, SERVER_KIND, TABLE, type Prices } from '@rtcpulse/alerts';
import { clientScope, tenantScope } from '../sql/filters.js';
import { COST_NEEDS, COST_OVER_RANGE_SQL, COST_PER_PARTICIPANT_HOUR_SQL, priceVariables } from '../sql/cost.js';
import { QueryCatalog, tableSql, timeSeriesSql } from '../sql/needs.js';
import { indentSql, MS_PER_MINUTE, PARTICIPANT_TIME_COLUMNS, sessionBucketsSql } from '../sql/participant-time.js';
import { SERVER_EVENTS } from '../sql/server-tables.js';
import { tablePanel, timeSeriesPanel } from '../panels.js';
import { threshold } from '../thresholds.js';
import { fleetVariables } from '../variables.js';
import { finishBoard, newBoard, row, type GeneratedBoard } from './board.js';

const SAMPLES = { samples: [...PARTICIPANT_TIME_COLUMNS, 'bytes_sent', 'bytes_received', 'local_candidate_type', 'relay_protocol'] };
const LAYER_SAMPLES = { samples: [...PARTICIPANT_TIME_COLUMNS, 'video_out_layer0_bytes', 'video_out_layer1_bytes', 'video_out_layer2_bytes'] };
const SERVER = { [SERVER_EVENTS.table]: [...SERVER_EVENTS.columns] };
const SFU_PARTICIPANT_TIME = { [TABLE.serverEvents]: ['tenant', 'region', 'ts', 'kind', 'sfu_egress_bytes', 'sfu_participant_time_h'] };

/** Participant-minutes per interval: the time sessions were sampling in it (see `sql/participant-time.ts`). */
export const PARTICIPANT_MINUTES_SQL = `SELECT time, sum(participant_ms) / ${MS_PER_MINUTE} AS participant_minutes
FROM (
${indentSql(sessionBucketsSql([]))}
)
GROUP BY time
ORDER BY time`;

/** Bytes sent plus received per participant-minute, by the selected pair's local candidate type. */
export const CLIENT_BYTES_PER_MINUTE_SQL = `SELECT time, candidate_type,
  sum(client_bytes) / (sum(participant_ms) / ${MS_PER_MINUTE}) AS bytes_per_participant_minute
FROM (
${indentSql(sessionBucketsSql([{ sql: 'sum(ifNull(bytes_sent, 0) + ifNull(bytes_received, 0))', alias: 'client_bytes' }], { sql: 'local_candidate_type', alias: 'candidate_type' }))}
)
GROUP BY time, candidate_type
HAVING sum(participant_ms) > 0
ORDER BY time`;

/**
 * Bytes the clients sent per simulcast layer (sendEncodings index 0, 1, 2 and
 * above) per participant-minute: runbook entry 4 as the client sees it, over
 * every session's time (sessions without simulcast send none by layer).
 */
export const CLIENT_LAYER_BYTES_PER_MINUTE_SQL = `SELECT time,
  sum(layer0) / (sum(participant_ms) / ${MS_PER_MINUTE}) AS layer0_bytes_per_participant_minute,
  sum(layer1) / (sum(participant_ms) / ${MS_PER_MINUTE}) AS layer1_bytes_per_participant_minute,
  sum(layer2) / (sum(participant_ms) / ${MS_PER_MINUTE}) AS layer2_bytes_per_participant_minute
FROM (
${indentSql(sessionBucketsSql([0, 1, 2].map((layer) => ({ sql: `sum(ifNull(video_out_layer${layer}_bytes, 0))`, alias: `layer${layer}` }))))}
)
GROUP BY time
HAVING sum(participant_ms) > 0
ORDER BY time`;

export const RELAY_SHARE_SQL = `SELECT $__timeInterval(ts) AS time,
  100 * countIf(local_candidate_type = 'relay') / greatest(count(), 1) AS relayed_intervals_pct
FROM samples
WHERE ${clientScope()}
GROUP BY time
ORDER BY time`;

export const RELAY_GB_SQL = `SELECT relay_protocol, region,
  sum(ifNull(bytes_sent, 0) + ifNull(bytes_received, 0)) / ${GB} AS relayed_gb, uniqExact(session_id) AS sessions
FROM samples
WHERE ${clientScope()}
  AND local_candidate_type = 'relay'
GROUP BY relay_protocol, region
ORDER BY relayed_gb DESC`;

/** SFU egress by simulcast/SVC layer, from the SFU's server events. */
export const EGRESS_BY_LAYER_SQL = `SELECT $__timeInterval(ts) AS time, layer, sum(sfu_egress_bytes) / ${GB} AS egress_gb
FROM server_events
WHERE ${tenantScope('ts')}
  AND kind = 'sfu.egress'
GROUP BY time, layer
ORDER BY time`;

/**
 * SFU egress per participant-hour by region, as the alert rule computes it:
 * the SFUs' egress over the participant time the SFUs report (runbook entry
 * 4 budget: 1.5 GB, alert at 2.5 GB).
 */
export const EGRESS_PER_PARTICIPANT_HOUR_SQL = `SELECT $__timeInterval(ts) AS time, region,
  sumIf(sfu_egress_bytes, kind = '${SERVER_KIND.sfuEgress}') / ${GB} / sumIf(sfu_participant_time_h, kind = '${SERVER_KIND.sfu}') AS egress_gb_per_participant_hour
FROM ${TABLE.serverEvents}
WHERE ${tenantScope('ts')}
  AND kind IN ('${SERVER_KIND.sfu}', '${SERVER_KIND.sfuEgress}')
GROUP BY time, region
HAVING sumIf(sfu_participant_time_h, kind = '${SERVER_KIND.sfu}') > 0
ORDER BY time`;

/** Cost per participant-hour, decomposed into CPU, RAM, egress and storage, priced in SQL (see `sql/cost.ts`). */
export const COST_DECOMPOSED_SQL = COST_PER_PARTICIPANT_HOUR_SQL;

/** Cost: participant-minutes, egress by layer, TURN relay share and GB, cost per participant-hour. */
export function costBoard(prices?: Prices): GeneratedBoard {
  const catalog = new QueryCatalog();
  const board = newBoard('rtcpulse-cost', 'rtcpulse · Cost', 'What the traffic costs: participant-minutes, egress by simulcast layer, TURN relay share and volume, cost per participant-hour by component.', ['cost']).variables([...fleetVariables(catalog), ...priceVariables(prices)]);
  board.withRow(row('Usage'));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Participant-minutes', description: 'Time sessions were sampling in each interval (the union of the sample intervals of each session over its peer connections: parallel connections once, a reconnect added), in minutes.', unit: 'short', w: 12, h: 8 }, [timeSeriesSql(PARTICIPANT_MINUTES_SQL, { tables: SAMPLES })]));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Client bytes per participant-minute', description: "The client's view: bytes sent plus received per participant-minute (time the sessions were present in the interval), by selected candidate type.", unit: 'decbytes', w: 12, h: 8 }, [timeSeriesSql(CLIENT_BYTES_PER_MINUTE_SQL, { tables: SAMPLES })]));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Client-sent bytes per participant-minute by simulcast layer', description: "The client's view of runbook entry 4: bytes the clients' simulcast layers sent (layer 0 the lowest, 2 the third and above) per participant-minute of every session, sessions without simulcast included; beside the SFU's view below.", unit: 'decbytes', w: 12, h: 8 }, [timeSeriesSql(CLIENT_LAYER_BYTES_PER_MINUTE_SQL, { tables: LAYER_SAMPLES })]));
  board.withRow(row('SFU egress'));
  board.withPanel(timeSeriesPanel(catalog, { title: 'SFU egress by simulcast layer', description: "The SFU's view, from its server events.", unit: 'decgbytes', w: 12, h: 8 }, [timeSeriesSql(EGRESS_BY_LAYER_SQL, { tables: SERVER })]));
  board.withPanel(timeSeriesPanel(catalog, { title: 'SFU egress per participant-hour', description: "The SFUs' egress over the participant time they report, by region, as the alert rule computes it. Budget 1.5 GB per participant-hour at 720p; the line is the alert threshold.", unit: 'decgbytes', w: 12, h: 8, threshold: threshold('sfu-egress-per-participant-hour') }, [timeSeriesSql(EGRESS_PER_PARTICIPANT_HOUR_SQL, { tables: SFU_PARTICIPANT_TIME })]));
  board.withRow(row('TURN relay'));
  board.withPanel(timeSeriesPanel(catalog, { title: 'TURN relay share', description: 'Share of sample intervals whose selected pair is relayed through TURN.', unit: 'percent', w: 12, h: 8 }, [timeSeriesSql(RELAY_SHARE_SQL, { tables: SAMPLES })]));
  board.withPanel(tablePanel(catalog, { title: 'TURN relayed GB by protocol and region', description: 'Bytes on relayed peer connections as the clients count them.', unit: 'none', w: 12, h: 8 }, tableSql(RELAY_GB_SQL, { tables: SAMPLES })));
  board.withRow(row('Cost per participant-hour'));
  board.withPanel(timeSeriesPanel(catalog, { title: 'Cost per participant-hour by component', description: "CPU, RAM, egress (SFU and TURN) and storage dollars over the SFUs' participant-hours, priced from the server events' usage with the dashboard's price constants (the collector's default pricing unless changed). Each point covers the hour up to it (or its own interval when longer), so reports that arrive on different timers neither drop cost nor make the line jump.", unit: 'currencyUSD', w: 16, h: 9 }, [timeSeriesSql(COST_DECOMPOSED_SQL, COST_NEEDS)]));
  board.withPanel(tablePanel(catalog, { title: 'Cost over the range', description: "Dollars per component and in total over the whole time range, and per SFU participant-hour (empty without SFU participant time, e.g. a tenant on TURN and peer-to-peer only): the figures of the collector's GET /v1/server/cost for the same range.", unit: 'currencyUSD', w: 8, h: 9 }, tableSql(COST_OVER_RANGE_SQL, COST_NEEDS)));
  return finishBoard('cost.json', board, catalog);
}
