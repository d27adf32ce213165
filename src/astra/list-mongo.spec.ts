import { EVENT_LIKE_SPEC as SPEC } from '../../test/support/astra-list-fixture';
import { InvalidQueryError } from '../platform/errors/domain-errors';
import { toMongoQuery } from './list-mongo';
import { ListQuery, parseListQuery } from './list-query';

const mongo = (raw: Record<string, unknown>) => toMongoQuery(parseListQuery(raw, SPEC), SPEC);
const D = (iso: string) => new Date(iso);

describe('toMongoQuery filters', () => {
  it.each([
    ["summary eq 'Disk full'", { summary: 'Disk full' }],
    ["id eq 'abc'", { _id: 'abc' }],
    ["summary lt 'm'", { summary: { $lt: 'm' } }],
    ["summary gte 'm'", { summary: { $gte: 'm' } }],
    ["summary in 'disk'", { summary: { $regex: 'disk' } }],
    ["summary in 'a.b?[c]^'", { summary: { $regex: 'a\\.b\\?\\[c\\]\\^' } }],
    ['summary in \'{"gt":1}\'', { summary: { $regex: '\\{"gt":1\\}' } }],
    ['summary eq \'{"gt":1}\'', { summary: '{"gt":1}' }],
    ["sequenceCount eq '7'", { sequenceCount: 7 }],
    ["sequenceCount gt '7'", { sequenceCount: { $gt: 7 } }],
    ["data.ttl lte '0.5'", { 'data.ttl': { $lte: 0.5 } }],
    ["sequenceCount lt '-3'", { sequenceCount: { $lt: -3 } }],
    ["eventTime eq '2024-01-31T12:00:00Z'", { eventTime: D('2024-01-31T12:00:00Z') }],
    ["eventTime gte '2024-01-31T12:00:00.120Z'", { eventTime: { $gte: D('2024-01-31T12:00:00.120Z') } }],
    ["eventTime lt '2024-01-31T12:00:00,5Z'", { eventTime: { $lt: D('2024-01-31T12:00:00.500Z') } }],
    ["eventTime lt '2024-01-31T12:00:00.123000000Z'", { eventTime: { $lt: D('2024-01-31T12:00:00.123Z') } }],
    // Finer than a millisecond: the same set expressed on the millisecond floor.
    ["eventTime gt '2024-01-31T12:00:00.1234Z'", { eventTime: { $gt: D('2024-01-31T12:00:00.123Z') } }],
    ["eventTime gte '2024-01-31T12:00:00.1234Z'", { eventTime: { $gt: D('2024-01-31T12:00:00.123Z') } }],
    ["eventTime lt '2024-01-31T12:00:00.1234Z'", { eventTime: { $lte: D('2024-01-31T12:00:00.123Z') } }],
    ["eventTime lte '2024-01-31T12:00:00.1234Z'", { eventTime: { $lte: D('2024-01-31T12:00:00.123Z') } }],
    ["eventTime eq '2024-01-31T12:00:00.1234Z'", { eventTime: { $in: [] } }],
    ["destinations eq 'banner'", { destinations: 'banner' }],
    ["destinations[*] in 'ann'", { destinations: { $regex: 'ann' } }],
    ["metadata.labels.name eq 'env'", { 'metadata.labels.name': 'env' }],
    [
      `metadata.labels eq '{"name":"env","value":"prod"}'`,
      { $and: [{ 'metadata.labels.name': 'env' }, { 'metadata.labels.value': 'prod' }] },
    ],
    [`metadata.labels eq '{"value":"prod"}'`, { 'metadata.labels.value': 'prod' }],
  ])('%s', (filter, expected) => {
    expect(mongo({ filter }).filter).toEqual(expected);
  });

  it('ANDs several filters', () => {
    expect(mongo({ filter: ["severity eq 'critical',sequenceCount gt '3'", "summary in 'x'"] }).filter).toEqual({
      $and: [{ severity: 'critical' }, { sequenceCount: { $gt: 3 } }, { summary: { $regex: 'x' } }],
    });
  });

  it('has an empty filter when there are no conditions', () => {
    expect(mongo({})).toMatchObject({ filter: {}, countFilter: {} });
  });

  it('keeps operator-looking values of hand-built queries (the parser refuses $) as plain operands', () => {
    const q: ListQuery = {
      ...parseListQuery({}, SPEC),
      filters: [
        { field: 'summary', op: 'eq', value: '{"$gt":""}' },
        { field: 'summary', op: 'in', value: '.*$' },
      ],
    };
    expect(toMongoQuery(q, SPEC).filter).toEqual({ $and: [{ summary: '{"$gt":""}' }, { summary: { $regex: '\\.\\*\\$' } }] });
  });

  it('refuses a hand-built non-numeric number filter naming filter', () => {
    const q: ListQuery = { ...parseListQuery({}, SPEC), filters: [{ field: 'sequenceCount', op: 'gt', value: 'x' }] };
    expect(() => toMongoQuery(q, SPEC)).toThrow(InvalidQueryError);
    try {
      toMongoQuery(q, SPEC);
    } catch (err) {
      expect((err as InvalidQueryError).extra.invalidParams).toEqual([{ name: 'filter', reason: expect.stringMatching(/not a number/) }]);
    }
  });

  it('refuses a hand-built filter on an unknown field', () => {
    const q: ListQuery = { ...parseListQuery({}, SPEC), filters: [{ field: '$where', op: 'eq', value: 'x' }] };
    expect(() => toMongoQuery(q, SPEC)).toThrow(InvalidQueryError);
  });
});

