import { REPORT_VERSION, type ClientMeta, type ReportBatch, type ReportEvent, type Sample } from '@rtcpulse/schema';

/** The identity every batch of one import carries. */
export interface ImportIdentity {
  tenant: string;
  sessionId: string;
  callId: string;
  participantId: string;
}

/** The `sdkVersion` imported batches carry, so imported sessions can be told apart from live ones. */
export const IMPORTER_VERSION = 'importer-0.1.0';

/** The schema allows 600 samples and 1000 events per batch; the importer stays well below. */
export const DEFAULT_BATCH_SAMPLES = 300;
const MAX_BATCH_EVENTS = 800;

/**
 * Collects replayed samples and events into report batches with
 * consecutive `batchSeq` numbers from `firstSeq`. `full` tells the driver to take a batch.
 */
export class Batcher {
  private samples: Sample[] = [];
  private events: ReportEvent[] = [];
  private seq: number;

  /** `firstSeq`: the first batch's `batchSeq`. */
  constructor(
    private readonly identity: ImportIdentity,
    private readonly meta: () => ClientMeta,
    private readonly batchSamples = DEFAULT_BATCH_SAMPLES,
    private readonly now: () => number = Date.now,
    firstSeq = 0,
  ) {
    this.seq = firstSeq;
  }

  addSample(sample: Sample): void {
    this.samples.push(sample);
  }

  addEvent(event: ReportEvent): void {
    this.events.push(event);
  }

  /** True when a batch should be taken now. */
  get full(): boolean {
    return this.samples.length >= this.batchSamples || this.events.length >= MAX_BATCH_EVENTS;
  }

  /** True when anything waits. */
  get pending(): boolean {
    return this.samples.length > 0 || this.events.length > 0;
  }

  /** Takes everything waiting (up to the limits) as the next batch. */
  take(): ReportBatch {
    const samples = this.samples.splice(0, this.batchSamples);
    const events = this.events.splice(0, MAX_BATCH_EVENTS);
    return {
      v: REPORT_VERSION,
      sdkVersion: IMPORTER_VERSION,
      ...this.identity,
      batchSeq: this.seq++,
      sentAt: this.now(),
      meta: this.meta(),
      dropped: { samples: 0, events: 0 },
      samples,
      events,
    };
  }
}
