import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorApp } from '../src/index.js';
import { resolveInside } from '../src/plugins/static-dir.js';
import { appOn, removeDir, tempDataDir } from './fixtures.js';

let app: CollectorApp;
let root: string;

beforeAll(async () => {
  root = await tempDataDir();
  const demoDir = join(root, 'demo');
  await mkdir(join(demoDir, 'assets'), { recursive: true });
  await writeFile(join(demoDir, 'index.html'), '<!doctype html><title>demo</title>');
  await writeFile(join(demoDir, 'assets', 'style.css'), 'body{}');
  await writeFile(join(root, 'secret.txt'), 'do not serve');
  const sdkDir = join(root, 'sdk');
  await mkdir(sdkDir);
  await writeFile(join(sdkDir, 'rtcpulse.js'), 'export {};');
  await writeFile(join(sdkDir, 'rtcpulse.js.map'), '{}');
  app = await appOn(join(root, 'store'), { demoDir, sdkDir });
});
afterAll(async () => {
  await app.close();
  await removeDir(root);
});

describe('demo and SDK files', () => {
  it.each([
    ['/demo/', 'text/html; charset=utf-8'],
    ['/demo/index.html', 'text/html; charset=utf-8'],
    ['/demo/assets/style.css', 'text/css; charset=utf-8'],
    ['/sdk/rtcpulse.js', 'text/javascript; charset=utf-8'],
    ['/sdk/rtcpulse.js.map', 'application/json; charset=utf-8'],
  ])('serves %s as %s', async (url, type) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lets pages on any origin load the SDK (a module from another origin needs CORS), not the demo', async () => {
    const sdk = await app.inject({ url: '/sdk/rtcpulse.js', headers: { origin: 'https://app.example' } });
    expect(sdk.headers['access-control-allow-origin']).toBe('*');
    expect(sdk.headers['access-control-allow-credentials']).toBeUndefined();
    const demo = await app.inject({ url: '/demo/index.html', headers: { origin: 'https://app.example' } });
    expect(demo.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('redirects /demo to /demo/', async () => {
    const response = await app.inject({ url: '/demo' });
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe('/demo/');
  });

  it.each(['/demo/missing.js', '/demo/assets', '/demo/../secret.txt', '/demo/..%2fsecret.txt', '/demo/%2e%2e/secret.txt', '/sdk/..%2f..%2fsecret.txt'])(
    'answers 404 for %s',
    async (url) => {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('do not serve');
    },
  );

  it('resolves only paths inside the root', () => {
    expect(resolveInside('/srv/demo', 'a/b.js')).toBe('/srv/demo/a/b.js');
    expect(resolveInside('/srv/demo', '')).toBe('/srv/demo/index.html');
    expect(resolveInside('/srv/demo', 'sub/')).toBe('/srv/demo/sub/index.html');
    expect(resolveInside('/srv/demo', '/etc/passwd')).toBe('/srv/demo/etc/passwd');
    expect(resolveInside('/srv/demo', '../x')).toBeUndefined();
    expect(resolveInside('/srv/demo', 'a/../../x')).toBeUndefined();
    expect(resolveInside('/srv/demo', 'a\\..\\..\\x')).toBeUndefined();
    expect(resolveInside('/srv/demo', 'a\0b')).toBeUndefined();
  });
});
