import { parseEnvironment, parsePriority, parseStatus, parseType } from './enums';

describe('enumeration flags: name, label or number', () => {
  it.each([
    [parseEnvironment, 'production', 7],
    [parseEnvironment, 'Pre-production', 6],
    [parseEnvironment, 'PRE_PRODUCTION', 6],
    [parseEnvironment, '7', 7],
    [parsePriority, 'P2 (High)', 2],
    [parsePriority, 'p1', 1],
    [parseStatus, 'success', 3],
    [parseType, 'RPA Usage', 5],
    [parseType, 'rpausage', 5],
  ])('%p(%p) = %p', (parse, raw, expected) => expect(parse(raw)).toBe(expected));

  it.each([
    [parseEnvironment, 'moon'],
    [parseStatus, '2'],
    [parseType, '0'],
  ])('refuses %p(%p), listing the values', (parse, raw) => expect(() => parse(raw)).toThrow(/must be one of/));
});
