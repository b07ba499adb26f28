import type { ClickHouseClient } from '@clickhouse/client';
import type { SessionSummary } from './session-summary.js';
import { sessionKey } from './session-summary.js';
import { SESSION_FIGURES, SESSION_TOTALS } from './sessions-table.js';

/** Default number of session summaries kept in memory. */
export const DEFAULT_SESSION_CACHE_SIZE = 50_000;

type Stored = Record<string, string | number | null | string[]>;

const num = (value: unknown): number => Number(value ?? 0);

/** Consent of a stored row; rows written before the column existed hold '' and count as never reported. */
function storedConsent(row: Stored): Pick<SessionSummary, 'consent' | 'consentBatchSeq'> {
  const consent = String(row.consent ?? '');
  return consent === '' ? { consent: 'unknown', consentBatchSeq: -1 } : { consent, consentBatchSeq: num(row.consent_batch_seq) };
}

function fromRow(row: Stored): SessionSummary {
  const figures: SessionSummary['figures'] = {};
  for (const f of SESSION_FIGURES) {
    const n = num(row[`${f.name}_n`]);
    const avg = row[`${f.name}_avg`];
    const worst = row[`${f.name}_worst`];
    figures[f.name] = { n, sum: avg === null ? 0 : num(avg) * n, worst: worst === null ? null : num(worst) };
  }
  const meta: Record<string, string> = {};
  for (const key of ['sdk_version', 'browser', 'browser_version', 'os', 'region', 'topology']) meta[key] = String(row[key] ?? '');
  const pcIds = Array.isArray(row.pc_ids) ? row.pc_ids.map(String) : [];
  return {
    tenant: String(row.tenant),
    sessionId: String(row.session_id),
    callId: String(row.call_id),
    participantId: String(row.participant_id),
    version: num(row.version),
    state: row.state === 'ended' ? 'ended' : 'active',
    endReason: String(row.end_reason ?? ''),
    firstSeen: num(row.first_seen_ms),
    lastSeen: num(row.last_seen_ms),
    firstReceivedAt: num(row.first_received_at_ms),
    lastReceivedAt: num(row.last_received_at_ms),
    meta,
    // `pc_count` is not read back: it is the listed ids' number, so rows written when it was inflated are mended at their next update.
    pcIds,
    sampleCount: num(row.sample_count),
    eventCount: num(row.event_count),
    errorCount: num(row.error_count),
    batchCount: num(row.batch_count),
    droppedSamples: num(row.dropped_samples),
    droppedEvents: num(row.dropped_events),
    ...storedConsent(row),
    sampleRate: row.sample_rate === null || row.sample_rate === undefined ? null : num(row.sample_rate),
    figures,
    totals: Object.fromEntries(SESSION_TOTALS.map((t) => [t.name, num(row[t.name])])),
  };
}

/** Read the stored summaries of some sessions (latest version of each). */
export async function loadSummaries(
  client: ClickHouseClient,
  sessions: readonly { tenant: string; sessionId: string }[],
): Promise<Map<string, SessionSummary>> {
  const found = new Map<string, SessionSummary>();
  if (sessions.length === 0) return found;
  const wanted = new Set(sessions.map((s) => sessionKey(s.tenant, s.sessionId)));
  const times = ['first_seen', 'last_seen', 'first_received_at', 'last_received_at'];
  const result = await client.query({
    query: `SELECT * EXCEPT (${times.join(', ')}), ${times.map((t) => `toUnixTimestamp64Milli(${t}) AS ${t}_ms`).join(', ')}
            FROM sessions FINAL
            WHERE tenant IN {tenants:Array(String)} AND session_id IN {ids:Array(String)}`,
    query_params: {
      tenants: [...new Set(sessions.map((s) => s.tenant))],
      ids: [...new Set(sessions.map((s) => s.sessionId))],
    },
    format: 'JSONEachRow',
  });
  for (const row of await result.json<Stored>()) {
    const summary = fromRow(row);
    const key = sessionKey(summary.tenant, summary.sessionId);
    if (wanted.has(key)) found.set(key, summary);
  }
  return found;
}

/** A bounded map of recently updated session summaries, least recently used evicted first. */
export class SessionCache {
  readonly #entries = new Map<string, SessionSummary>();

  constructor(readonly maxEntries = DEFAULT_SESSION_CACHE_SIZE) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): SessionSummary | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, summary: SessionSummary): void {
    this.#entries.delete(key);
    this.#entries.set(key, summary);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Forget a finished session's summary (it is in ClickHouse and no more reports are expected). */
  delete(key: string): void {
    this.#entries.delete(key);
  }
}
