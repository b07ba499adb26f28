/** When a {@link Batcher} flushes. */
export interface BatcherOptions {
  /** Flush at least this often while items wait. */
  readonly flushIntervalMs: number;
  /** Flush as soon as this many items wait (and never hand more to one flush). */
  readonly maxItems: number;
  /**
   * While `busy()` says the stage behind the flushes is still working, a due
   * flush is held (so that it collects more items) until {@link Batcher.release}
   * is called or its oldest item has waited this long. 0 (default) never holds.
   */
  readonly maxHoldMs?: number;
  readonly busy?: () => boolean;
}

interface Waiting<T, R> {
  readonly item: T;
  readonly since: number;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces items into groups: a group is handed to `flush` every
 * `flushIntervalMs` (held up to `maxHoldMs` while the stage behind is busy),
 * or as soon as `maxItems` wait. Flushes run one at a time, in order; each
 * item's promise settles with its group's outcome.
 */
export class Batcher<T, R> {
  #waiting: Waiting<T, R>[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** A flush came due while another ran: start the next one right after it. */
  #dueAfterRun = false;
  /** A due flush is held while the stage behind is busy. */
  #held = false;

  constructor(
    readonly options: BatcherOptions,
    private readonly flush: (items: T[]) => Promise<R>,
  ) {}

  /** Items waiting for a flush (not counting a flush in progress). */
  get pending(): number {
    return this.#waiting.length;
  }

  /** Queue an item; settles once the flush that carried it settles. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, since: Date.now(), resolve, reject });
      if (this.#waiting.length >= this.options.maxItems) this.#kick();
      else this.#timer ??= setTimeout(() => this.#due(), this.options.flushIntervalMs);
    });
  }

  /** The stage behind is no longer busy: a held flush happens now. */
  release(): void {
    if (this.#held) this.#kick();
  }

  /** Flush everything that waits now, and resolve once those flushes settled. */
  async flushAll(): Promise<void> {
    while (this.#waiting.length > 0 || this.#running) {
      this.#kick();
      await this.#running;
    }
  }

  /** The flush interval has passed: flush, unless the stage behind is busy and the oldest item may wait longer. */
  #due(): void {
    this.#timer = undefined;
    const oldest = this.#waiting[0];
    const holdMs = this.options.maxHoldMs ?? 0;
    if (oldest && holdMs > 0 && this.options.busy?.()) {
      const left = oldest.since + holdMs - Date.now();
      if (left > 0) {
        this.#held = true;
        this.#timer = setTimeout(() => this.#kick(), left);
        return;
      }
    }
    this.#kick();
  }

  #kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = false;
    if (this.#running) {
      this.#dueAfterRun = true;
      return;
    }
    this.#dueAfterRun = false;
    if (this.#waiting.length === 0) return;
    const group = this.#waiting.splice(0, this.options.maxItems);
    this.#running = this.#run(group);
  }

  async #run(group: Waiting<T, R>[]): Promise<void> {
    try {
      const result = await this.flush(group.map((w) => w.item));
      for (const w of group) w.resolve(result);
    } catch (error) {
      for (const w of group) w.reject(error);
    } finally {
      this.#running = undefined;
      if (this.#dueAfterRun || this.#waiting.length >= this.options.maxItems) this.#kick();
      else if (this.#waiting.length > 0) this.#timer ??= setTimeout(() => this.#due(), this.options.flushIntervalMs);
    }
  }
}
