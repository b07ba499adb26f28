/**
 * Baseline for the ingest benchmark: bare Fastify accepting and discarding
 * report bodies (JSON parsed, nothing validated or stored). Prints its port.
 */
import Fastify from 'fastify';
import { DEFAULT_BODY_LIMIT_BYTES } from '../src/app.js';

const app = Fastify({ logger: false, bodyLimit: DEFAULT_BODY_LIMIT_BYTES });
app.post('/v1/reports', async (_request, reply) => reply.code(202).send({ accepted: true }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
