import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { StoreConfig } from './config.js';

type ChdbClientConnection = NonNullable<ClickHouseClientConfigOptions['connection']>;

/** Settings of one insert, written into its statement (nothing session-wide). */
export type InsertSettings = Readonly<Record<string, string | number>>;

/** Insert `TabSeparated` lines (newline-terminated) into `table`'s `columns`. */
export type TsvInsert = (table: string, columns: readonly string[], text: string, settings: InsertSettings) => Promise<void>;

/** A client and the fastest way it has to insert `TabSeparated` text. */
export interface StoreClient {
  readonly client: ClickHouseClient;
  readonly insertTsv: TsvInsert;
}

/** The part of chdb's connection extension used here: the raw insert that takes the payload as bytes. */
interface ChdbRawInsert {
  readonly chdb: {
    rawInsert(params: { table: string; columns: readonly string[]; format: 'TabSeparated'; values: Buffer; settings: InsertSettings }): Promise<unknown>;
  };
}

const settingLiteral = (value: string | number): string =>
  typeof value === 'number' ? String(value) : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * One `@clickhouse/client` for both backends: embedded chdb plugs in as the
 * client's connection, a server is reached over HTTP. Everything above this
 * function is backend-neutral.
 */
export function createClickHouseClient(config: StoreConfig): ClickHouseClient {
  return createStoreClient(config).client;
}

/**
 * {@link createClickHouseClient}, plus a `TabSeparated` insert: embedded, the
 * text goes to chdb as bytes (no copy into an SQL string); to a server, as
 * the body of an HTTP insert. Settings go into the statement either way.
 */
export function createStoreClient(config: StoreConfig): StoreClient {
  if (config.kind === 'embedded') {
    mkdirSync(config.dataDir, { recursive: true });
    const chdb = createChdbConnection({ path: config.dataDir });
    // chdb types its connection against @clickhouse/client-common 1.23.0, while
    // @clickhouse/client 1.23.1 bundles its own copy of those types whose
    // settings list differs slightly; the runtime contract is the same.
    const client = createClient({ connection: chdb as unknown as ChdbClientConnection });
    const raw = (chdb as unknown as ChdbRawInsert).chdb;
    const insertTsv: TsvInsert = async (table, columns, text, settings) => {
      await raw.rawInsert({ table, columns, format: 'TabSeparated', values: Buffer.from(text), settings });
    };
    return { client, insertTsv };
  }
  const client = serverClient(config);
  return { client, insertTsv: execInsert(client) };
}

function execInsert(client: ClickHouseClient): TsvInsert {
  return async (table, columns, text, settings) => {
    const clause = Object.entries(settings).map(([name, value]) => `${name} = ${settingLiteral(value)}`);
    await client.exec({
      query: `INSERT INTO ${table} (${columns.join(', ')})${clause.length > 0 ? ` SETTINGS ${clause.join(', ')}` : ''} FORMAT TabSeparated`,
      values: Readable.from([text]),
    });
  };
}

function serverClient(config: Extract<StoreConfig, { kind: 'server' }>): ClickHouseClient {
  return createClient({
    url: config.url,
    application: 'rtcpulse-collector',
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.database !== undefined ? { database: config.database } : {}),
  });
}