describe('toMongoQuery sort, skip, limit', () => {
  it.each([
    [{}, { eventTime: -1, _id: -1 }],
    [{ orderBy: 'sequenceCount' }, { sequenceCount: 1, _id: 1 }],
    [{ orderBy: 'summary desc' }, { summary: -1, _id: -1 }],
    [{ orderBy: 'id' }, { _id: 1 }],
    [{ orderBy: 'id desc' }, { _id: -1 }],
  ])('%j sorts by %j', (raw, sort) => {
    const out = mongo(raw);
    expect(out.sort).toEqual(sort);
    expect(Object.keys(out.sort)).toEqual(Object.keys(sort));
  });

  it('asks for one row more than the page and passes skip through', () => {
    expect(mongo({ limit: '3', skip: '4' })).toMatchObject({ limit: 4, skip: 4 });
    expect(mongo({})).toMatchObject({ limit: 1001, skip: 0 });
  });
});

describe('toMongoQuery continue position', () => {
  const base = (over: Partial<ListQuery>): ListQuery => ({ ...parseListQuery({}, SPEC), ...over });
  const t = D('2024-01-01T00:00:00Z');

  it('is strictly after (value, id) descending, with missing values last', () => {
    const out = toMongoQuery(base({ after: { value: t, id: 'm' } }), SPEC);
    expect(out.filter).toEqual({ $or: [{ eventTime: { $lt: t } }, { eventTime: t, _id: { $lt: 'm' } }, { eventTime: null }] });
  });

  it('is strictly after (value, id) ascending, missing values having come first', () => {
    const q = base({ orderBy: { field: 'sequenceCount', desc: false }, after: { value: 5, id: 'm' } });
    expect(toMongoQuery(q, SPEC).filter).toEqual({ $or: [{ sequenceCount: { $gt: 5 } }, { sequenceCount: 5, _id: { $gt: 'm' } }] });
  });

  it.each([
    [false, { $or: [{ 'data.ttl': null, _id: { $gt: 'm' } }, { 'data.ttl': { $ne: null } }] }],
    [true, { 'data.ttl': null, _id: { $lt: 'm' } }],
  ])('after a missing value (desc=%s)', (desc, expected) => {
    const q = base({ orderBy: { field: 'data.ttl', desc }, after: { value: null, id: 'm' } });
    expect(toMongoQuery(q, SPEC).filter).toEqual(expected);
  });

  it('orders by the id alone when the order field is the id', () => {
    const q = base({ orderBy: { field: 'id', desc: false }, after: { value: 'm', id: 'm' } });
    expect(toMongoQuery(q, SPEC).filter).toEqual({ _id: { $gt: 'm' } });
  });

  it('ANDs the position with the filters, and leaves it out of countFilter', () => {
    const q = base({ filters: [{ field: 'severity', op: 'eq', value: 'x' }], after: { value: t, id: 'm' } });
    const out = toMongoQuery(q, SPEC);
    expect(out.filter).toEqual({ $and: [{ severity: 'x' }, expect.objectContaining({ $or: expect.any(Array) })] });
    expect(out.countFilter).toEqual({ severity: 'x' });
  });

  it('turns an ISO string position on a time field into a Date', () => {
    const out = toMongoQuery(base({ after: { value: '2024-01-01T00:00:00.000Z', id: 'm' } }), SPEC);
    expect((out.filter.$or as Record<string, unknown>[])[1]).toEqual({ eventTime: t, _id: { $lt: 'm' } });
  });
});
