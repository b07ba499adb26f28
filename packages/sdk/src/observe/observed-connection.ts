import type { ReportEvent, Sample } from '@rtcpulse/schema';
import { extractSample, toSnapshot, type StatsSnapshot } from '../extract/index.js';
import { watchConnectionEvents } from './connection-events.js';

/** What an observed connection reports to. */
export interface ConnectionSink {
  sample(sample: Sample): void;
  event(event: ReportEvent): void;
  error(error: unknown): void;
  now(): number;
}

/**
 * One observed RTCPeerConnection: its id, its per-connection sample
 * sequence, the previous stats snapshot the next deltas are taken against,
 * and its event listeners.
 */
export class ObservedConnection {
  private seq = 0;
  private previous: StatsSnapshot | undefined;
  private sampling = false;
  private readonly stopEvents: () => void;
  private closedReported = false;

  constructor(
    readonly pc: RTCPeerConnection,
    readonly id: string,
    private readonly sink: ConnectionSink,
  ) {
    this.sink.event({ pc: id, ts: sink.now(), type: 'pc.added' });
    this.stopEvents = watchConnectionEvents(
      pc,
      (event) => {
        this.sink.event({ ...event, pc: id, ts: sink.now() });
        if (event.type === 'connection.state' && event.state === 'closed') this.reportClosed();
      },
      sink.now,
    );
  }

  /** Takes one sample. Overlapping calls are skipped rather than queued. */
  async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const report = await this.pc.getStats();
      const current = toSnapshot(report);
      const body = extractSample(this.previous, current);
      this.previous = current;
      this.sink.sample({ ...body, pc: this.id, seq: this.seq++ });
    } catch (error) {
      this.sink.error(error);
    } finally {
      this.sampling = false;
    }
  }

  get isClosed(): boolean {
    return this.pc.connectionState === 'closed' || this.pc.signalingState === 'closed';
  }

  /** Stops listening; reports `pc.closed` once if the connection has closed. */
  dispose(): void {
    this.stopEvents();
    if (this.isClosed) this.reportClosed();
  }

  private reportClosed(): void {
    if (this.closedReported) return;
    this.closedReported = true;
    this.sink.event({ pc: this.id, ts: this.sink.now(), type: 'pc.closed' });
  }
}
