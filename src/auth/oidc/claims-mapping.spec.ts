import { randomUUID } from 'node:crypto';
import { DomainError } from '../../platform/errors/domain-errors';
import { claimAt, ClaimsMapping, principalFromOidcClaims } from './claims-mapping';

const mapping: ClaimsMapping = { accountsClaim: 'accounts', groupsClaim: 'groups', groupsPrefix: 'tracker:' };
const a1 = randomUUID();
const a2 = randomUUID();

function refusal(claims: Record<string, unknown>, m: ClaimsMapping = mapping): string {
  try {
    principalFromOidcClaims(claims, m);
  } catch (err) {
    return `${(err as DomainError).kind}: ${(err as Error).message}`;
  }
  return 'accepted';
}

describe('claimAt', () => {
  it('reads a claim by name, a literal dotted name first, then a dotted path through own properties', () => {
    const claims = { tracker: { accounts: { x: 1 } }, 'https://tracker.example.com/accounts': 'ns', 'a.b': 'literal', a: { b: 'path' } };
    expect(claimAt(claims, 'tracker.accounts')).toEqual({ x: 1 });
    expect(claimAt(claims, 'https://tracker.example.com/accounts')).toBe('ns');
    expect(claimAt(claims, 'a.b')).toBe('literal');
    expect(claimAt(claims, 'tracker.missing')).toBeUndefined();
    expect(claimAt(claims, 'tracker.accounts.x.y')).toBeUndefined();
    expect(claimAt(claims, 'constructor')).toBeUndefined();
    expect(claimAt(claims, '__proto__.toString')).toBeUndefined();
    expect(claimAt({ list: [{ a: 1 }] }, 'list.0.a')).toBeUndefined();
  });
});

describe('principalFromOidcClaims', () => {
  it('takes roles from the accounts object and from prefixed groups, the higher role winning', () => {
    const principal = principalFromOidcClaims(
      {
        sub: 'auth0|12345',
        accounts: { [a1]: 'member' },
        groups: [
          'admins',
          `/tracker:${a1}:viewer`,
          `tracker:${a2}:owner`,
          `tracker:${a1}:admin`,
          'tracker:nope:owner',
          `tracker:${a2}:root`,
        ],
      },
      mapping,
    );
    expect(principal).toEqual({ userId: 'auth0|12345', accounts: { [a1]: 'admin', [a2]: 'owner' } });
  });

  it('follows the configured claim paths and prefix', () => {
    const m = { accountsClaim: 'realm_access.tracker', groupsClaim: 'roles', groupsPrefix: 'app-' };
    expect(
      principalFromOidcClaims({ sub: 's', realm_access: { tracker: { [a1]: 'viewer' } }, roles: [`app-${a2}:member`] }, m).accounts,
    ).toEqual({
      [a1]: 'viewer',
      [a2]: 'member',
    });
  });

  it('grants no account when neither claim is present', () => {
    expect(principalFromOidcClaims({ sub: 'someone' }, mapping)).toEqual({ userId: 'someone', accounts: {} });
  });

  it('reads the tracker role from its claim and from groups <prefix>tracker:<role>, the highest winning', () => {
    const role = (claims: Record<string, unknown>, m: ClaimsMapping = mapping) =>
      principalFromOidcClaims({ sub: 's', ...claims }, m).trackerRole;
    expect(role({})).toBeUndefined();
    expect(role({ tracker_role: 'reader' })).toBe('reader');
    expect(role({ groups: ['tracker:tracker:writer', '/tracker:tracker:reader', 'tracker:tracker:root'] })).toBe('writer');
    expect(role({ tracker_role: 'admin', groups: ['tracker:tracker:reader'] })).toBe('admin');
    expect(role({ tracker_role: 'reader', groups: ['tracker:tracker:admin'] })).toBe('admin');
    expect(role({ app: { role: 'writer' } }, { ...mapping, trackerRoleClaim: 'app.role' })).toBe('writer');
    // Another application's groups, or the prefix missing, grant nothing.
    expect(role({ groups: ['tracker:admin', 'other:tracker:admin'] })).toBeUndefined();
  });

  it.each([
    ['no sub', {}, 'sub must be a string'],
    ['an empty sub', { sub: '' }, 'sub must be a string'],
    ['a numeric sub', { sub: 42 }, 'sub must be a string'],
    ['a 256-character sub', { sub: 'x'.repeat(256) }, 'sub must be a string'],
    ['a sub with a control character', { sub: 'line\nbreak' }, 'sub must be a string'],
    ['the nil UUID as sub', { sub: '00000000-0000-0000-0000-000000000000' }, 'nil UUID'],
    ['accounts as an array', { sub: 's', accounts: ['x'] }, 'accounts must be an object'],
    ['a malformed account id', { sub: 's', accounts: { 'not-a-uuid': 'owner' } }, 'is not a lowercase UUID'],
    ['an unknown role', { sub: 's', accounts: { [a1]: 'superuser' } }, 'must be viewer, member, admin or owner'],
    ['groups as an object', { sub: 's', groups: { a: 1 } }, 'groups must be an array of strings'],
    ['a non-string group', { sub: 's', groups: ['ok', 7] }, 'groups must be an array of strings'],
    // docs/security.md promises an array; a bare string used to be read as one group (issue 24, item 11).
    ['a single group as a string', { sub: 's', groups: `tracker:${a1}:owner` }, 'groups must be an array of strings'],
    ['an unknown tracker role', { sub: 's', tracker_role: 'root' }, 'tracker_role must be reader, writer or admin'],
    ['a tracker role that is not a string', { sub: 's', tracker_role: ['admin'] }, 'tracker_role must be reader, writer or admin'],
    ['1001 groups', { sub: 's', groups: Array.from({ length: 1001 }, () => 'g') }, 'more than 1000 groups'],
  ] as const)('refuses %s with 401 problems/4', (_label, claims, why) => {
    const answer = refusal(claims);
    expect(answer).toMatch(/^invalid-token: /);
    expect(answer).toContain(why);
  });
});
