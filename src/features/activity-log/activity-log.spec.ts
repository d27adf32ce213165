import { expiresAt, visibleTo } from './activity-event.mapper';
import { FAR_FUTURE } from './data/activity-event.schema';

describe('visibleTo', () => {
  it.each([
    [undefined, ['viewer', 'member', 'admin', 'owner']],
    [[], ['viewer', 'member', 'admin', 'owner']],
    [['admin'], ['admin', 'owner']],
    [
      ['owner', 'viewer'],
      ['viewer', 'member', 'admin', 'owner'],
    ],
    [['auditor'], []],
  ])('%p -> %p', (visibility, roles) => expect(visibleTo(visibility)).toEqual(roles));
});

describe('expiresAt', () => {
  const t = new Date('2024-01-01T00:00:00Z');
  it('is eventTime + ttl seconds, or never', () => {
    expect(expiresAt(t, 1.5)).toEqual(new Date('2024-01-01T00:00:01.500Z'));
    expect(expiresAt(t, 0)).toEqual(FAR_FUTURE);
    expect(expiresAt(t, undefined)).toEqual(FAR_FUTURE);
    expect(expiresAt(t, 1e15)).toEqual(FAR_FUTURE);
  });
});
