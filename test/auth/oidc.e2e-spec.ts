import { status } from '@grpc/grpc-js';
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem } from '../support/astra-schema';
import { bearer } from '../support/auth';
import { reportFigure } from '../support/figures';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { TEST_AUDIENCE, TestOidcIssuer } from '../support/oidc-issuer';

/*
 * OIDC sign-in end to end: a local issuer (discovery metadata and a JWKS of real generated keys on a free
 * port) and apps that trust it beside the HS256 secret. What is accepted and refused on REST and gRPC, key
 * rotation, the issuer going down, and how often the issuer is asked for keys.
 */

const account = randomUUID();
const user = randomUUID();
const claims = { sub: user, accounts: { [account]: 'viewer' } };
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
/** ListEvents of the account, which has no activity events here: the empty list, as gRPC sends it. */
const NO_EVENTS = { type: 'application/astra-events', version: '1.4', metadata: {} };

/** An HS256 token keyed with `key` (the "public key as HMAC secret" forgery). */
function hs256(key: string | Buffer, payload: object): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

describe('OIDC bearer tokens from a local issuer', () => {
  let issuer: TestOidcIssuer;
  let app: TestApp;
  let grpc: UnaryClient;
  const events = () => `${app.http}/accounts/${account}/core/v1/events`;

  beforeAll(async () => {
    issuer = await TestOidcIssuer.start(['RS256', 'ES256']);
    // No cooldown here, so each unknown kid and each rotation is one refetch to count; the limit has its own app below.
    app = await startTestApp({ env: issuer.env({ AUTH_JWKS_COOLDOWN_SECONDS: '0' }) });
    grpc = grpcClient(app.grpc, join(PROTO_ROOT, 'astra/core/v1/event.proto'), 'astra.core.v1.EventService');
  });
  afterAll(async () => {
    grpc?.close();
    await app?.close();
    await issuer?.stop();
  });

  it.each(['RS256', 'ES256'] as const)('accepts an %s token on REST and gRPC, and HS256 tokens beside it', async (alg) => {
    const token = await issuer.sign(claims, { key: issuer.keyFor(alg) });
    expect((await http('GET', events(), { headers: auth(token) })).status).toBe(200);
    await expect(grpc.call('ListEvents', { accountId: account }, auth(token))).resolves.toEqual(NO_EVENTS);
    expect((await http('GET', events(), { headers: bearer(account, 'viewer') })).status).toBe(200);
  });

  it('refuses every failed check and forgery with 401 problems/4 (UNAUTHENTICATED on gRPC)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims, iss: issuer.url, aud: TEST_AUDIENCE, exp: now + 300 };
    const rsa = issuer.keyFor('RS256');
    const refused: Array<[string, string]> = [
      ['wrong iss', await issuer.sign(claims, { iss: `${issuer.url}-other` })],
      ['wrong aud', await issuer.sign(claims, { aud: 'another-application' })],
      ['expired (past the 30 s skew)', await issuer.sign(claims, { expiresIn: -120 })],
      ['nbf in the future (past the skew)', await issuer.sign(claims, { notBefore: 120 })],
      ['alg none', new UnsecuredJWT(payload).encode()],
      ['HS256 keyed with the public key (JWK)', hs256(JSON.stringify(rsa.publicJwk), payload)],
      ['HS256 keyed with the public key (modulus)', hs256(Buffer.from(rsa.publicJwk.n!, 'base64url'), payload)],
      ['signed by a key the issuer never published', await issuer.sign(claims, { key: await TestOidcIssuer.generateKey('RS256') })],
    ];
    for (const [label, token] of refused) {
      const res = await http('GET', events(), { headers: auth(token) });
      expect({ label, status: res.status }).toEqual({ label, status: 401 });
      expectAstraProblem(res, 4);
      await expectGrpcError(grpc.call('ListEvents', { accountId: account }, auth(token)), status.UNAUTHENTICATED);
    }
    // No token at all stays problems/3.
    expectAstraProblem(await http('GET', events()), 3);
  });

  it('refuses an unknown kid after exactly one refetch of the JWKS', async () => {
    const before = issuer.requests.jwks;
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'not-published' })
      .setIssuer(issuer.url)
      .setAudience(TEST_AUDIENCE)
      .setExpirationTime('5m')
      .sign(issuer.keyFor('RS256').privateKey);
    expectAstraProblem(await http('GET', events(), { headers: auth(token) }), 4);
    expect(issuer.requests.jwks - before).toBe(1);
  });

  it('accepts a rotated key without a restart', async () => {
    const old = issuer.keyFor('RS256');
    const rotated = await TestOidcIssuer.generateKey('RS256');
    issuer.publish(rotated);
    issuer.unpublish(old);
    const before = issuer.requests.jwks;
    expect((await http('GET', events(), { headers: auth(await issuer.sign(claims, { key: rotated })) })).status).toBe(200);
    expect(issuer.requests.jwks - before).toBe(1);
    // The retired key was still in the cached set until the refetch; now it is gone and so are its tokens.
    expectAstraProblem(await http('GET', events(), { headers: auth(await issuer.sign(claims, { key: old })) }), 4);
  });

  it('gives a subject that is not a UUID its accounts, but not the Astra user paths (400 problems/35)', async () => {
    const token = await issuer.sign({ sub: 'auth0|5f7c8ec7c33c6c004bbafe82', groups: [`tracker:${account}:admin`] });
    expect((await http('GET', events(), { headers: auth(token) })).status).toBe(200);
    const own = `${app.http}/accounts/${account}/core/v1/users/${encodeURIComponent('auth0|5f7c8ec7c33c6c004bbafe82')}/unreadNotifications`;
    expectAstraProblem(await http('GET', own, { headers: auth(token) }), 35);
    expectAstraProblem(await http('GET', `${app.http}/accounts/${account}/core/v1/users/${user}/banners`, { headers: auth(token) }), 35);
  });

  it('keeps accepting tokens whose key is cached while the issuer is down, and stays ready', async () => {
    const token = await issuer.sign(claims, { key: issuer.keyFor('ES256') });
    await issuer.stop();
    expect((await http('GET', events(), { headers: auth(token) })).status).toBe(200);
    await expect(grpc.call('ListEvents', { accountId: account }, auth(token))).resolves.toEqual(NO_EVENTS);
    // A key it never saw cannot be fetched now: refused, not an error.
    expectAstraProblem(
      await http('GET', events(), { headers: auth(await issuer.sign(claims, { key: await TestOidcIssuer.generateKey('ES256') })) }),
      4,
    );
    expect((await http('GET', `${app.http}/health/ready`)).status).toBe(200);
  });
});

