import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const MAGIC_COOKIE = 0x2112a442;

/** A STUN Binding request (RFC 5389 §6): 20-byte header, no attributes. */
function bindingRequest(transactionId: Buffer): Buffer {
  const message = Buffer.alloc(20);
  message.writeUInt16BE(BINDING_REQUEST, 0);
  message.writeUInt16BE(0, 2);
  message.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(message, 8);
  return message;
}

function isSuccessFor(message: Buffer, transactionId: Buffer): boolean {
  return (
    message.length >= 20 &&
    message.readUInt16BE(0) === BINDING_SUCCESS &&
    message.readUInt32BE(4) === MAGIC_COOKIE &&
    message.subarray(8, 20).equals(transactionId)
  );
}

/**
 * Resolves true once a STUN server answers a Binding request on
 * 127.0.0.1:`port` over UDP, false after `timeoutMs`. The request is sent
 * every 100 ms, so a server whose UDP listener opens late is still found;
 * `signal` ends the probing early (false).
 * A process starting is not the same as its UDP listener answering; this
 * is the check that a browser's first TURN request will be heard.
 */
export async function answersStun(port: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const socket = createSocket('udp4');
  const transactionId = randomBytes(12);
  const request = bindingRequest(transactionId);
  try {
    return await new Promise<boolean>((resolve) => {
      const finish = (answered: boolean): void => {
        clearInterval(resend);
        clearTimeout(timer);
        resolve(answered);
      };
      socket.on('message', (message) => {
        if (isSuccessFor(message, transactionId)) finish(true);
      });
      // ICMP port unreachable surfaces as an error on a connected socket; keep probing.
      socket.on('error', () => undefined);
      const send = (): void => socket.send(request, port, '127.0.0.1', () => undefined);
      const resend = setInterval(send, 100);
      const timer = setTimeout(() => finish(false), timeoutMs);
      if (signal?.aborted) return finish(false);
      signal?.addEventListener('abort', () => finish(false), { once: true });
      send();
    });
  } finally {
    socket.close();
  }
}
