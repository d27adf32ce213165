import { createHmac, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { DomainError } from '../platform/errors/domain-errors';
import { authorizeAccount, systemScope } from './account-scope';
import { signToken, verifyAuthorization } from './bearer-token';
import { hasRole } from './roles';

const SECRET = 'unit-test-secret-0123456789';
const user = randomUUID();
const account = randomUUID();

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).kind;
  }
  return 'ok';
}

describe('verifyAuthorization', () => {
  const token = signToken({ userId: user, accounts: { [account]: 'admin' } }, SECRET);

  it('reads sub and accounts from a valid HS256 token', () => {
    expect(verifyAuthorization(`Bearer ${token}`, SECRET)).toEqual({ userId: user, accounts: { [account]: 'admin' } });
    expect(verifyAuthorization(`bearer   ${token}`, SECRET).userId).toBe(user);
  });

  it.each([[undefined], [''], ['Basic abc'], ['Bearer'], ['Bearer    ']])('treats %p as a missing token', (header) => {
    expect(kindOf(() => verifyAuthorization(header, SECRET))).toBe('unauthenticated');
  });

  it('refuses garbage, another secret, expiry, other algorithms, malformed claims and an unset secret', () => {
    const jwt = new JwtService({});
    const bad = [
      'Bearer a.b.c',
      `Bearer ${signToken({ userId: user, accounts: {} }, 'another-secret-0123456789')}`,
      `Bearer ${signToken({ userId: user, accounts: {} }, SECRET, { expiresInSeconds: -1 })}`,
      `Bearer ${jwt.sign({ sub: user, accounts: {} }, { secret: SECRET, algorithm: 'HS512' })}`,
      `Bearer ${jwt.sign({ sub: 'bob', accounts: {} }, { secret: SECRET })}`,
      `Bearer ${jwt.sign({ sub: user, accounts: { [account]: 'superuser' } }, { secret: SECRET })}`,
      `Bearer ${jwt.sign({ sub: user, accounts: { 'not-a-uuid': 'owner' } }, { secret: SECRET })}`,
      `Bearer ${jwt.sign({ sub: user, accounts: ['x'] }, { secret: SECRET })}`,
      `Bearer ${jwt.sign({ sub: user }, { secret: SECRET })}`,
    ];
    for (const header of bad)
      expect({ header, kind: kindOf(() => verifyAuthorization(header, SECRET)) }).toEqual({ header, kind: 'invalid-token' });
    expect(kindOf(() => verifyAuthorization(`Bearer ${token}`, undefined))).toBe('invalid-token');
  });

  it('refuses the nil UUID as sub (reserved for the system), a non-numeric iat and any crit header', () => {
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
      expect({ t, kind: kindOf(() => verifyAuthorization(`Bearer ${t}`, SECRET)) }).toEqual({ t, kind: 'invalid-token' });
    expect(verifyAuthorization(`Bearer ${hs256(typ, { sub: user, accounts: {}, iat: 1 })}`, SECRET).userId).toBe(user);
  });
});

describe('authorizeAccount and roles', () => {
  const principal = { userId: user, accounts: { [account]: 'member' as const } };

  it('checks the id format, then membership, then the role', () => {
    expect(kindOf(() => authorizeAccount(principal, 'nope'))).toBe('invalid-account-id');
    expect(kindOf(() => authorizeAccount(principal, randomUUID()))).toBe('forbidden');
    expect(kindOf(() => authorizeAccount(principal, account, 'admin'))).toBe('forbidden');
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
