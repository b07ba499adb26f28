import type { CollectorApp } from '@rtcpulse/collector';

/** The sample columns the lab compares with the injected truth. */
export interface ReportedSample {
  pc_id: string;
  seq: number;
  ts: string;
  dur_ms: number;
  local_candidate_type: string;
  remote_candidate_type: string;
  relay_protocol: string;
  rtt_ms: number | null;
  audio_in_packet_loss_pct: number | null;
  audio_in_packets_lost: number | null;
  audio_in_packets: number | null;
  audio_in_jitter_ms: number | null;
  video_in_packet_loss_pct: number | null;
  video_in_bitrate_kbps: number | null;
  video_out_bitrate_kbps: number | null;
  audio_out_rtt_ms: number | null;
}

/** One stored event of the lab session. */
export interface ReportedEvent {
  pc_id: string;
  ts: string;
  type: string;
  state: string;
  name: string;
  value: number | null;
}

/** Everything the SDK reported for one lab session, as stored in ClickHouse. */
export interface ReportedCall {
  samples: ReportedSample[];
  events: ReportedEvent[];
}

const SAMPLE_COLUMNS: ReadonlyArray<keyof ReportedSample> = [
  'pc_id',
  'seq',
  'ts',
  'dur_ms',
  'local_candidate_type',
  'remote_candidate_type',
  'relay_protocol',
  'rtt_ms',
  'audio_in_packet_loss_pct',
  'audio_in_packets_lost',
  'audio_in_packets',
  'audio_in_jitter_ms',
  'video_in_packet_loss_pct',
  'video_in_bitrate_kbps',
  'video_out_bitrate_kbps',
  'audio_out_rtt_ms',
];

/** Reads a lab session's samples (ordered by peer connection and sequence) and events (by time) from the collector's store. */
export async function readReportedCall(app: CollectorApp, tenant: string, sessionId: string): Promise<ReportedCall> {
  const params = { tenant, session: sessionId };
  const samples = await app.store.client.query({
    query: `SELECT ${SAMPLE_COLUMNS.join(', ')} FROM samples
            WHERE tenant = {tenant:String} AND session_id = {session:String} ORDER BY pc_id, seq`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const events = await app.store.client.query({
    query: `SELECT pc_id, ts, type, state, name, value FROM events
            WHERE tenant = {tenant:String} AND session_id = {session:String} ORDER BY ts`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const sampleRows = await samples.json<ReportedSample>();
  return {
    samples: sampleRows.map((row) => ({ ...row, seq: Number(row.seq) })),
    events: await events.json<ReportedEvent>(),
  };
}
