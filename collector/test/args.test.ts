import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, DEFAULT_PORT, parseServerArgs } from '../src/cli/args.js';
import { DEFAULT_DATA_DIR, storeConfigFromEnv } from '../src/store/config.js';

describe('server arguments and store configuration', () => {
  it('uses flags, then PORT/HOST, then defaults', () => {
    expect(parseServerArgs([], {})).toEqual({ port: DEFAULT_PORT, host: DEFAULT_HOST, demo: false });
    expect(parseServerArgs([], { PORT: '5000', HOST: '0.0.0.0' })).toMatchObject({ port: 5000, host: '0.0.0.0' });
    expect(parseServerArgs(['--port', '4399', '--data-dir', '/tmp/x', '--demo'], { PORT: '5000' })).toEqual({
      port: 4399,
      host: DEFAULT_HOST,
      dataDir: '/tmp/x',
      demo: true,
    });
  });

  it('refuses bad ports and unknown flags', () => {
    expect(() => parseServerArgs(['--port', 'http'], {})).toThrow(/invalid port/);
    expect(() => parseServerArgs(['--port', '70000'], {})).toThrow(/invalid port/);
    expect(() => parseServerArgs(['--verbose'], {})).toThrow();
  });

  it('chooses embedded ClickHouse unless CLICKHOUSE_URL is set', () => {
    expect(storeConfigFromEnv({}, { cwd: '/srv/app' })).toEqual({
      kind: 'embedded',
      dataDir: `/srv/app/${DEFAULT_DATA_DIR}`,
    });
    expect(storeConfigFromEnv({}, { cwd: '/srv/app', dataDir: 'db' })).toEqual({ kind: 'embedded', dataDir: '/srv/app/db' });
    expect(
      storeConfigFromEnv({
        CLICKHOUSE_URL: 'https://ch.example.test:8443',
        CLICKHOUSE_USER: 'rtc',
        CLICKHOUSE_PASSWORD: 'secret',
        CLICKHOUSE_DATABASE: 'rtcpulse',
      }),
    ).toEqual({
      kind: 'server',
      url: 'https://ch.example.test:8443',
      username: 'rtc',
      password: 'secret',
      database: 'rtcpulse',
    });
  });
});
