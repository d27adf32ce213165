import { createHmac, createSign, KeyObject, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, UnsecuredJWT } from 'jose';
import { TEST_AUDIENCE, TestOidcIssuer } from '../../test/support/oidc-issuer';
import { AppConfig } from '../platform/config/app-config.service';
import { validateEnv } from '../platform/config/env.schema';
import { DomainError } from '../platform/errors/domain-errors';
import { BearerVerifier } from './bearer-verifier';
import { authenticate, callerKey, verifiedPrincipal } from './caller';
import type { CallParts } from '../platform/http/call-parts';
import { signTestToken } from '../../test/support/auth';

const SECRET = 'unit-test-secret-0123456789';
const account = randomUUID();
const user = randomUUID();

function verifierFor(env: Record<string, string>): BearerVerifier {
  return new BearerVerifier(new AppConfig(validateEnv({ NODE_ENV: 'test', ...env })));
}

/** 'ok:<sub>' or '<kind>: <message>' */
async function outcome(verifier: BearerVerifier, token: string | undefined): Promise<string> {
  try {
    return `ok:${(await verifier.verify(token === undefined ? undefined : `Bearer ${token}`)).userId}`;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return `${err.kind}: ${err.message}`;
  }
}

describe('BearerVerifier', () => {
  let issuer: TestOidcIssuer;
  let both: BearerVerifier;
  const claims = { sub: user, accounts: { [account]: 'admin' } };

  beforeAll(async () => {
    issuer = await TestOidcIssuer.start(['RS256', 'ES256', 'PS256', 'EdDSA']);
    both = verifierFor({ AUTH_JWT_SECRET: SECRET, ...issuer.env({ AUTH_JWKS_COOLDOWN_SECONDS: '0' }) });
  });
  afterAll(async () => {
    both.onModuleDestroy();
    await issuer.stop();
  });

  it.each(['RS256', 'ES256', 'PS256', 'EdDSA'] as const)('accepts an %s token from the issuer, with its roles', async (alg) => {
    const principal = await both.verify(`Bearer ${await issuer.sign(claims, { key: issuer.keyFor(alg) })}`);
    expect(principal).toEqual({ userId: user, accounts: { [account]: 'admin' }, trackerRole: 'writer' });
  });

  it("fills in the tracker role: the token's (claim or groups), else TRACKER_DEFAULT_ROLE; a bad one is 401", async () => {
    const role = async (verifier: BearerVerifier, token: string) => (await verifier.verify(`Bearer ${token}`)).trackerRole;
    expect(await role(both, signTestToken({ userId: user, accounts: {} }, SECRET))).toBe('writer');
    expect(await role(both, signTestToken({ userId: user, accounts: {}, trackerRole: 'admin' }, SECRET))).toBe('admin');
    expect(await role(both, await issuer.sign({ sub: user, tracker_role: 'reader' }))).toBe('reader');
    expect(await role(both, await issuer.sign({ sub: user, groups: ['tracker:tracker:admin'] }))).toBe('admin');
    const readers = verifierFor({
      AUTH_JWT_SECRET: SECRET,
      TRACKER_DEFAULT_ROLE: 'reader',
      TRACKER_ROLE_CLAIM: 'app.role',
      ...issuer.env({ AUTH_JWKS_COOLDOWN_SECONDS: '0' }),
    });
    expect(await role(readers, signTestToken({ userId: user, accounts: {} }, SECRET))).toBe('reader');
    expect(await role(readers, await issuer.sign({ sub: user }))).toBe('reader');
    expect(await role(readers, await issuer.sign({ sub: user, app: { role: 'writer' } }))).toBe('writer');
    readers.onModuleDestroy();
    const hs256 = (payload: object) => new SignJWT({ ...payload }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(SECRET));
    expect(await outcome(both, await hs256({ sub: user, accounts: {}, tracker_role: 'owner' }))).toMatch(
      /^invalid-token: .*tracker_role must be reader, writer or admin/,
    );
  });

  it('accepts an HS256 token beside them, and chooses by alg', async () => {
    expect(await outcome(both, signTestToken({ userId: user, accounts: {} }, SECRET))).toBe(`ok:${user}`);
  });

  it('honours the clock skew on exp and nbf (30 s by default)', async () => {
    expect(await outcome(both, await issuer.sign(claims, { expiresIn: -10 }))).toBe(`ok:${user}`);
    expect(await outcome(both, await issuer.sign(claims, { notBefore: 10 }))).toBe(`ok:${user}`);
    const strict = verifierFor({ ...issuer.env({ AUTH_CLOCK_SKEW_SECONDS: '0' }) });
    expect(await outcome(strict, await issuer.sign(claims, { expiresIn: -10 }))).toMatch(/^invalid-token: .*expired/);
    strict.onModuleDestroy();
  });

  it('refuses each forgery and each failed check with 401 problems/4', async () => {
    const publicJwk = issuer.keyFor('RS256').publicJwk;
    const hmac = (key: string | Buffer, payload: object, header: object = { alg: 'HS256', typ: 'JWT' }) => {
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const unsigned = `${b64(header)}.${b64(payload)}`;
      return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
    };
    // jose itself refuses to sign a crit header it does not know, so this one is signed by hand.
    const rs256ByHand = (header: object, payload: object) => {
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const unsigned = `${b64(header)}.${b64(payload)}`;
      return `${unsigned}.${createSign('RSA-SHA256')
        .update(unsigned)
        .sign(issuer.keyFor('RS256').privateKey as KeyObject, 'base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const oidcPayload = { ...claims, iss: issuer.url, aud: TEST_AUDIENCE, exp: now + 300 };
    const cases: Array<[string, string, RegExp]> = [
      ['wrong iss', await issuer.sign(claims, { iss: 'https://evil.example.com' }), /not issued by the configured issuer/],
      ['wrong aud', await issuer.sign(claims, { aud: 'another-app' }), /not meant for this service/],
      ['expired', await issuer.sign(claims, { expiresIn: -120 }), /expired/],
      ['nbf in the future', await issuer.sign(claims, { notBefore: 120 }), /not valid yet/],
      ['no exp', await issuer.sign(claims, { noExp: true }), /malformed: exp/],
      ['alg none', new UnsecuredJWT(oidcPayload).encode(), /algorithm is not accepted/],
      ['HS256 keyed with the public JWK', hmac(JSON.stringify(publicJwk), oidcPayload), /algorithm is not accepted/],
      ['HS256 keyed with the modulus', hmac(Buffer.from(publicJwk.n!, 'base64url'), oidcPayload), /algorithm is not accepted/],
      ['HS512', hmac(SECRET, claims, { alg: 'HS512', typ: 'JWT' }), /algorithm is not accepted/],
      [
        'unknown kid',
        await new SignJWT(oidcPayload).setProtectedHeader({ alg: 'RS256', kid: 'nobody' }).sign(issuer.keyFor('RS256').privateKey),
        /key the issuer does not publish/,
      ],
      [
        'signed by a key the issuer never published',
        await issuer.sign(claims, { key: await TestOidcIssuer.generateKey('ES256') }),
        /key the issuer does not publish/,
      ],
      [
        'tampered payload',
        (await issuer.sign(claims)).replace(
          /\.[^.]+\./,
          `.${Buffer.from(JSON.stringify({ ...oidcPayload, sub: randomUUID() })).toString('base64url')}.`,
        ),
        /invalid/,
      ],
      [
        'a crit header',
        rs256ByHand({ alg: 'RS256', kid: issuer.keyFor('RS256').kid, crit: ['urn:x'], 'urn:x': 1 }, oidcPayload),
        /invalid|critical/,
      ],
      // jose understands RFC 7797's b64 and used to accept this; docs/security.md says any crit is refused.
      [
        'a crit b64 header (an extension jose understands, we do not)',
        rs256ByHand({ alg: 'RS256', kid: issuer.keyFor('RS256').kid, crit: ['b64'], b64: true }, oidcPayload),
        /critical header extensions/,
      ],
      ['not a JWT', 'a.b.c', /invalid/],
      ['malformed claims', await issuer.sign({ sub: user, accounts: ['x'] }), /malformed/],
    ];
    for (const [label, token, why] of cases) {
      const answer = await outcome(both, token);
      expect({ label, answer }).toEqual({ label, answer: expect.stringMatching(/^invalid-token: /) });
      expect({ label, answer }).toEqual({ label, answer: expect.stringMatching(why) });
    }
  });

  it('treats no token as missing (problems/3) and refuses all tokens when nothing is configured', async () => {
    expect(await outcome(both, undefined)).toMatch(/^unauthenticated: /);
    const none = verifierFor({});
    expect(await outcome(none, await issuer.sign(claims))).toMatch(/^invalid-token: .*neither AUTH_JWT_SECRET nor AUTH_ISSUER/);
    const hsOnly = verifierFor({ AUTH_JWT_SECRET: SECRET });
    expect(await outcome(hsOnly, await issuer.sign(claims))).toMatch(/^invalid-token: .*algorithm is not accepted/);
  });

  it('answers any made-up token with a 401, never another error (property)', async () => {
    const limited = verifierFor({ AUTH_JWT_SECRET: SECRET, ...issuer.env() });
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
    const header = fc.record(
      {
        alg: fc.oneof(fc.constantFrom('RS256', 'PS256', 'ES256', 'EdDSA', 'HS256', 'none', 'HS512', 'RS1'), fc.string(), fc.integer()),
        kid: fc.oneof(fc.string(), fc.constant(issuer.keyFor('RS256').kid), fc.integer()),
        crit: fc.array(fc.string()),
        typ: fc.string(),
      },
      { requiredKeys: [] },
    );
    const payload = fc.oneof(
      fc.object(),
      fc.record({ sub: fc.string(), iss: fc.constant(issuer.url), aud: fc.constant(TEST_AUDIENCE), groups: fc.anything() }),
    );
    const token = fc.oneof(
      fc.tuple(header, payload, fc.string()).map(([h, p, sig]) => `${b64(h)}.${b64(p)}.${b64(sig)}`),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        expect(await outcome(limited, t)).toMatch(/^(invalid-token|unauthenticated): /);
      }),
      { numRuns: 300 },
    );
    limited.onModuleDestroy();
  });

  it('remembers a verified HS256 token, and refuses it once it has expired', async () => {
    const hsOnly = verifierFor({ AUTH_JWT_SECRET: SECRET });
    const token = signTestToken({ userId: user, accounts: { [account]: 'admin' } }, SECRET, { expiresInSeconds: 60 });
    expect(await outcome(hsOnly, token)).toBe(`ok:${user}`);
    expect(await outcome(hsOnly, token)).toBe(`ok:${user}`);
    const later = Date.now() + 61_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(await outcome(hsOnly, token)).toMatch(/^invalid-token: .*expired/);
      expect(await outcome(hsOnly, token)).toMatch(/^invalid-token: .*expired/);
    } finally {
      clock.mockRestore();
    }
    // A token that never verified is never remembered: a forged signature stays refused however often it comes.
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.AAAA`;
    expect(await outcome(hsOnly, forged)).toMatch(/^invalid-token: /);
    expect(await outcome(hsOnly, forged)).toMatch(/^invalid-token: /);
  });

  it('lets an HS256 token with any other iss through the secret, as before', async () => {
    const token = await new SignJWT({ ...claims, iss: 'dev' }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(SECRET));
    expect(await outcome(both, token)).toBe(`ok:${user}`);
  });
});

describe('caller verdicts', () => {
  const verifier = verifierFor({ AUTH_JWT_SECRET: SECRET });
  const parts = (authorization: unknown): CallParts => ({ carrier: {}, authorization, accountId: account, address: '10.0.0.1' });

  it('verifies once per call, however many ask and however early', async () => {
    const spy = jest.spyOn(verifier, 'verify');
    const call = parts(`Bearer ${signTestToken({ userId: user, accounts: { [account]: 'viewer' } }, SECRET)}`);
    const answers = await Promise.all([authenticate(call, verifier), verifiedPrincipal(call, verifier), callerKey(call, verifier)]);
    expect(await callerKey(call, verifier)).toBe(`user:${user}|account:${account}`);
    expect(answers[0].userId).toBe(user);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('keys a bad or missing token by address and rejects authenticate with the existing 401s', async () => {
    expect(await callerKey(parts('Bearer nope'), verifier)).toBe('address:10.0.0.1');
    await expect(authenticate(parts('Bearer nope'), verifier)).rejects.toMatchObject({ kind: 'invalid-token' });
    await expect(authenticate(parts(undefined), verifier)).rejects.toMatchObject({ kind: 'unauthenticated' });
    expect(await verifiedPrincipal(parts(undefined), verifier)).toBeUndefined();
  });
});
