import { CliError, ExitCode } from './exit-codes';
import { retryDelayMs, retryingFetch } from './retrying-fetch';

describe('retryDelayMs', () => {
  it.each([
    [1, null, 10_000, 250],
    [2, null, 10_000, 500],
    [5, null, 10_000, 4_000],
    [9, null, 10_000, 10_000],
    [1, '3', 10_000, 3_000],
    [1, '0', 10_000, 0],
    [1, '120', 10_000, 10_000],
    [1, 'Mon, 07 Dec 2026 20:00:05 GMT', 10_000, 5_000],
    [3, 'soon', 10_000, 1_000],
  ])('attempt %p, Retry-After %p, cap %p: %p ms', (attempt, retryAfter, cap, expected) => {
    expect(retryDelayMs(attempt, retryAfter, cap, Date.parse('2026-12-07T20:00:00Z'))).toBe(expected);
  });
});

describe('retryingFetch', () => {
  const request = () =>
    new Request('http://tracker.test/api/v1alpha1/event', { method: 'POST', body: '{"title":"t"}', headers: { 'idempotency-key': 'k1' } });
  const noSleep = () => Promise.resolve();

  it('resends the same request (body and Idempotency-Key) after network errors, 503 and 429, then answers', async () => {
    const seen: string[] = [];
    const answers: (() => Response)[] = [
      () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      },
      () => new Response('{}', { status: 503, headers: { 'retry-after': '1' } }),
      () => new Response('{}', { status: 429 }),
      () => new Response('{"id":"1"}', { status: 200 }),
    ];
    const retries: string[] = [];
    const fetch = retryingFetch(
      { attempts: 5, maxDelayMs: 50, sleep: noSleep, onRetry: (reason, delay) => retries.push(`${reason} ${delay}`) },
      async (r) => {
        seen.push(`${r.headers.get('idempotency-key')} ${await r.text()}`);
        return answers.shift()!();
      },
    );
    const res = await fetch(request());
    expect(res.status).toBe(200);
    expect(seen).toEqual(Array(4).fill('k1 {"title":"t"}'));
    expect(retries).toEqual(['ECONNRESET 50', 'HTTP 503 50', 'HTTP 429 50']);
  });

  it('does not retry a refusal', async () => {
    let calls = 0;
    const fetch = retryingFetch(
      { attempts: 5, maxDelayMs: 0, sleep: noSleep },
      () => (calls++, Promise.resolve(new Response('{}', { status: 400 }))),
    );
    expect((await fetch(request())).status).toBe(400);
    expect(calls).toBe(1);
  });

  it('gives up after the attempts with exit 4', async () => {
    const fetch = retryingFetch({ attempts: 3, maxDelayMs: 0, sleep: noSleep }, () => Promise.resolve(new Response('{}', { status: 503 })));
    const err = await fetch(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(ExitCode.Unreachable);
    expect((err as CliError).message).toMatch(/still HTTP 503 after 3 attempts/);
  });
});
