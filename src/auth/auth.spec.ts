import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DomainError } from '../platform/errors/domain-errors';
import { authorizeAccount, systemScope } from './account-scope';
import { signTestToken } from '../../test/support/auth';
import { signToken, verifyAuthorization } from './bearer-token';
import { hasRole } from './roles';

const SECRET = 'unit-test-secret-0123456789';
const user = randomUUID();
const account = randomUUID();

async function kindOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    return (err as DomainError).kind;
  }
  return 'ok';
}

describe('verifyAuthorization', () => {
  const token = signTestToken({ userId: user, accounts: { [account]: 'admin' } }, SECRET);

  it('reads sub and accounts from a valid HS256 token', async () => {
    expect(await verifyAuthorization(`Bearer ${token}`, SECRET)).toEqual({ userId: user, accounts: { [account]: 'admin' } });
    expect((await verifyAuthorization(`bearer   ${token}`, SECRET)).userId).toBe(user);
  });

  it('verifies what signToken (the dev token command) signs, expiry included', async () => {
    const signed = await signToken({ userId: user, accounts: { [account]: 'viewer' }, trackerRole: 'reader' }, SECRET, {
      expiresInSeconds: 60,
    });
    expect(await verifyAuthorization(`Bearer ${signed}`, SECRET)).toEqual({
      userId: user,
      accounts: { [account]: 'viewer' },
      trackerRole: 'reader',
    });
    const expired = await signToken({ userId: user, accounts: {} }, SECRET, { expiresInSeconds: -1 });
    await expect(verifyAuthorization(`Bearer ${expired}`, SECRET)).rejects.toMatchObject({ kind: 'invalid-token' });
  });

  it.each([[undefined], [''], ['Basic abc'], ['Bearer'], ['Bearer    ']])('treats %p as a missing token', async (header) => {
    expect(await kindOf(() => verifyAuthorization(header, SECRET))).toBe('unauthenticated');
  });

  it('refuses garbage, another secret, expiry, other algorithms, malformed claims and an unset secret', async () => {
    const key = new TextEncoder().encode(SECRET);
    const sign = (claims: Record<string, unknown>, alg = 'HS256') => new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
    const bad = [
      'Bearer a.b.c',
      `Bearer ${signTestToken({ userId: user, accounts: {} }, 'another-secret-0123456789')}`,
      `Bearer ${signTestToken({ userId: user, accounts: {} }, SECRET, { expiresInSeconds: -1 })}`,
      `Bearer ${await sign({ sub: user, accounts: {} }, 'HS512')}`,
      `Bearer ${await sign({ sub: 'bob', accounts: {} })}`,
      `Bearer ${await sign({ sub: user, accounts: { [account]: 'superuser' } })}`,
      `Bearer ${await sign({ sub: user, accounts: { 'not-a-uuid': 'owner' } })}`,
      `Bearer ${await sign({ sub: user, accounts: ['x'] })}`,
      `Bearer ${await sign({ sub: user })}`,
      `Bearer ${await sign({ sub: user, accounts: {}, nbf: Math.floor(Date.now() / 1000) + 600 })}`,
    ];
    for (const header of bad)
      expect({ header, kind: await kindOf(() => verifyAuthorization(header, SECRET)) }).toEqual({ header, kind: 'invalid-token' });
    expect(await kindOf(() => verifyAuthorization(`Bearer ${token}`, undefined))).toBe('invalid-token');
  });

  it('refuses the nil UUID as sub (reserved for the system), a non-numeric iat and any crit header', async () => {
    // signed by hand: the signing library itself refuses to put a non-numeric iat into a token
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const hs256 = (header: object, payload: object) => {
      const unsigned = `${b64(header)}.${b64(payload)}`;
      return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
    };
    const typ = { alg: 'HS256', typ: 'JWT' };
    const refused = [
      hs256(typ, { sub: '00000000-0000-0000-0000-000000000000', accounts: {} }),
      hs256(typ, { sub: user, accounts: {}, iat: 'yesterday' }),
      hs256(typ, { sub: user, accounts: {}, iat: { n: 1 } }),
      hs256({ ...typ, crit: ['urn:example:ext'] }, { sub: user, accounts: {} }),
      hs256({ ...typ, crit: [] }, { sub: user, accounts: {} }),
    ];
    for (const t of refused)
      expect({ t, kind: await kindOf(() => verifyAuthorization(`Bearer ${t}`, SECRET)) }).toEqual({ t, kind: 'invalid-token' });
    expect((await verifyAuthorization(`Bearer ${hs256(typ, { sub: user, accounts: {}, iat: 1 })}`, SECRET)).userId).toBe(user);
  });
});

describe('authorizeAccount and roles', () => {
  const principal = { userId: user, accounts: { [account]: 'member' as const } };

  it('checks the id format, then membership, then the role', async () => {
    expect(await kindOf(() => authorizeAccount(principal, 'nope'))).toBe('invalid-account-id');
    expect(await kindOf(() => authorizeAccount(principal, randomUUID()))).toBe('forbidden');
    expect(await kindOf(() => authorizeAccount(principal, account, 'admin'))).toBe('forbidden');
    expect(authorizeAccount(principal, account, 'member')).toEqual({ accountId: account, userId: user, role: 'member' });
  });

  it('orders roles viewer < member < admin < owner', () => {
    expect(hasRole(principal, account, 'viewer')).toBe(true);
    expect(hasRole(principal, account, 'member')).toBe(true);
    expect(hasRole(principal, account, 'admin')).toBe(false);
    expect(hasRole(principal, randomUUID(), 'viewer')).toBe(false);
  });

  it('gives background work an owner scope as the nil user', () => {
    expect(systemScope(account)).toEqual({ accountId: account, userId: '00000000-0000-0000-0000-000000000000', role: 'owner' });
  });
});
