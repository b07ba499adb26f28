import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStoreSql } from '../src/cli/store-sql.js';
import { buildApp } from '../src/index.js';
import { TEST_TENANTS, makeBatch, postBatch, removeDir, tempDataDir } from './fixtures.js';

/**
 * `npm run store:sql` on the embedded store once the collector is stopped:
 * a table's retention can be read, and one participant's rows erased, as the
 * README describes.
 */

let dataDir: string;

async function sql(statement: string): Promise<string> {
  const lines: string[] = [];
  expect(await runStoreSql(['--data-dir', dataDir, statement], {}, { log: (l) => lines.push(l) })).toBe(0);
  return lines.join('\n');
}

beforeAll(async () => {
  dataDir = await tempDataDir();
  const app = await buildApp({ store: { kind: 'embedded', dataDir, schema: { ttlDays: { samples: 30 } } }, security: { tenants: TEST_TENANTS } });
  for (const sessionId of ['erase-me', 'keep-me']) expect((await postBatch(app, makeBatch({ sessionId }))).statusCode).toBe(202);
  await app.close();
});
afterAll(async () => {
  await removeDir(dataDir);
});

describe('store:sql', () => {
  it("shows a table's retention", async () => {
    const shown = await sql('SHOW CREATE TABLE samples');
    expect(shown).toMatch(/TTL toDateTime\(received_at\) \+ toIntervalDay\(30\)/);
    // Printed as ClickHouse wrote it, one column per line, not as one escaped line.
    expect(shown).toMatch(/^statement\nCREATE TABLE default\.samples\n\(\n/);
  });

  it("erases one session's rows, waiting until the mutation is done, and leaves the others", async () => {
    const counts = 'SELECT session_id, count() AS n FROM samples GROUP BY session_id ORDER BY session_id';
    expect(await sql(counts)).toBe('session_id\tn\nerase-me\t10\nkeep-me\t10');
    expect(await sql("ALTER TABLE samples DELETE WHERE session_id = 'erase-me'")).toBe('ok');
    expect(await sql(counts)).toBe('session_id\tn\nkeep-me\t10');
  });

  it('reads a statement that starts with comments or a bracket as a read', async () => {
    expect(await sql("/* count */ -- rows\n(SELECT count() AS n FROM samples WHERE session_id = 'keep-me')")).toBe('n\n10');
  });

  it('refuses a change while the spool still holds records the next start would insert after it', async () => {
    const spool = join(dataDir, 'rtcpulse-spool');
    await mkdir(spool, { recursive: true });
    await writeFile(join(spool, '00000000000000000042.rec'), 'a record');
    try {
      await expect(runStoreSql(['--data-dir', dataDir, "ALTER TABLE samples DELETE WHERE session_id = 'keep-me'"], {}, { log: () => undefined })).rejects.toThrow(
        /^the spool \(.*rtcpulse-spool\) still holds 1 record\(s\) the next start of the collector inserts, after this statement/,
      );
      expect(await sql('SELECT count() AS n FROM samples')).toBe('n\n10');
    } finally {
      await rm(join(spool, '00000000000000000042.rec'));
    }
  });

  it('says to leave out a FORMAT clause (it was a bare "Syntax error"), and leaves a column named format alone', async () => {
    for (const statement of ['SELECT count() AS n FROM samples FORMAT JSON', 'SELECT 1 AS n FORMAT CSV SETTINGS max_threads = 1', 'SELECT 1 FORMAT JSON -- rows']) {
      await expect(runStoreSql(['--data-dir', dataDir, statement], {}, { log: () => undefined }), statement).rejects.toThrow(
        /Syntax error[\s\S]*\nstore:sql prints the rows itself \(tab-separated, with a header line\): leave out any FORMAT clause$/,
      );
    }
    expect(await sql("SELECT 'FORMAT JSON' AS format")).toBe('format\nFORMAT JSON');
    expect(await sql("SELECT session_id AS format FROM samples GROUP BY format ORDER BY format DESC")).toBe('format\nkeep-me');
    expect(await sql('SELECT 1 AS n -- FORMAT CSV')).toBe('n\n1');
  });

  it('wants exactly one statement', async () => {
    await expect(runStoreSql(['--data-dir', dataDir], {}, { log: () => undefined })).rejects.toThrow(/give one SQL statement, quoted/);
  });
});
