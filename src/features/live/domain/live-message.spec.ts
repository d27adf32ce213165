import { formatCursor, LiveMessage, matchesActivity, matchesTracker, parseCursor } from './live-message';

const tracker = (attributes: Record<string, unknown>, kind: LiveMessage['kind'] = 'created'): LiveMessage => ({
  position: 1,
  stream: 'tracker',
  kind,
  key: 'a'.repeat(24),
  at: 0,
  data: kind === 'deleted' ? { id: 'a'.repeat(24) } : { id: 'a'.repeat(24), attributes },
});

describe('parseCursor', () => {
  it.each(['0', '1', '42', '999999999999999'])('reads %p', (text) => expect(parseCursor(text)).toBe(Number(text)));
  it.each(['', '-1', '01', '1.5', ' 1', '1e3', 'abc', '9999999999999999', undefined, 7])('refuses %p', (text) =>
    expect(parseCursor(text)).toBeUndefined(),
  );
  it('round-trips', () => expect(parseCursor(formatCursor(123))).toBe(123));
});

describe('matchesTracker', () => {
  const msg = tracker({ service: 'api', environment: 7, type: 1, status: 2, priority: 1 });
  it.each([
    [{}, true],
    [{ service: 'api' }, true],
    [{ service: 'web' }, false],
    [{ environment: 7, type: 1 }, true],
    [{ environment: 7, type: 2 }, false],
    [{ status: 2, priority: 1 }, true],
    [{ priority: 2 }, false],
  ])('%p -> %p', (filter, expected) => expect(matchesTracker(msg, filter)).toBe(expected));
  it('gives every tracker subscriber a deletion', () => expect(matchesTracker(tracker({}, 'deleted'), { service: 'web' })).toBe(true));
  it('never gives an activity change', () => expect(matchesTracker({ ...msg, stream: 'activity' }, {})).toBe(false));
  const lock: LiveMessage = { ...msg, kind: 'lock.acquired', data: { id: 'l', service: 'api', environment: 7, owner: 'ci' } };
  it.each([
    [{}, true],
    [{ service: 'api', environment: 7 }, true],
    [{ service: 'web' }, false],
    [{ environment: 1 }, false],
    [{ service: 'api', type: 1, status: 3 }, true],
  ])('lock.acquired: %p -> %p (service and environment only)', (filter, expected) => expect(matchesTracker(lock, filter)).toBe(expected));
});

describe('matchesActivity', () => {
  const account = '11111111-1111-4111-8111-111111111111';
  const msg: LiveMessage = {
    position: 1,
    stream: 'activity',
    kind: 'created',
    key: 'x',
    at: 0,
    data: {},
    access: { accountId: account, visibleTo: ['admin', 'owner'], expiresAt: 1000 },
  };
  it('needs the account, a role among visibleTo and an unexpired event', () => {
    expect(matchesActivity(msg, { accountId: account, role: 'admin' }, 999)).toBe(true);
    expect(matchesActivity(msg, { accountId: account, role: 'viewer' }, 999)).toBe(false);
    expect(matchesActivity(msg, { accountId: '22222222-2222-4222-8222-222222222222', role: 'owner' }, 999)).toBe(false);
    expect(matchesActivity(msg, { accountId: account, role: 'owner' }, 1000)).toBe(false);
  });
});
