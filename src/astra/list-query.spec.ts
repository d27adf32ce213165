import { InvalidQueryError } from '../platform/errors/domain-errors';
import { encodeContinueToken } from './continue-token';
import { EVENT_LIKE_SPEC } from '../../test/support/astra-list-fixture';
import { parseListQuery } from './list-query';

const SPEC = EVENT_LIKE_SPEC;

function problem(raw: Record<string, unknown>): InvalidQueryError {
  try {
    parseListQuery(raw, SPEC);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidQueryError);
    return err as InvalidQueryError;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

const token = (orderField: string, desc: boolean, filters = [] as never[], value: unknown = new Date(0), id = 'x') =>
  encodeContinueToken({ orderField, desc, filters }, SPEC.fields[orderField].type, value, id);

describe('parseListQuery defaults and simple parameters', () => {
  it('applies defaults: maxLimit page, default order, no count, no filters', () => {
    expect(parseListQuery({}, SPEC)).toEqual({
      limit: 1000,
      skip: 0,
      filters: [],
      orderBy: { field: 'eventTime', desc: true },
      count: false,
    });
  });

  it.each([
    [{ limit: '25' }, { limit: 25 }],
    [{ limit: '1000' }, { limit: 1000 }],
    [{ limit: '5000' }, { limit: 1000 }],
    [{ limit: '9'.repeat(40) }, { limit: 1000 }],
    [{ skip: '3' }, { skip: 3 }],
    [{ skip: '0' }, { skip: 0 }],
    [{ count: 'true' }, { count: true }],
    [{ orderBy: 'summary' }, { orderBy: { field: 'summary', desc: false } }],
    [{ orderBy: 'sequenceCount desc' }, { orderBy: { field: 'sequenceCount', desc: true } }],
    [{ orderBy: 'sequenceCount%20desc' }, { orderBy: { field: 'sequenceCount', desc: true } }],
    [{ orderBy: 'metadata.creationTimestamp' }, { orderBy: { field: 'metadata.creationTimestamp', desc: false } }],
    [{ include: 'summary,id' }, { include: ['summary', 'id'] }],
    [{ include: 'id' }, { include: ['id'] }],
    [{ continue: '' }, {}],
    [{ visibleTo: 'admin' }, {}],
    [
      { limit: 7, count: true },
      { limit: 7, count: true },
    ],
    [
      { count: false, limit: undefined },
      { count: false, limit: 1000 },
    ],
  ])('%j -> %j', (raw, expected) => {
    expect(parseListQuery(raw, SPEC)).toMatchObject(expected);
  });

  it('keeps include in the requested order, not the resource order', () => {
    expect(parseListQuery({ include: 'sequenceCount,id,summary' }, SPEC).include).toEqual(['sequenceCount', 'id', 'summary']);
  });
});

describe('parseListQuery rejections name the parameter', () => {
  it.each([
    [{ limit: '0' }, 'limit', /must match/],
    [{ limit: '-1' }, 'limit', /must match/],
    [{ limit: 'ten' }, 'limit', /must match/],
    [{ limit: '' }, 'limit', /must match/],
    [{ limit: ['1', '2'] }, 'limit', /at most once/],
    [{ skip: '-3' }, 'skip', /must match/],
    [{ skip: '01' }, 'skip', /must match/],
    [{ skip: '99999999999' }, 'skip', /at most 2147483647/],
    [{ count: 'false' }, 'count', /must match/],
    [{ count: 'TRUE' }, 'count', /must match/],
    [{ include: 'id,' }, 'include', /must match/],
    [{ include: 'id,nope' }, 'include', /unknown field 'nope'/],
    [{ include: 'data' }, 'include', /unknown field 'data'/],
    [{ orderBy: 'nope' }, 'orderBy', /cannot order by 'nope'/],
    [{ orderBy: 'destinations' }, 'orderBy', /cannot order by 'destinations'/],
    [{ orderBy: 'summary asc' }, 'orderBy', /must match/],
    [{ orderBy: 'summary,id' }, 'orderBy', /must match/],
    [{ orderBy: { $gt: '' } }, 'orderBy', /must be a string/],
    [{ continue: 'not base64!' }, 'continue', /base64/],
    [{ continue: 'abc' }, 'continue', /base64/],
    [{ continue: Buffer.from('{"v":1}').toString('base64') }, 'continue', /not a continue token/],
    [{ continue: Buffer.from('garbage').toString('base64') }, 'continue', /not a continue token/],
  ])('%j -> problems/5 naming %s', (raw, name, reason) => {
    const err = problem(raw);
    expect(err.kind).toBe('invalid-query');
    expect(err.extra.invalidParams).toEqual([{ name, reason: expect.stringMatching(reason) }]);
  });

  it('reports every bad parameter at once', () => {
    const err = problem({ limit: '0', skip: 'x', count: 'yes', filter: "nope eq 'x'" });
    expect(err.extra.invalidParams?.map((p) => p.name)).toEqual(['limit', 'skip', 'filter', 'count']);
  });

  it('answers unknown parameters with problems/6 listing each of them', () => {
    const err = problem({ limit: '0', sort: 'x', page: '2' });
    expect(err.kind).toBe('unsupported-query');
    expect(err.extra.invalidParams).toEqual([
      { name: 'sort', reason: expect.stringMatching(/not a supported query parameter/) },
      { name: 'page', reason: expect.stringMatching(/not a supported query parameter/) },
    ]);
  });

  it('does not count a standard-looking but absent parameter as unknown', () => {
    expect(() => parseListQuery({ extra: undefined, other: null }, SPEC)).not.toThrow();
  });

  it('treats object values on unknown keys as unknown parameters', () => {
    expect(problem({ 'filter[field]': { a: 1 } }).kind).toBe('unsupported-query');
  });
});

describe('filter', () => {
  const filters = (filter: unknown) => parseListQuery({ filter }, SPEC).filters;

  it.each([
    ["summary eq 'Disk full'", [{ field: 'summary', op: 'eq', value: 'Disk full' }]],
    ["summary%20in%20'disk'", [{ field: 'summary', op: 'in', value: 'disk' }]],
    ["summary  eq  'a'", [{ field: 'summary', op: 'eq', value: 'a' }]],
    ["sequenceCount gt '41'", [{ field: 'sequenceCount', op: 'gt', value: '41' }]],
    ["sequenceCount gte '-1.5'", [{ field: 'sequenceCount', op: 'gte', value: '-1.5' }]],
    ["data.ttl lte '60'", [{ field: 'data.ttl', op: 'lte', value: '60' }]],
    ["eventTime lt '2024-01-31T12:00:00.123456Z'", [{ field: 'eventTime', op: 'lt', value: '2024-01-31T12:00:00.123456Z' }]],
    ["destinations[*] eq 'banner'", [{ field: 'destinations', op: 'eq', value: 'banner' }]],
    ["metadata.labels[*].name eq 'env'", [{ field: 'metadata.labels.name', op: 'eq', value: 'env' }]],
    [
      `metadata.labels eq '{"name":"env","value":"prod"}'`,
      [{ field: 'metadata.labels', op: 'eq', value: '{"name":"env","value":"prod"}' }],
    ],
    ["summary eq '/path;x=1?[y]'", [{ field: 'summary', op: 'eq', value: '/path;x=1?[y]' }]],
  ])('%s', (filter, expected) => {
    expect(filters(filter)).toEqual(expected);
  });

  it('keeps commas and spaces inside quotes as part of the value', () => {
    expect(filters("summary eq 'a, b eq c',severity eq 'warning'")).toEqual([
      { field: 'summary', op: 'eq', value: 'a, b eq c' },
      { field: 'severity', op: 'eq', value: 'warning' },
    ]);
  });

  it('accepts a space after the separating comma', () => {
    expect(filters("severity eq 'critical', sequenceCount gt '3'")).toHaveLength(2);
  });

  it('ANDs repeated and comma-separated filters together, in order', () => {
    expect(filters(["severity eq 'critical',sequenceCount gt '3'", "summary in 'x,y'"])).toEqual([
      { field: 'severity', op: 'eq', value: 'critical' },
      { field: 'sequenceCount', op: 'gt', value: '3' },
      { field: 'summary', op: 'in', value: 'x,y' },
    ]);
  });

  it.each([
    ["summary eq 'a'b"],
    ["summary eq 'a',"],
    ["summary eq 'a',,severity eq 'b'"],
    ["summary eq 'a' severity eq 'b'"],
    ['summary eq a'],
    ["summary eq ''"],
    ["summary eq 'unterminated"],
    ["summary like 'x'"],
    ["summary eq 'it''s'"],
    ["summary eq 'a+b'"],
    ["summary eq '100%'"],
    ["summary eq 'x' OR 1=1"],
    ["summary.$where eq 'x'"],
    ["nope eq 'x'"],
    ["id[0] eq 'x'"],
    ["sequenceCount gt 'ten'"],
    ["sequenceCount gt '1e3'"],
    ["sequenceCount in '1'"],
    ["eventTime gt 'yesterday'"],
    ["eventTime gt '2024-02-30T00:00:00Z'"],
    ["eventTime gt '2024-01-01T00:00:00+01:00'"],
    ["destinations lt 'b'"],
    [`metadata.labels eq 'env'`],
    [`metadata.labels eq '{"$where":"1"}'`],
    [`metadata.labels eq '{"name":{"a":"b"}}'`],
    [`metadata.labels in '{"name":"x"}'`],
  ])('rejects %s naming filter', (filter) => {
    const err = problem({ filter });
    expect(err.extra.invalidParams).toEqual([{ name: 'filter', reason: expect.any(String) }]);
  });

  it('explains unknown fields with the list of filterable ones', () => {
    expect(problem({ filter: "nope eq 'x'" }).extra.invalidParams?.[0].reason).toMatch(
      /unknown field 'nope'; filterable fields: id, summary/,
    );
  });

  it('reports one problem per bad filter value', () => {
    expect(problem({ filter: ["nope eq 'x'", "summary eq 'ok'", "sequenceCount gt 'x'"] }).extra.invalidParams).toHaveLength(2);
  });
});

describe('continue', () => {
  it('decodes a token issued for the same order and filters into a typed position', () => {
    const f = [{ field: 'severity', op: 'eq', value: 'critical' }] as never[];
    const t = token('eventTime', true, f, '2024-05-01T10:00:00.123Z', 'id-9');
    const q = parseListQuery({ continue: t, filter: "severity eq 'critical'" }, SPEC);
    expect(q.after).toEqual({ value: new Date('2024-05-01T10:00:00.123Z'), id: 'id-9' });
  });

  it.each([
    ['number', 'sequenceCount', 42],
    ['string', 'summary', 'Disk, full'],
    ['null', 'data.ttl', null],
  ])('round-trips a %s order value', (_kind, field, value) => {
    const q = parseListQuery({ orderBy: field, continue: token(field, false, [], value, 'i') }, SPEC);
    expect(q.after).toEqual({ value, id: 'i' });
  });

  it('accepts a token whose + arrived as a space', () => {
    // base64 of ASCII JSON holds '+' only where a '>' lands on a 3-byte boundary: three in a row guarantee it.
    const t = token('eventTime', true, [], new Date(0), 'id>>>');
    expect(t).toContain('+');
    expect(parseListQuery({ continue: t.replace(/\+/g, ' ') }, SPEC).after).toEqual({ value: new Date(0), id: 'id>>>' });
  });

  it('ignores the filter order when matching (same AND set)', () => {
    const t = token('eventTime', true, [
      { field: 'severity', op: 'eq', value: 'a' },
      { field: 'summary', op: 'in', value: 'b' },
    ] as never[]);
    expect(parseListQuery({ continue: t, filter: ["summary in 'b'", "severity eq 'a'"] }, SPEC).after).toEqual({
      value: new Date(0),
      id: 'x',
    });
  });

  it.each([
    ['another order field', { orderBy: 'sequenceCount' }, /issued for orderBy 'eventTime desc'/],
    ['another direction', { orderBy: 'eventTime' }, /issued for orderBy 'eventTime desc'/],
    ['added filters', { filter: "severity eq 'a'" }, /different filters/],
  ])('rejects a token when the query has %s', (_what, raw, reason) => {
    const err = problem({ ...raw, continue: token('eventTime', true) });
    expect(err.extra.invalidParams).toEqual([{ name: 'continue', reason: expect.stringMatching(reason) }]);
  });

  it('rejects a tampered token', () => {
    const body = JSON.parse(Buffer.from(token('eventTime', true), 'base64').toString());
    const edited = Buffer.from(JSON.stringify({ ...body, i: 'other' })).toString('base64');
    expect(problem({ continue: edited }).extra.invalidParams).toEqual([
      { name: 'continue', reason: expect.stringMatching(/not a continue token/) },
    ]);
  });

  it('rejects a token for a field whose value kind does not fit', () => {
    const forged = token('sequenceCount', false, [], 5);
    const body = JSON.parse(Buffer.from(forged, 'base64').toString());
    expect(body.t).toBe('n');
    expect(problem({ orderBy: 'summary', continue: forged }).extra.invalidParams?.[0].name).toBe('continue');
  });

  it('is not checked against a bad orderBy (that one is reported instead)', () => {
    expect(problem({ orderBy: 'nope', continue: token('eventTime', true) }).extra.invalidParams).toEqual([
      { name: 'orderBy', reason: expect.any(String) },
    ]);
  });
});
