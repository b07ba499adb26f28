import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, readAuditRows, type CollectorApp } from '@rtcpulse/collector';
import { ServerReportError, createServerReporter, reportAudit } from '../src/index.js';

const TENANT = 'acme';
const EVENTS_KEY = 'acme-recorder-key-0123456789';
const ADMIN_KEY = 'acme-admin-console-key-0123456789';

let app: CollectorApp;
let dataDir: string;
let endpoint: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rtcpulse-sdk-audit-'));
  app = await buildApp({
    store: { kind: 'embedded', dataDir },
    security: {
      tenants: {
        tenants: [
          {
            id: TENANT,
            publicKeys: [],
            serverKeys: [
              { id: 'recorder', key: EVENTS_KEY, scopes: ['events'] },
              { id: 'admin-console', key: ADMIN_KEY, scopes: ['admin'] },
            ],
          },
        ],
      },
    },
  });
  endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('reportAudit against a real collector', () => {
  it('appends recording.access and admin.change to the audit log, once per event, the actor pseudonymised', async () => {
    const recorder = createServerReporter({ endpoint, serverKey: EVENTS_KEY });
    const access = await recorder.reportAudit({ action: 'recording.access', actor: 'jane@example.com', object: 'job-9', callId: 'room-42' });
    expect(access).toMatchObject({ rows: 1, attempts: 1, audit: [{ action: 'recording.access', actorKind: 'user', object: 'job-9', callId: 'room-42' }] });
    // The same event again (its eventId): nothing new.
    const again = await recorder.reportAudit({ action: 'recording.access', actor: 'jane@example.com', object: 'job-9', eventId: access.eventId, ts: access.audit[0]?.ts ?? 0 });
    expect(again).toMatchObject({ rows: 0, audit: [] });

    const change = await reportAudit({ endpoint, serverKey: ADMIN_KEY }, { action: 'admin.change', object: 'retention.days', reason: '30 -> 90' });
    expect(change.rows).toBe(1);

    const rows = await readAuditRows(app.store.client, TENANT);
    expect(rows.map((r) => [r.action, r.object])).toEqual([
      ['recording.access', 'job-9'],
      ['admin.change', 'retention.days'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('jane@example.com');
  });

  it('rejects admin.change from a key without the admin scope with a 403, at once', async () => {
    const error = await reportAudit({ endpoint, serverKey: EVENTS_KEY }, { action: 'admin.change', object: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerReportError);
    expect(error).toMatchObject({ status: 403, attempts: 1 });
  });
});
