/** When a {@link Batcher} flushes. */
export interface BatcherOptions {
  /** Flush at least this often while items wait. */
  readonly flushIntervalMs: number;
  /** Flush as soon as this many items wait (and never hand more to one flush). */
  readonly maxItems: number;
}

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces items into groups: a group is handed to `flush` every
 * `flushIntervalMs`, or as soon as `maxItems` wait. Flushes run one at a
 * time, in order; each item's promise settles with its group's outcome.
 */
export class Batcher<T, R> {
  #waiting: Waiting<T, R>[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** A flush came due while another ran: start the next one right after it. */
  #due = false;

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
      this.#waiting.push({ item, resolve, reject });
      if (this.#waiting.length >= this.options.maxItems) this.#kick();
      else this.#timer ??= setTimeout(() => this.#kick(), this.options.flushIntervalMs);
    });
  }

  /** Flush everything that waits now, and resolve once those flushes settled. */
  async flushAll(): Promise<void> {
    while (this.#waiting.length > 0 || this.#running) {
      this.#kick();
      await this.#running;
    }
  }

  #kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running) {
      this.#due = true;
      return;
    }
    this.#due = false;
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
      if (this.#due || this.#waiting.length >= this.options.maxItems) this.#kick();
      else if (this.#waiting.length > 0) this.#timer ??= setTimeout(() => this.#kick(), this.options.flushIntervalMs);
    }
  }
}
