import { BoundsViolation, DEFAULT_INPUT_BOUNDS, InputBounds } from './input-bounds';

/*
 * The structural input bounds checked on the raw JSON text, before JSON.parse builds anything: parsing a 1 MB
 * body of 60,000 keys takes tens of milliseconds of the event loop, refusing it here takes microseconds. One
 * pass over the bytes that stops at the first violation; it tracks only nesting, keys per object, entries per
 * array and the number of values. String and key lengths are left to the walk of the parsed body (escapes make
 * the raw length differ from the decoded one), and so is everything when the text is not well-formed JSON:
 * the scan then gives up and JSON.parse reports the syntax error as before.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Bytes that end a bare scalar (true, 12.5, null...). */
function endsScalar(c: number): boolean {
  return (
    c === COMMA ||
    c === CLOSE_ARRAY ||
    c === CLOSE_OBJECT ||
    c === COLON ||
    c === QUOTE ||
    c === OPEN_ARRAY ||
    c === OPEN_OBJECT ||
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

interface Frame {
  object: boolean;
  /** keys (object) or entries (array) so far */
  count: number;
  /** object: the next string is a key */
  expectKey: boolean;
  /** object: the current key's bytes, quotes included */
  keyStart: number;
  keyEnd: number;
}

const MAX_REPORTED_NAME = 200;

/**
 * The first structural violation of `bounds` in the JSON text `buf`, with the field path as far as the scan
 * got, or undefined (within bounds, or not JSON: JSON.parse then says why). UTF-8 is scanned as bytes: the
 * bytes of a multi-byte character are all >= 0x80, so they never look like JSON punctuation.
 */
export function scanJsonBounds(buf: Buffer, bounds: InputBounds = DEFAULT_INPUT_BOUNDS, root = 'body'): BoundsViolation | undefined {
  const stack: Frame[] = [];
  let nodes = 0;

  const keyOf = (f: Frame): string => {
    const raw = buf.toString('utf8', f.keyStart, f.keyEnd);
    try {
      return String(JSON.parse(raw));
    } catch {
      return raw.slice(1, -1);
    }
  };
  /** The path of the value at stack level `levels` (the frames below it locate it). */
  const pathOf = (levels: number): string => {
    let name = '';
    for (let l = 0; l < levels && name.length <= MAX_REPORTED_NAME; l++) {
      const f = stack[l];
      if (f.object) name = name ? `${name}.${keyOf(f)}` : keyOf(f);
      else name = `${name || root}[${Math.max(0, f.count - 1)}]`;
    }
    name = name || root;
    return name.length <= MAX_REPORTED_NAME ? name : `${name.slice(0, MAX_REPORTED_NAME)}...`;
  };
  const fail = (levels: number, reason: string): BoundsViolation => ({ name: pathOf(levels), reason });

  /** A value starts here: count it, and its array entry. */
  const startValue = (): BoundsViolation | undefined => {
    const top = stack[stack.length - 1];
    if (top && !top.object && ++top.count > bounds.maxItems) return fail(stack.length - 1, `has more than ${bounds.maxItems} entries`);
    if (++nodes > bounds.maxNodes) return fail(stack.length, `makes the input hold more than ${bounds.maxNodes} values`);
    return undefined;
  };

  const n = buf.length;
  let i = 0;
  while (i < n) {
    const c = buf[i];
    if (isSpace(c) || c === COLON) {
      i++;
    } else if (c === QUOTE) {
      // The closing quote: the next one not escaped by an odd run of backslashes.
      let j = i + 1;
      for (;;) {
        j = buf.indexOf(QUOTE, j);
        if (j < 0) return undefined;
        let backslashes = 0;
        for (let k = j - 1; k > i && buf[k] === BACKSLASH; k--) backslashes++;
        if (backslashes % 2 === 0) break;
        j++;
      }
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        if (++top.count > bounds.maxKeys) return fail(stack.length - 1, `has more than ${bounds.maxKeys} fields`);
        top.expectKey = false;
        top.keyStart = i;
        top.keyEnd = j + 1;
      } else {
        const v = startValue();
        if (v) return v;
      }
      i = j + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const v = startValue();
      if (v) return v;
      if (stack.length + 1 > bounds.maxDepth) return fail(stack.length, `is nested more than ${bounds.maxDepth} levels deep`);
      stack.push({ object: c === OPEN_OBJECT, count: 0, expectKey: c === OPEN_OBJECT, keyStart: 0, keyEnd: 0 });
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      const top = stack.pop();
      if (!top || top.object !== (c === CLOSE_OBJECT)) return undefined;
      i++;
    } else if (c === COMMA) {
      const top = stack[stack.length - 1];
      if (!top) return undefined;
      if (top.object) top.expectKey = true;
      i++;
    } else {
      const v = startValue();
      if (v) return v;
      i++;
      while (i < n && !endsScalar(buf[i])) i++;
    }
  }
  return undefined;
}
