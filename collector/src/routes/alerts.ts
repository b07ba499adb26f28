import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clickhouseRunner, evaluateRules } from '@rtcpulse/alerts';
import { REPORT_LIMITS, type Pricing } from '@rtcpulse/schema';
import { Type } from '@sinclair/typebox';
import { CollectorError, ErrorResponseSchema } from '../errors.js';
import { requireKeyTenant, tenantParameter } from './tenant-read.js';

const GroupSchema = Type.Object({
  labels: Type.Record(Type.String(), Type.String()),
  value: Type.Union([Type.Number(), Type.Null()]),
  firing: Type.Boolean(),
});

const EvaluationSchema = Type.Object({
  id: Type.String(),
  alert: Type.String(),
  severity: Type.String(),
  condition: Type.String(),
  for: Type.String(),
  runbookUrl: Type.String(),
  status: Type.Union([Type.Literal('firing'), Type.Literal('ok'), Type.Literal('not-evaluable'), Type.Literal('error')]),
  reason: Type.Optional(Type.String()),
  groups: Type.Array(GroupSchema),
});

const EvaluateResponseSchema = Type.Object({
  tenant: Type.String(),
  evaluatedAt: Type.String(),
  firing: Type.Array(Type.String()),
  rules: Type.Array(EvaluationSchema),
});


/**
 * `GET /v1/alerts/evaluate?tenant=...[&at=ISO]`: runs the ClickHouse form of
 * every runbook alert rule for one tenant and answers which would fire now,
 * with each group's value and the runbook link. Needs a server key with the
 * `read` scope of that tenant. Prices for the cost rules are the ones the
 * collector bills server events with (`pricing`).
 */
export const alertRoutes: FastifyPluginAsyncTypebox<{ pricing: Pricing }> = async (fastify, { pricing: prices }) => {
  fastify.get(
    '/v1/alerts/evaluate',
    {
      onRequest: fastify.serverKeyHook('read', tenantParameter),
      schema: {
        querystring: Type.Object({
          tenant: Type.String({ minLength: 1, maxLength: REPORT_LIMITS.maxIdLength }),
          at: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
        }),
        response: { 200: EvaluateResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) => {
      const { tenant, at } = request.query;
      requireKeyTenant(request, tenant);
      const now = at === undefined ? new Date() : new Date(at);
      if (Number.isNaN(now.getTime())) throw new CollectorError(400, 'RTCPULSE_BAD_REQUEST', 'at must be an ISO date-time');
      const rules = await evaluateRules(clickhouseRunner(fastify.store.client), { tenant, now, prices });
      return {
        tenant,
        evaluatedAt: now.toISOString(),
        firing: rules.filter((r) => r.status === 'firing').map((r) => r.alert),
        rules: rules.map((r) => ({ ...r, groups: r.groups.map((g) => ({ ...g, value: Number.isFinite(g.value) ? g.value : null })) })),
      };
    },
  );
};
