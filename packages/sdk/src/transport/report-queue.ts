import type { ReportEvent, Sample } from '@rtcpulse/schema';

/**
 * Samples and events waiting to be sent. Bounded: when full, the oldest
 * item is dropped and counted, and the counts travel in the next report.
 */
export class ReportQueue {
  private samples: Sample[] = [];
  private events: ReportEvent[] = [];
  private droppedSamples = 0;
  private droppedEvents = 0;

  constructor(private readonly capacity: number) {}

  get sampleCount(): number {
    return this.samples.length;
  }

  get isEmpty(): boolean {
    return this.samples.length === 0 && this.events.length === 0;
  }

  addSample(sample: Sample): void {
    this.samples.push(sample);
    if (this.samples.length > this.capacity) {
      this.samples.shift();
      this.droppedSamples++;
    }
  }

  addEvent(event: ReportEvent): void {
    this.events.push(event);
    if (this.events.length > this.capacity) {
      this.events.shift();
      this.droppedEvents++;
    }
  }

  /** Removes up to `maxSamples` samples and every waiting event, with the drop counts so far. */
  take(maxSamples: number): { samples: Sample[]; events: ReportEvent[]; dropped: { samples: number; events: number } } {
    const samples = this.samples.splice(0, maxSamples);
    const events = this.events;
    this.events = [];
    const dropped = { samples: this.droppedSamples, events: this.droppedEvents };
    this.droppedSamples = 0;
    this.droppedEvents = 0;
    return { samples, events, dropped };
  }

  /** Counts a whole report that could not be delivered and was given up. */
  countLost(samples: number, events: number): void {
    this.droppedSamples += samples;
    this.droppedEvents += events;
  }
}
