import { randomUUID } from 'node:crypto';
import { toMongoQuery } from '../../astra/list-mongo';
import { parseListQuery } from '../../astra/list-query';
import { DomainError } from '../../platform/errors/domain-errors';
import { NOTIFICATIONS_LIST_SPEC } from './astra-notifications.mapper';
import { toEventListQuery } from './derived-list';
import { eventIdOfNotification, notificationIdOf } from './notification-ids';

const derived = { id: eventIdOfNotification };
/** The events query the repository runs for a notifications list query. */
const query = (raw: Record<string, unknown>) =>
  toMongoQuery(toEventListQuery(parseListQuery(raw, NOTIFICATIONS_LIST_SPEC), derived), NOTIFICATIONS_LIST_SPEC);

describe('toEventListQuery', () => {
  it('passes ordinary filters through to the page and the count', () => {
    expect(query({})).toMatchObject({ filter: {}, countFilter: {}, sort: { eventTime: -1, _id: -1 } });
    const q = query({ filter: "severity eq 'critical'" });
    expect(q.filter).toEqual({ severity: 'critical' });
    expect(q.countFilter).toEqual(q.filter);
  });

  it('rewrites eq on a derived id to the event id it names; an id that names nothing matches nothing', () => {
    const eventId = randomUUID();
    expect(query({ filter: `id eq '${notificationIdOf(eventId)}'` }).filter).toEqual({ _id: eventId });
    expect(query({ filter: "id eq 'x'" }).filter).toEqual({ _id: '' });
  });

  it('refuses other operators on a derived id and ordering by it (problems/5)', () => {
    expect(() => query({ filter: "id in 'ab'" })).toThrow(DomainError);
    expect(() => query({ filter: "id gt 'ab'" })).toThrow(DomainError);
    expect(() => query({ orderBy: 'id' })).toThrow(DomainError);
    expect(() => query({ orderBy: 'id desc' })).toThrow(expect.objectContaining({ kind: 'invalid-query' }));
  });
});
