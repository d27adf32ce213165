import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { TRACKER_PROBLEM_BASE } from '../errors/problem-catalog';

/**
 * Fastify's `clientErrorHandler`: the answer to a request Node's HTTP parser refuses before any route is matched
 * (an over-long URL or header block, bytes that are not HTTP, a request that never finished arriving). Fastify's
 * own answer is ad-hoc JSON; ours is the same problem+json every other refusal uses. The connection is closed
 * after it, as Node does.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers exceed the 16 KB limit (an over-long URL or header).']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.']
        : [400, 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify({
    type: `${TRACKER_PROBLEM_BASE}invalid-input`,
    title: 'Invalid input',
    detail,
    status: String(status),
    correlationID: randomUUID(),
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
