import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleColumns, SAMPLE_LABELS } from '@rtcpulse/schema';
import { DEDUP_WINDOW_BLOCKS, type CollectorApp } from '../src/index.js';
import { samplesTable, tables as allTables } from '../src/store/ddl.js';
import { rollupTables, rollupViews } from '../src/store/rollups.js';
import { appOn, countsFor, makeBatch, removeDir, select, tempDataDir } from './fixtures.js';

let dataDir: string;
let app: CollectorApp | undefined;

beforeAll(async () => {
  dataDir = await tempDataDir();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(async () => {
  await removeDir(dataDir);
});

async function restart(): Promise<CollectorApp> {
  await app?.close();
  app = await appOn(dataDir);
  return app;
}

async function samplesColumns(current: CollectorApp): Promise<string[]> {
  const rows = await select<{ name: string }>(
    current,
    `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'samples' ORDER BY position`,
  );
  return rows.map((r) => r.name);
}

describe('migrations', () => {
  it('create every registry column once, with deduplication on', async () => {
    const current = await restart();
    const columns = await samplesColumns(current);
    expect(columns).toEqual(samplesTable().columns.map((c) => c.name));
    for (const c of sampleColumns()) expect(columns).toContain(c.column);
    for (const label of SAMPLE_LABELS) expect(columns).toContain(label.key);
    const tables = await select<{ name: string; engine_full: string }>(
      current,
      `SELECT name, engine_full FROM system.tables
       WHERE database = currentDatabase() AND engine LIKE '%MergeTree' ORDER BY name`,
    );
    const expected = [...allTables(), ...rollupTables()].map((t) => t.name).sort();
    expect(tables.map((t) => t.name)).toEqual(expected);
    for (const t of tables) expect(t.engine_full).toContain(`non_replicated_deduplication_window = ${DEDUP_WINDOW_BLOCKS}`);
    const views = await select<{ name: string }>(
      current,
      `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name`,
    );
    expect(views.map((v) => v.name)).toEqual(rollupViews().map((v) => v.name).sort());
  });

  it('are idempotent across restarts on the same directory, and keep the data', async () => {
    let current = await restart();
    expect((await current.inject({ method: 'POST', url: '/v1/reports?key=acme-public-key', payload: makeBatch({ sessionId: 'kept' }) })).statusCode).toBe(202);
    // A migration of an up-to-date store reports the server's version and nothing done.
    expect(await current.store.migrate()).toEqual({ version: expect.stringMatching(/^\d+\.\d+/), created: false, applied: [], droppedViews: [], ttlChanges: [] });
    current = await restart();
    current = await restart();
    expect(await countsFor(current, 'kept')).toEqual({ samples: 10, events: 6, batches: 1 });
    expect(await samplesColumns(current)).toEqual(samplesTable().columns.map((c) => c.name));
  });

  it('rewrite no table metadata on a start that changes nothing (a no-op ALTER would, and a full disk then leaves it empty)', async () => {
    await restart();
    const metadata = (): Map<string, number> => {
      const files = new Map<string, number>();
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else if (entry.name.endsWith('.sql')) files.set(path, statSync(path).mtimeMs);
        }
      };
      walk(join(dataDir, 'store'));
      return files;
    };
    const before = metadata();
    expect(before.size).toBeGreaterThanOrEqual(allTables().length);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await restart();
    expect(metadata()).toEqual(before);
  });

  it('still drop a retry of a batch stored before the restart', async () => {
    let current = await restart();
    const batch = makeBatch({ sessionId: 'retry-after-restart' });
    expect((await current.inject({ method: 'POST', url: '/v1/reports?key=acme-public-key', payload: batch })).statusCode).toBe(202);
    current = await restart();
    expect((await current.inject({ method: 'POST', url: '/v1/reports?key=acme-public-key', payload: batch })).statusCode).toBe(202);
    expect(await countsFor(current, 'retry-after-restart')).toEqual({ samples: 10, events: 6, batches: 1 });
  });

  it('add a column the registry gained since the table was created', async () => {
    let current = await restart();
    const before = makeBatch({ sessionId: 'before-new-column' });
    expect((await current.inject({ method: 'POST', url: '/v1/reports?key=acme-public-key', payload: before })).statusCode).toBe(202);
    // Stand-in for an older table: remove a registry column, as if the metric were new.
    await current.store.client.command({ query: 'ALTER TABLE samples DROP COLUMN video_in_freeze_count' });
    expect(await samplesColumns(current)).not.toContain('video_in_freeze_count');

    current = await restart();
    expect(await samplesColumns(current)).toContain('video_in_freeze_count');
    const [old] = await select<{ v: number | null }>(
      current,
      `SELECT video_in_freeze_count AS v FROM samples WHERE session_id = 'before-new-column' AND pc_id = 'pc-a' AND seq = 3`,
    );
    expect(old).toEqual({ v: null });
    expect((await current.inject({ method: 'POST', url: '/v1/reports?key=acme-public-key', payload: makeBatch({ sessionId: 'after' }) })).statusCode).toBe(202);
    const [fresh] = await select<{ v: number | null }>(
      current,
      `SELECT video_in_freeze_count AS v FROM samples WHERE session_id = 'after' AND pc_id = 'pc-a' AND seq = 3`,
    );
    expect(fresh).toEqual({ v: 1 });
  });
});
