import { Socket } from 'node:net';
import { validateAgainstOpenApi } from './openapi-validator';

/** Splits a raw HTTP/1.1 response into its headers and (de-chunked) body, for the OpenAPI check. */
function parseRaw(received: string): { headers: Map<string, string>; body: string } {
  const bytes = Buffer.from(received, 'latin1');
  const end = bytes.indexOf('\r\n\r\n');
  const head = (end < 0 ? bytes : bytes.subarray(0, end)).toString('latin1').split('\r\n').slice(1);
  const headers = new Map<string, string>();
  for (const line of head) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = end < 0 ? Buffer.alloc(0) : bytes.subarray(end + 4);
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    const parts: Buffer[] = [];
    for (let at = 0; at < body.length;) {
      const lineEnd = body.indexOf('\r\n', at);
      if (lineEnd < 0) break;
      const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
      if (!size) break;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  return { headers, body: body.toString('utf8') };
}

/**
 * The path of a request target as the router reads it: an absolute form loses its `http://host` the way
 * find-my-way cuts it (lower-case scheme only; anything else stays and matches no route).
 */
function targetPath(target: string): string {
  return target.replace(/^https?:\/\/.*?\//, '/');
}

/** What Node's HTTP parser answers to a request line it cannot read, before any of Tracker runs. */
const PARSER_REFUSAL = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

/**
 * Sends one HTTP/1.1 request with the request target exactly as given (fetch would normalise percent-encoding,
 * dot segments and absolute forms away) and resolves with the response's status and raw head and body.
 */
export function rawRequest(
  base: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; response: string }> {
  const { hostname, port } = new URL(base);
  const lines = [`${method} ${target} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body !== undefined) lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(body)}`);
  const request = `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${method} ${target}`)));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      if (!status) {
        reject(new Error(`connection closed without a status for ${method} ${target}: ${received.slice(0, 200)}`));
        return;
      }
      const { headers: answered, body: text } = parseRaw(received);
      try {
        if (received !== PARSER_REFUSAL)
          validateAgainstOpenApi({
            method,
            origin: new URL(base).origin,
            path: targetPath(target),
            status: Number(status[1]),
            header: (name) => answered.get(name.toLowerCase()),
            text,
          });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      resolve({ status: Number(status[1]), response: received });
    });
    socket.connect(Number(port), hostname, () => socket.write(request));
  });
}
