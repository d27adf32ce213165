import { DomainError } from '../common/errors/domain-errors';
import { expiresAt, visibleTo } from './activity-event.mapper';
import { negotiate } from './content-negotiation';
import { FAR_FUTURE } from './data/activity-event.schema';

describe('negotiate', () => {
  const T = 'application/astra-event+json';
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['application/*', 'application/json'],
    ['application/json', 'application/json'],
    [T, T],
    [`application/json, ${T}`, T],
    [`${T};q=0.4, application/json`, 'application/json'],
    [`text/html, */*;q=0.1`, 'application/json'],
  ])('Accept %p -> %s', (accept, expected) => expect(negotiate(accept, T)).toBe(expected));

  it.each([['text/html'], ['application/xml'], ['application/json;q=0'], [`${T};q=0, application/json;q=0`]])('Accept %p -> 406', (accept) => {
    expect(() => negotiate(accept, T)).toThrow(DomainError);
  });
});

describe('visibleTo', () => {
  it.each([
    [undefined, ['viewer', 'member', 'admin', 'owner']],
    [[], ['viewer', 'member', 'admin', 'owner']],
    [['admin'], ['admin', 'owner']],
    [['owner', 'viewer'], ['viewer', 'member', 'admin', 'owner']],
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
