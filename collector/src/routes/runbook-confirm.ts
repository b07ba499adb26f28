import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RUNBOOK } from '@rtcpulse/alerts';
import { REPORT_LIMITS } from '@rtcpulse/schema';
import { CollectorError, ErrorResponseSchema } from '../errors.js';
import { requireKeyTenant, tenantParameter } from './tenant-read.js';

/** Rows each query answers with at most: enough to confirm, not a bulk export. */
export const CONFIRM_ROW_LIMIT = 100;

/** The one parameter of a confirm query; a query without it is not run (it would not be scoped by tenant). */
const TENANT_PARAMETER = '{tenant:String}';

const StepSchema = Type.Object({
  query: Type.String(),
  look: Type.String(),
  rows: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  /** More rows than {@link CONFIRM_ROW_LIMIT} matched. */
  truncated: Type.Boolean(),
  error: Type.Optional(Type.String()),
});

const ConfirmResponseSchema = Type.Object({ tenant: Type.String(), page: Type.String(), steps: Type.Array(StepSchema) });


/**
 * `GET /v1/runbook/:page/confirm?tenant=...`: runs the SQL steps of one
 * runbook page's "How to confirm" on this collector's store for one tenant
 * (`{tenant:String}` bound to it), and answers each with up to 100 rows.
 * On the embedded store, which only the running collector can open, this
 * is how on-call runs them. Needs a server key with the `read` scope of
 * that tenant; an unknown page is 404, and a step whose query fails says
 * why beside the others.
 */
export const runbookConfirmRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const pages = new Map(RUNBOOK.map((page) => [page.slug, page]));
  fastify.get(
    '/v1/runbook/:page/confirm',
    {
      onRequest: fastify.serverKeyHook('read', tenantParameter),
      schema: {
        params: Type.Object({ page: Type.String({ minLength: 1, maxLength: 100 }) }),
        querystring: Type.Object({ tenant: Type.String({ minLength: 1, maxLength: REPORT_LIMITS.maxIdLength }) }),
        response: { 200: ConfirmResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) => {
      const { tenant } = request.query;
      requireKeyTenant(request, tenant);
      const slug = request.params.page.replace(/\.md$/, '');
      const page = pages.get(slug);
      if (!page) throw new CollectorError(404, 'RTCPULSE_NOT_FOUND', `no runbook page ${slug}: one of ${[...pages.keys()].join(', ')}`);
      const steps = [];
      for (const step of page.confirm) {
        if (!('language' in step) || step.language !== 'sql') continue;
        if (!step.query.includes(TENANT_PARAMETER)) {
          steps.push({ query: step.query, look: step.look, rows: [], truncated: false, error: `not run: the query is not scoped by ${TENANT_PARAMETER}` });
          continue;
        }
        try {
          // Limits in the statement itself: chdb would keep settings given beside it for the whole embedded session.
          const result = await fastify.store.client.query({
            query: `SELECT * FROM (\n${step.query}\n) LIMIT ${CONFIRM_ROW_LIMIT + 1} SETTINGS max_execution_time = 30`,
            query_params: { tenant },
            format: 'JSONEachRow',
          });
          const rows = await result.json<Record<string, unknown>>();
          steps.push({ query: step.query, look: step.look, rows: rows.slice(0, CONFIRM_ROW_LIMIT), truncated: rows.length > CONFIRM_ROW_LIMIT });
        } catch (error) {
          steps.push({ query: step.query, look: step.look, rows: [], truncated: false, error: error instanceof Error ? error.message : String(error) });
        }
      }
      return { tenant, page: slug, steps };
    },
  );
};
