/** Options of {@link RateLimitedQueue}. */
export interface RateLimitOptions {
  rateKbps: number;
  /** Queue length in milliseconds at the rate; packets that do not fit are dropped (tail drop). */
  queueMs: number;
  /** Clock in milliseconds (injectable for tests). */
  now?: () => number;
}

/**
 * A bandwidth cap: a token bucket refilled at `rateKbps` with a burst of
 * 10 ms worth of bytes (at least one full-size packet), in front of it a
 * FIFO queue bounded to `queueMs` of traffic. `offer` either queues the
 * packet (its `send` runs when tokens allow) or refuses it.
 */
export class RateLimitedQueue {
  private readonly bytesPerMs: number;
  private readonly burstBytes: number;
  private readonly queueLimitBytes: number;
  private readonly now: () => number;
  private readonly queue: Array<{ bytes: number; send: () => void }> = [];
  private queuedBytes = 0;
  private tokens: number;
  private lastRefill: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(options: RateLimitOptions) {
    this.bytesPerMs = (options.rateKbps * 1000) / 8 / 1000;
    this.burstBytes = Math.max(1500, this.bytesPerMs * 10);
    this.queueLimitBytes = Math.max(1500, this.bytesPerMs * options.queueMs);
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.burstBytes;
    this.lastRefill = this.now();
  }

  /** Queues a packet; returns false (and drops it) when the queue is full. */
  offer(bytes: number, send: () => void): boolean {
    if (this.closed) return false;
    if (this.queuedBytes + bytes > this.queueLimitBytes) return false;
    this.queue.push({ bytes, send });
    this.queuedBytes += bytes;
    this.pump();
    return true;
  }

  /** Stops releasing; queued packets are discarded. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burstBytes, this.tokens + (t - this.lastRefill) * this.bytesPerMs);
    this.lastRefill = t;
  }

  private pump(): void {
    if (this.timer !== undefined || this.closed) return;
    this.refill();
    let head = this.queue[0];
    while (head !== undefined && this.tokens >= head.bytes) {
      this.queue.shift();
      this.queuedBytes -= head.bytes;
      this.tokens -= head.bytes;
      head.send();
      head = this.queue[0];
    }
    if (head === undefined) return;
    const waitMs = Math.max(1, Math.ceil((head.bytes - this.tokens) / this.bytesPerMs));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, waitMs);
  }
}
