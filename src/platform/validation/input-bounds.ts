/**
 * Bounds on what a request may contain, checked before validation (class-transformer, class-validator and
 * Nest's prototype-key stripping, all recursive and all proportional to the input) ever walks it. One
 * iterative walk with hard caps, so a hostile body costs at most O(caps) here and is refused with the first
 * offending field's path; nothing downstream then sees more than the caps allow. docs/security.md lists them.
 */

/** Tighter caps for one field, from the spec (e.g. Astra `visibility` holds at most the four roles). */
export interface FieldBounds {
  /** an array: most entries */
  maxItems?: number;
  /** an object: most keys */
  maxKeys?: number;
  /** a string (or, for an array, each string in it): most UTF-16 code units */
  maxLength?: number;
}

export interface InputBounds {
  /** Most objects/arrays nested in one another (the body itself is level 1). */
  maxDepth: number;
  /** Most values in the whole input (every object, array, string, number... counted once). */
  maxNodes: number;
  /** Most keys in any one object. */
  maxKeys: number;
  /** Most entries in any one array. */
  maxItems: number;
  /** Longest string value. */
  maxLength: number;
  /** Longest object key. */
  maxKeyLength: number;
  /**
   * Per-field caps, keyed by dotted field path without array indices (`attributes.stakeHolders`); an array's
   * entries share its path, so a `maxLength` there applies to each string in it.
   */
  fields: Readonly<Record<string, FieldBounds>>;
}

/**
 * The caps every REST body and query and every gRPC request gets. Far above anything valid: the largest
 * documented input is an Astra event (about 25 fields, two arrays of at most 100 ids) or a tracker event
 * (17 attributes, 100 stake holders, a 10,000-character message), nested at most 3 levels.
 */
export const DEFAULT_INPUT_BOUNDS: InputBounds = Object.freeze({
  maxDepth: 16,
  maxNodes: 10_000,
  maxKeys: 64,
  maxItems: 1_000,
  maxLength: 16_384,
  maxKeyLength: 128,
  fields: Object.freeze({}),
});

export interface BoundsViolation {
  /** the offending field's path (`attributes.message[0][0]`), or the root name */
  name: string;
  reason: string;
}

/** Field paths in errors are cut here: a path is built from the caller's own keys. */
const MAX_REPORTED_NAME = 200;

interface Pending {
  value: unknown;
  /** display path, with indices */
  name: string;
  /** rule path, without indices */
  rule: string;
  /** containers enclosing this value */
  depth: number;
}

function display(name: string, root: string): string {
  // A path into a root array starts with its index: `body[3]`.
  const full = !name ? root : name.startsWith('[') ? `${root}${name}` : name;
  return full.length <= MAX_REPORTED_NAME ? full : `${full.slice(0, MAX_REPORTED_NAME)}...`;
}

function childName(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/**
 * The first place (in document order) where `value` breaks `bounds`, or undefined when it is within them.
 * Iterative (an explicit stack, never recursion), so no nesting depth can overflow the call stack, and it
 * stops at the first violation: at most `maxNodes` values are looked at and at most `maxKeys` keys of any
 * object are read. Only own enumerable keys count; `__proto__` or `constructor` keys are plain data here.
 */
export function findBoundsViolation(
  value: unknown,
  bounds: InputBounds = DEFAULT_INPUT_BOUNDS,
  root = 'body',
): BoundsViolation | undefined {
  const stack: Pending[] = [{ value, name: '', rule: '', depth: 0 }];
  let nodes = 1;
  const fail = (name: string, reason: string): BoundsViolation => ({ name: display(name, root), reason });

  while (stack.length) {
    const { value: v, name, rule, depth } = stack.pop()!;
    const field = bounds.fields[rule];
    if (typeof v === 'string') {
      const max = Math.min(field?.maxLength ?? bounds.maxLength, bounds.maxLength);
      if (v.length > max) return fail(name, `is longer than ${max} characters`);
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;

    if (depth + 1 > bounds.maxDepth) return fail(name, `is nested more than ${bounds.maxDepth} levels deep`);
    if (Array.isArray(v)) {
      const max = Math.min(field?.maxItems ?? bounds.maxItems, bounds.maxItems);
      if (v.length > max) return fail(name, `has more than ${max} entries`);
      nodes += v.length;
      if (nodes > bounds.maxNodes) return fail(name, `makes the input hold more than ${bounds.maxNodes} values`);
      // Reversed, so entries are checked in document order.
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], name: `${name}[${i}]`, rule, depth: depth + 1 });
      continue;
    }

    const maxKeys = Math.min(field?.maxKeys ?? bounds.maxKeys, bounds.maxKeys);
    const keys: string[] = [];
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue;
      if (keys.length === maxKeys) return fail(name, `has more than ${maxKeys} fields`);
      if (key.length > bounds.maxKeyLength) return fail(name, `has a field name longer than ${bounds.maxKeyLength} characters`);
      keys.push(key);
    }
    nodes += keys.length;
    if (nodes > bounds.maxNodes) return fail(name, `makes the input hold more than ${bounds.maxNodes} values`);
    const obj = v as Record<string, unknown>;
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      stack.push({ value: obj[key], name: childName(name, key), rule: childName(rule, key), depth: depth + 1 });
    }
  }
  return undefined;
}

const FIELD_BOUNDS = new WeakMap<object, Readonly<Record<string, FieldBounds>>>();

/**
 * Declares per-field caps for a DTO class (REST body/query or gRPC message), merged over the defaults by
 * `boundsFor`. Caps only ever tighten: a field cannot be given more than the default allows.
 */
export function BoundedInput(fields: Record<string, FieldBounds>): ClassDecorator {
  return (target) => {
    FIELD_BOUNDS.set(target, Object.freeze({ ...fields }));
  };
}

/** The bounds for a DTO class: the defaults plus the fields it declares with @BoundedInput. */
export function boundsFor(metatype: unknown): InputBounds {
  const fields = typeof metatype === 'function' ? FIELD_BOUNDS.get(metatype) : undefined;
  return fields ? { ...DEFAULT_INPUT_BOUNDS, fields } : DEFAULT_INPUT_BOUNDS;
}

/**
 * A gRPC request whose bytes could not be decoded (a nesting past protobufjs' limit, a wrong wire type):
 * grpc-js answers a throwing deserializer with INTERNAL, so the deserializer returns this marker instead and
 * the validation pipe refuses it as invalid input (INVALID_ARGUMENT).
 */
const UNDECODABLE = Symbol('undecodable');

export function undecodable(reason: string): object {
  return { [UNDECODABLE]: reason };
}

export function undecodableReason(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' && UNDECODABLE in value
    ? String((value as Record<symbol, unknown>)[UNDECODABLE])
    : undefined;
}