describe('OIDC key refetches are rate-limited (AUTH_JWKS_COOLDOWN_SECONDS default 30)', () => {
  let issuer: TestOidcIssuer;
  let app: TestApp;

  beforeAll(async () => {
    issuer = await TestOidcIssuer.start(['RS256']);
    app = await startTestApp({ env: issuer.env({ TRACKER_AUTH: 'required' }) });
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  it('asks the issuer at most once however many unknown kids arrive, and keeps accepting good tokens', async () => {
    const events = `${app.http}/accounts/${account}/core/v1/events`;
    const good = await issuer.sign(claims);
    expect((await http('GET', events, { headers: auth(good) })).status).toBe(200);
    const before = { ...issuer.requests };
    const FLOOD = 200;
    const key = issuer.keyFor('RS256').privateKey;
    const tokens = await Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'RS256', kid: `made-up-${i}` })
          .setIssuer(issuer.url)
          .setAudience(TEST_AUDIENCE)
          .setExpirationTime('5m')
          .sign(key),
      ),
    );
    const answers = await Promise.all(tokens.map((t) => http('GET', events, { headers: auth(t) })));
    expect(answers.filter((a) => a.status !== 401).map((a) => a.status)).toEqual([]);
    const asked = issuer.requests.jwks - before.jwks + issuer.requests.discovery - before.discovery;
    reportFigure(`issuer asked for keys ${asked} time(s) during a flood of ${FLOOD} tokens with unknown kids`);
    expect(asked).toBeLessThanOrEqual(1);
    expect((await http('GET', events, { headers: auth(good) })).status).toBe(200);
  });

  it('puts the same verification on the tracker API (TRACKER_AUTH=required)', async () => {
    const list = `${app.http}/api/v1alpha1/events/list?per_page=1`;
    expect((await http('GET', list, { headers: auth(await issuer.sign({ sub: 'ci-robot' })) })).status).toBe(200);
    expect((await http('GET', list, { headers: auth(await issuer.sign({ sub: 'ci-robot' }, { aud: 'elsewhere' })) })).status).toBe(401);
    expect((await http('GET', list)).status).toBe(401);
  });

  it('reads the tracker role from the groups claim (<prefix>tracker:<role>) and the tracker_role claim', async () => {
    const deleteUnknown = `${app.http}/api/v1alpha1/event/65a0f0c2e4b0a1b2c3d4e5f6`;
    const reader = auth(await issuer.sign({ sub: 'dashboard', groups: ['tracker:tracker:reader'] }));
    const admin = auth(await issuer.sign({ sub: 'ops', groups: ['/tracker:tracker:admin'] }));
    const refused = await http('POST', `${app.http}/api/v1alpha1/event`, {
      headers: reader,
      body: { title: 't', attributes: { type: 1, service: 'oidc' } },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: 'urn:tracker:problems:forbidden', requiredRole: 'writer' });
    expect((await http('GET', `${app.http}/api/v1alpha1/events/list`, { headers: reader })).status).toBe(200);
    // The default role (writer) may not delete; the groups' admin may (404: no such event, past the role check).
    expect((await http('DELETE', deleteUnknown, { headers: auth(await issuer.sign({ sub: 'ci-robot' })) })).status).toBe(403);
    expect((await http('DELETE', deleteUnknown, { headers: admin })).status).toBe(404);
    expect((await http('DELETE', deleteUnknown, { headers: auth(await issuer.sign({ sub: 'ops', tracker_role: 'admin' })) })).status).toBe(
      404,
    );
  });
});
