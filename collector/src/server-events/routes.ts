import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  NodeReportSchema,
  RecordingEventSchema,
  SfuReportSchema,
  TurnReportSchema,
  type NodeReport,
  type RecordingEvent,
  type SfuReport,
  type TurnReport,
} from '@rtcpulse/schema';
import { Type } from '@sinclair/typebox';
import { auditRecordOfRecording } from '../audit/from-server.js';
import { CollectorError, ErrorResponseSchema } from '../errors.js';
import { RecentReports } from '../ingest/recent-reports.js';
import { SERVER_AUDIT_ANY_SCOPE, SERVER_AUDIT_PATH, serverAuditRoute, serverRequestSource } from './audit-route.js';
import type { ServerEventsConfig } from './config.js';
import { costBreakdown } from './cost.js';
import { createServerMetrics } from './metrics.js';
import { CostResponseSchema, RecordingOutcomesResponseSchema } from './responses.js';
import { queryEgressByLayer, queryRecordingOutcomes, queryUsage, type ServerRange } from './queries.js';
import { nodeReportRows, recordingRows, sfuRows, turnRows, type ServerEventRow } from './rows.js';

/** Options of {@link serverEventsRoutes}. */
export interface ServerEventsPluginOptions {
  config: ServerEventsConfig;
}

/** Answer to an accepted server report: rows written to `server_events`. */
export const ServerAcceptedSchema = Type.Object({ accepted: Type.Object({ rows: Type.Integer() }) });

/** Answer to an accepted recording event: also the audit rows appended (0 when a retry finds its row there). */
export const RecordingAcceptedSchema = Type.Object({ accepted: Type.Object({ rows: Type.Integer(), audit: Type.Integer() }) });

/** Latest instant a `DateTime64(3)` column holds. */
const MAX_STORABLE_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

/** Server reports remembered to recognise a retry (~100 bytes each). */
const RECENT_SERVER_REPORTS = 10_000;

const RangeQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 0, maximum: MAX_STORABLE_MS }),
    to: Type.Integer({ minimum: 0, maximum: MAX_STORABLE_MS }),
  },
  { additionalProperties: false },
);

