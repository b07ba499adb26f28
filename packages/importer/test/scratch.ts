import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { answeringServer, type Answer, type AnsweringServer } from './answering-server.js';

/** What a test file gets from {@link scratchPerFile}. */
export interface Scratch {
  /** A path in the file's temporary directory. */
  path(name: string): string;
  /** A collector stand-in giving `answers`, closed after the test that started it. */
  serve(answers: Answer[]): Promise<AnsweringServer>;
}

/** One temporary directory per test file (removed after it), and answering servers closed after each test. */
export function scratchPerFile(prefix: string): Scratch {
  let dir = '';
  let server: AnsweringServer | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return {
    path: (name) => join(dir, name),
    async serve(answers) {
      server = await answeringServer(answers);
      return server;
    },
  };
}
