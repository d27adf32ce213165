import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, type FlattenedJWSInput } from 'jose';
import { TestOidcIssuer } from '../../../test/support/oidc-issuer';
import { JwksCache, JwksCacheOptions, SigningKeysUnavailable } from './jwks-cache';

const TOKEN = {} as FlattenedJWSInput;

describe('JwksCache', () => {
  let issuer: TestOidcIssuer;
  const caches: JwksCache[] = [];
  const loadErrors: string[] = [];
  const cacheFor = (options: Partial<JwksCacheOptions> = {}) => {
    const cache = new JwksCache({ issuer: issuer.url, cooldownMs: 0, onLoadError: (err) => loadErrors.push(err.message), ...options });
    caches.push(cache);
    return cache;
  };

  beforeEach(async () => {
    issuer = await TestOidcIssuer.start(['RS256', 'ES256']);
    loadErrors.length = 0;
  });
  afterEach(async () => {
    caches.splice(0).forEach((c) => c.close());
    await issuer.stop();
  });

  it('discovers the JWKS once and picks keys by kid and alg', async () => {
    const cache = cacheFor();
    const rs = issuer.keyFor('RS256');
    const es = issuer.keyFor('ES256');
    expect((await cache.getKey({ alg: 'RS256', kid: rs.kid }, TOKEN)).type).toBe('public');
    expect((await cache.getKey({ alg: 'ES256', kid: es.kid }, TOKEN)).type).toBe('public');
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
    // A key with the right kid but another algorithm is no match.
    await expect(cache.getKey({ alg: 'ES256', kid: rs.kid }, TOKEN)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('uses AUTH_JWKS_URL as given, without discovery', async () => {
    const cache = cacheFor({ jwksUrl: `${issuer.url}/protocol/openid-connect/certs` });
    await cache.getKey({ alg: 'RS256', kid: issuer.keyFor('RS256').kid }, TOKEN);
    expect(issuer.requests).toEqual({ discovery: 0, jwks: 1 });
  });

  it('refetches once for an unknown kid and finds a rotated key', async () => {
    const cache = cacheFor();
    await cache.getKey({ alg: 'RS256', kid: issuer.keyFor('RS256').kid }, TOKEN);
    await expect(cache.getKey({ alg: 'RS256', kid: 'unknown' }, TOKEN)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(issuer.requests.jwks).toBe(2);
    const rotated = issuer.publish(await TestOidcIssuer.generateKey('RS256'));
    expect((await cache.getKey({ alg: 'RS256', kid: rotated.kid }, TOKEN)).type).toBe('public');
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 3 });
  });

  it('fetches at most once per cooldown, however many unknown kids arrive, concurrently or not', async () => {
    const cache = cacheFor({ cooldownMs: 60_000 });
    const known = issuer.keyFor('RS256');
    await cache.getKey({ alg: 'RS256', kid: known.kid }, TOKEN);
    const flood = Array.from({ length: 200 }, (_, i) => cache.getKey({ alg: 'RS256', kid: `made-up-${i}` }, TOKEN));
    const outcomes = await Promise.allSettled(flood);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof errors.JWKSNoMatchingKey)).toBe(true);
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
    // Concurrent first loads share one fetch too.
    const fresh = cacheFor({ cooldownMs: 60_000 });
    await Promise.all(Array.from({ length: 20 }, () => fresh.getKey({ alg: 'RS256', kid: known.kid }, TOKEN)));
    expect(issuer.requests).toEqual({ discovery: 2, jwks: 2 });
  });

  it('keeps verifying with cached keys while the issuer is down, and refuses unknown ones', async () => {
    const cache = cacheFor({ maxAgeMs: 0 });
    const known = issuer.keyFor('RS256');
    await cache.getKey({ alg: 'RS256', kid: known.kid }, TOKEN);
    await issuer.stop();
    // The set is stale at once (maxAgeMs 0): each use starts a background refresh, which fails; the key stays.
    expect((await cache.getKey({ alg: 'RS256', kid: known.kid }, TOKEN)).type).toBe('public');
    await expect(cache.getKey({ alg: 'RS256', kid: 'unknown' }, TOKEN)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect((await cache.getKey({ alg: 'RS256', kid: known.kid }, TOKEN)).type).toBe('public');
    expect(loadErrors.length).toBeGreaterThan(0);
  });

  it('refuses every token while no key set was ever loaded, and asks again only after the cooldown', async () => {
    await issuer.stop();
    const cache = cacheFor({ cooldownMs: 60_000 });
    await expect(cache.getKey({ alg: 'RS256', kid: 'k' }, TOKEN)).rejects.toBeInstanceOf(SigningKeysUnavailable);
    await expect(cache.getKey({ alg: 'RS256', kid: 'k' }, TOKEN)).rejects.toBeInstanceOf(SigningKeysUnavailable);
    expect(loadErrors).toHaveLength(1);
  });

  describe('refuses what a real issuer would not serve', () => {
    let body: string;
    let status: number;
    let base: string;
    const server = createServer((req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(req.url?.endsWith('openid-configuration') ? JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }) : body);
    });
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it.each([
      ['an error status', 503, '{"keys":[]}', 'answered 503'],
      ['a body over 256 KB', 200, JSON.stringify({ keys: [], pad: 'x'.repeat(300_000) }), 'more than'],
      ['more than 100 keys', 200, JSON.stringify({ keys: Array.from({ length: 101 }, () => ({ kty: 'RSA' })) }), 'is not a JWKS'],
      ['keys that are not objects', 200, '{"keys":[1]}', 'is not a JWKS'],
      ['something that is not JSON', 200, '<html>', 'JSON'],
    ])('%s', async (_label, answerStatus, answerBody, why) => {
      [status, body] = [answerStatus, answerBody];
      const cache = new JwksCache({ issuer: base, cooldownMs: 0, onLoadError: (err) => loadErrors.push(err.message) });
      caches.push(cache);
      await expect(cache.getKey({ alg: 'RS256', kid: 'k' }, TOKEN)).rejects.toBeInstanceOf(SigningKeysUnavailable);
      expect(loadErrors.at(-1)).toContain(why);
    });

    it('metadata naming another issuer', async () => {
      [status, body] = [200, '{"keys":[]}'];
      const cache = new JwksCache({ issuer: `${base}/`, cooldownMs: 0, onLoadError: (err) => loadErrors.push(err.message) });
      caches.push(cache);
      await expect(cache.getKey({ alg: 'RS256', kid: 'k' }, TOKEN)).rejects.toBeInstanceOf(SigningKeysUnavailable);
      expect(loadErrors.at(-1)).toContain('names issuer');
    });
  });
});
