import type { ClientMeta, ReportBatch, ReportEvent, Sample } from '@rtcpulse/schema';
import { KEEPALIVE_BODY_LIMIT, SDK_VERSION } from '../constants.js';
import { backoffDelay } from './backoff.js';
import { ReportQueue } from './report-queue.js';
import type { SendReport } from './send-report.js';

/** Identity stamped on every report of a session. */
export interface ReportIdentity {
  tenant: string;
  sessionId: string;
  callId: string;
  participantId: string;
  meta: ClientMeta;
}

export interface ReporterSettings {
  maxBatchSamples: number;
  maxQueue: number;
  maxAttempts: number;
  now: () => number;
  random: () => number;
}

/**
 * Turns queued samples and events into report batches and delivers them one
 * at a time. A batch that fails with a retryable outcome is kept as it is
 * (same `batchSeq`, so the collector can store it once) and retried after a
 * backoff; a final failure drops it and counts what was lost.
 */
export class Reporter {
  private readonly queue: ReportQueue;
  private pending: { batch: ReportBatch; attempts: number; notBefore: number } | undefined;
  private batchSeq = 0;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly identity: ReportIdentity,
    private readonly send: SendReport,
    private readonly settings: ReporterSettings,
  ) {
    this.queue = new ReportQueue(settings.maxQueue);
  }

  get waitingSamples(): number {
    return this.queue.sampleCount;
  }

  addSample(sample: Sample): void {
    this.queue.addSample(sample);
  }

  addEvent(event: ReportEvent): void {
    this.queue.addEvent(event);
  }

  /**
   * Sends what is waiting. With `keepalive` (page hiding) it sends everything
   * at once, ignoring backoff, because there may be no later chance.
   */
  flush(keepalive = false): Promise<void> {
    if (this.inFlight) return keepalive ? this.inFlight.then(() => this.flush(true)) : this.inFlight;
    this.inFlight = this.drain(keepalive).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async drain(keepalive: boolean): Promise<void> {
    for (let guard = 0; guard < 100; guard++) {
      if (!this.pending) {
        if (this.queue.isEmpty) return;
        this.pending = { batch: this.nextBatch(), attempts: 0, notBefore: 0 };
      }
      const pending = this.pending;
      if (!keepalive && pending.notBefore > this.settings.now()) return;
      pending.batch.sentAt = this.settings.now();
      const body = JSON.stringify(pending.batch);
      const outcome = await this.send(body, keepalive && body.length <= KEEPALIVE_BODY_LIMIT);
      if (outcome.ok) {
        this.pending = undefined;
        continue;
      }
      pending.attempts++;
      if (!outcome.retryable || pending.attempts >= this.settings.maxAttempts) {
        const { samples, events, dropped } = pending.batch;
        this.queue.countLost(samples.length + dropped.samples, events.length + dropped.events);
        this.pending = undefined;
        continue;
      }
      pending.notBefore =
        this.settings.now() + backoffDelay(pending.attempts, this.settings.random, outcome.retryAfterMs);
      return;
    }
  }

  private nextBatch(): ReportBatch {
    const { samples, events, dropped } = this.queue.take(this.settings.maxBatchSamples);
    return {
      v: 1,
      sdkVersion: SDK_VERSION,
      tenant: this.identity.tenant,
      sessionId: this.identity.sessionId,
      callId: this.identity.callId,
      participantId: this.identity.participantId,
      batchSeq: this.batchSeq++,
      sentAt: this.settings.now(),
      meta: this.identity.meta,
      dropped,
      samples,
      events,
    };
  }
}
