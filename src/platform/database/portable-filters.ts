/**
 * Query conditions for the filter shapes whose meaning differs between MongoDB and FerretDB v1.24, written
 * the one way both stores read alike (docs/store.md), and the few shapes several repositories build alike. The
 * rest of what the code builds (equality, the $gt/$lt family, $ne, $in, $nin, $and, $or, Date bounds) already
 * behaves the same on both.
 */

const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/g;

/** Escapes every regex metacharacter, so the text is a literal in MongoDB's PCRE and FerretDB's RE2 alike. */
export function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

/** The string at `path` (or some element of the string array there) contains `text`, case-sensitively. */
export function containsText(path: string, text: string): Record<string, unknown> {
  return { [path]: { $regex: escapeRegex(text) } };
}

/**
 * The array of objects at `path` has, for each key of `values`, an element with that value: the AND of dotted
 * equalities (`labels.name`, `labels.value`), so the keys may be satisfied by different elements. MongoDB's
 * `$elemMatch` would bind them to one element, but FerretDB v1.24 rejects field conditions inside `$elemMatch`
 * ("unknown operator") and never matches a whole embedded document, so no condition that binds to one element
 * runs on both stores. With a single key, or when the keys' values are unique within the array, the results
 * are what `$elemMatch` would give.
 */
export function arrayElementsHave(path: string, values: Record<string, string>): Record<string, unknown> {
  const pairs = Object.entries(values).map(([key, value]) => ({ [`${path}.${key}`]: value }));
  return pairs.length === 1 ? pairs[0] : { $and: pairs };
}

/** A time window: `from` and `to` inclusive, `before` exclusive; any of them may be absent. */
export interface DateWindow {
  from?: Date;
  to?: Date;
  before?: Date;
}

/**
 * The condition "the Date at `path` is in `window`" (`$gte` from, `$lte` to, `$lt` before), to spread into a
 * filter; empty (no condition) when the window has no bound.
 */
export function dateRange(path: string, window: DateWindow | undefined): Record<string, Record<string, Date>> {
  const range: Record<string, Date> = {};
  if (window?.from) range.$gte = window.from;
  if (window?.to) range.$lte = window.to;
  if (window?.before) range.$lt = window.before;
  return Object.keys(range).length ? { [path]: range } : {};
}