const responses = { '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema };

/**
 * The server events API under `/v1/server`: SFU, TURN, recording and node
 * reports (`POST`, `Authorization: Bearer <server key>`, checked before the
 * body is read), stored in `server_events` and recorded as OpenTelemetry
 * metrics; plus the cost and recording queries (`GET`). Needs the store and
 * telemetry plugins. Recording events and `POST /v1/server/audit` (see
 * `serverAuditRoute`) are also appended to the audit log before the 202.
 */
export const serverEventsRoutes: FastifyPluginAsyncTypebox<ServerEventsPluginOptions> = async (fastify, options) => {
  const { pricing } = options.config;
  const metrics = createServerMetrics(fastify.telemetry, () => pricing);

  // The tenancy plugin's server-key check (audited refusals, a rate limit per key): reports need the
  // `events` scope; the cost and recording queries are read routes, open to `read` keys as well. The audit
  // route lets `events` and `admin` keys in, then checks the scope of the action its body names.
  const requireEventsKey = fastify.serverKeyHook('events');
  const requireReadKey = fastify.serverKeyHook(['read', 'events']);
  const requireAuditKey = fastify.serverKeyHook(SERVER_AUDIT_ANY_SCOPE);
  const auditUrl = `${fastify.prefix}${SERVER_AUDIT_PATH}`;
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return requireReadKey(request, reply);
    return (request.routeOptions.url === auditUrl ? requireAuditKey : requireEventsKey)(request, reply);
  });
  // Every read and write is scoped to the tenant of the key the hook above accepted.
  const tenantOf = (request: FastifyRequest): string => {
    if (!request.serverGrant) throw new Error('the server key check passed without a grant');
    return request.serverGrant.tenant;
  };

  // Tokens of reports stored lately: a retry is stored once by ClickHouse and must count once on /metrics.
  const recentTokens = new RecentReports(RECENT_SERVER_REPORTS);
  // Inserts under way, by token: the same report posted twice at once waits for the first, then counts as its retry.
  const inFlight = new Map<string, Promise<unknown>>();
  /**
   * Store a report's rows; `retry` when the same report was stored lately
   * (the caller records its metrics only when it is not, right after this
   * resolves: before anything else that may fail).
   */
  const store = async (tenant: string, path: string, body: { ts: number }, rows: ServerEventRow[]): Promise<{ rows: number; retry: boolean }> => {
    if (!(body.ts <= MAX_STORABLE_MS)) {
      throw new CollectorError(400, 'RTCPULSE_TIMESTAMP_RANGE', 'body/ts must be a time between 1970 and 2299');
    }
    // The same report posted again (a retry) carries the same token and is stored once.
    const token = createHash('sha256').update(JSON.stringify([tenant, path, body])).digest('hex');
    for (let earlier = inFlight.get(token); earlier; earlier = inFlight.get(token)) await earlier.catch(() => undefined);
    const retry = recentTokens.has(token);
    const insert = fastify.store.client.insert({
      table: 'server_events',
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: token },
    });
    inFlight.set(token, insert);
    try {
      await insert;
    } finally {
      inFlight.delete(token);
    }
    recentTokens.add(token);
    return { rows: rows.length, retry };
  };

  const accepted = { 202: ServerAcceptedSchema, ...responses };

  /** The request's range under its key's tenant; an empty or reversed range is a mistake, not zero usage. */
  const rangeOf = (request: FastifyRequest, query: { from: number; to: number }): ServerRange => {
    const { from, to } = query;
    if (!(from < to)) throw new CollectorError(400, 'RTCPULSE_RANGE', `querystring/from (${from}) must be before querystring/to (${to})`);
    return { tenant: tenantOf(request), from, to };
  };

  fastify.post('/sfu', { schema: { body: SfuReportSchema, response: accepted } }, async (request, reply) => {
    const tenant = tenantOf(request);
    const report = request.body as SfuReport;
    const { rows, retry } = await store(tenant, 'sfu', report, sfuRows(tenant, report, new Date()));
    if (!retry) metrics.sfu(tenant, report);
    return reply.code(202).send({ accepted: { rows } });
  });

  fastify.post('/turn', { schema: { body: TurnReportSchema, response: accepted } }, async (request, reply) => {
    const tenant = tenantOf(request);
    const report = request.body as TurnReport;
    const { rows, retry } = await store(tenant, 'turn', report, turnRows(tenant, report, new Date()));
    if (!retry) metrics.turn(tenant, report);
    return reply.code(202).send({ accepted: { rows } });
  });

  // The job's state is also audited (recording.start / recording.stop), durably before the 202; a retry appends nothing.
  const recordingSchema = { body: RecordingEventSchema, response: { 202: RecordingAcceptedSchema, ...responses } };
  fastify.post('/recordings', { schema: recordingSchema }, async (request, reply) => {
    const tenant = tenantOf(request);
    const event = request.body as RecordingEvent;
    const { rows, retry } = await store(tenant, 'recordings', event, recordingRows(tenant, event, new Date()));
    // Counted once stored: a failed audit append below answers 5xx, and its retry finds the rows already there.
    if (!retry) metrics.recording(tenant, event);
    const audit = await fastify.audit.append([auditRecordOfRecording(event, serverRequestSource(request))]);
    return reply.code(202).send({ accepted: { rows, audit: audit.length } });
  });

  fastify.post('/node', { schema: { body: NodeReportSchema, response: accepted } }, async (request, reply) => {
    const tenant = tenantOf(request);
    const report = request.body as NodeReport;
    const { rows, retry } = await store(tenant, 'node', report, nodeReportRows(tenant, report, new Date()));
    if (!retry) metrics.node(tenant, report.service, report.nodeId, report.region, report.usage, report.intervalMs);
    return reply.code(202).send({ accepted: { rows } });
  });

  await fastify.register(serverAuditRoute);

  const costSchema = { querystring: RangeQuery, response: { 200: CostResponseSchema, ...responses } };
  fastify.get('/cost', { schema: costSchema }, async (request) => {
    const range = rangeOf(request, request.query);
    const usage = await queryUsage(fastify.store.client, range);
    const egressByLayer = await queryEgressByLayer(fastify.store.client, range, usage.participantHours);
    return { from: range.from, to: range.to, pricing, ...costBreakdown(usage, pricing), egressByLayer };
  });

  const recordingsSchema = { querystring: RangeQuery, response: { 200: RecordingOutcomesResponseSchema, ...responses } };
  fastify.get('/recordings', { schema: recordingsSchema }, async (request) => {
    const range = rangeOf(request, request.query);
    return { from: range.from, to: range.to, ...(await queryRecordingOutcomes(fastify.store.client, range)) };
  });
};
