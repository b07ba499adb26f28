import { toDateTime64 } from './rows.js';
import type { SessionSummary } from './session-summary.js';
import { SESSION_FIGURES, SESSION_TOTALS } from './sessions-table.js';

/** A `sessions` row: like a `Row` of `rows.ts`, plus the `pc_ids` array. */
export type SessionRow = Record<string, string | number | null | readonly string[]>;

const finiteOr = (value: number, fallback: number): number => (Number.isFinite(value) ? value : fallback);

/** The `sessions` row of a summary. */
export function summaryRow(s: SessionSummary): SessionRow {
  const row: SessionRow = {
    tenant: s.tenant,
    session_id: s.sessionId,
    call_id: s.callId,
    participant_id: s.participantId,
    version: s.version,
    state: s.state,
    end_reason: s.endReason,
    first_seen: toDateTime64(finiteOr(s.firstSeen, s.firstReceivedAt)),
    last_seen: toDateTime64(finiteOr(s.lastSeen, s.lastReceivedAt)),
    first_received_at: toDateTime64(s.firstReceivedAt),
    last_received_at: toDateTime64(s.lastReceivedAt),
    ...s.meta,
    pc_count: s.pcIds.length,
    pc_ids: s.pcIds,
    sample_count: s.sampleCount,
    event_count: s.eventCount,
    error_count: s.errorCount,
    batch_count: s.batchCount,
    dropped_samples: s.droppedSamples,
    dropped_events: s.droppedEvents,
    consent: s.consent,
    consent_batch_seq: Math.max(0, s.consentBatchSeq),
    sample_rate: s.sampleRate,
  };
  for (const figure of SESSION_FIGURES) {
    const f = s.figures[figure.name];
    row[`${figure.name}_avg`] = f && f.n > 0 ? f.sum / f.n : null;
    row[`${figure.name}_worst`] = f?.worst ?? null;
    row[`${figure.name}_n`] = f?.n ?? 0;
  }
  for (const total of SESSION_TOTALS) row[total.name] = s.totals[total.name] ?? 0;
  return row;
}
