import { Socket } from 'node:net';

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
      if (status) resolve({ status: Number(status[1]), response: received });
      else reject(new Error(`connection closed without a status for ${method} ${target}: ${received.slice(0, 200)}`));
    });
    socket.connect(Number(port), hostname, () => socket.write(request));
  });
}
