import { createSocket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { answersStun, startCoturn, startRedis, type RedisServer, type TurnServer } from '../src/index.js';

/**
 * The servers a relayed call needs, started for real: coturn must answer
 * STUN on its port by the time `startCoturn` resolves (a browser's first
 * TURN request goes out at once), and the probe must not mistake another
 * UDP socket for a STUN server.
 */
describe('loopback coturn and redis-server', () => {
  let turn: TurnServer | undefined;
  let redis: RedisServer | undefined;

  afterAll(async () => {
    await turn?.stop();
    await redis?.stop();
  });

  it('coturn answers STUN as soon as startCoturn resolves, and stops answering after stop()', async () => {
    redis = await startRedis();
    turn = await startCoturn({ redisStatsPort: redis.port });
    expect(turn.url).toBe(`turn:127.0.0.1:${turn.port}?transport=udp`);
    expect(await answersStun(turn.port, 300), turn.log()).toBe(true);
    await turn.stop();
    expect(await answersStun(turn.port, 500)).toBe(false);
    turn = undefined;
  });

  it('the probe is not fooled by a UDP socket that answers with something other than STUN', async () => {
    const echo = createSocket('udp4');
    echo.on('message', (message, peer) => echo.send(Buffer.from(message).fill(7, 0, 2), peer.port, peer.address));
    await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
    try {
      expect(await answersStun(echo.address().port, 500)).toBe(false);
    } finally {
      echo.close();
    }
  });

  it('stops probing when told to, long before its timeout', async () => {
    const stopped = new AbortController();
    stopped.abort();
    // Nothing listens on the port of a closed socket; the probe ends on the signal, not on its ten-minute timeout.
    const closed = createSocket('udp4');
    await new Promise<void>((resolve) => closed.bind(0, '127.0.0.1', resolve));
    const port = closed.address().port;
    closed.close();
    expect(await answersStun(port, 600_000, stopped.signal)).toBe(false);
  });
});
