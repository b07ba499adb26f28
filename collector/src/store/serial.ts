/** Runs async tasks one after another, in call order; a failed task does not stop later ones. */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Create a {@link SerialQueue}. */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
