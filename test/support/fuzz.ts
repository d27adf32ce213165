import fc from 'fast-check';
import { Agent, request } from 'node:http';
import { reportFigure } from './figures';
import { validateAgainstOpenApi } from './openapi-validator';

/*
 * Hostile inputs for the fuzz suites, built once and cheaply (fc.sample over a fixed seed; big strings are
 * shared constants, not regenerated), and a keep-alive HTTP sender that runs them many at a time.
 */

/** Inputs per endpoint per run; FUZZ_RUNS raises (or lowers) it for every endpoint. */
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1000) || 1000);

/**
 * The CI count of an endpoint whose inputs mostly reach the store (FerretDB sorts, counts and aggregates in
 * memory, so these cost 10-50 ms each on 2 cores): `cap` unless FUZZ_RUNS is set, then FUZZ_RUNS.
 */
export function runsFor(cap: number): number {
  return process.env.FUZZ_RUNS === undefined ? Math.min(cap, FUZZ_RUNS) : FUZZ_RUNS;
}
/** FUZZ_SEED replays a run; the seed is in the fuzz suites' names. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

const HUGE = 'x'.repeat(300_000);
const OVER_LIMIT = 'y'.repeat(1_100_000);

/**
 * Names that render as `payments` (or nearly) and are not it: bidirectional controls, zero width and other
 * invisible characters, a no-break space, a soft hyphen, tag characters, surrounding spaces. Identifiers refuse
 * them (src/platform/validation/identifier.ts); free text keeps them.
 */
export const LOOK_ALIKE_NAMES = [
  'pay\u202Ements',
  'pay\u200Bments',
  '\uFEFFpayments',
  'pay\u00ADments',
  'pay\u2060ments',
  '\u2066payments\u2069',
  'payments\u200E',
  'pay\u00A0ments',
  'payments\u{E0041}',
  'pay\u3164ments',
  ' payments',
];

/** `valid` names, and now and then a look-alike one (a field whose stored values must all pass isIdentifier). */
export const withLookAlikes = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...LOOK_ALIKE_NAMES) });

/** `text` with every character outside printable ASCII as <U+XXXX>, for failure messages a reader can see. */
export function visible(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

/** Strings that have broken services before: operators, regexes, paths, dates, ids, control and astral characters. */
const NASTY_STRINGS = [
  '',
  ' ',
  '$gt',
  '{"$gt":""}',
  '{"$ne":null}',
  '.*',
  '^(a+)+$',
  '(',
  '[',
  '\\',
  "' or '1'='1",
  "name eq 'x' or 1 eq 1",
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\ud800',
  '\uffff',
  '😀👍🏽',
  'Ω≈ç√∫',
  'ﷺ',
  '\u202e',
  ...LOOK_ALIKE_NAMES,
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  '0x10',
  '2024-13-45',
  '2024-02-30T25:61:61Z',
  '0000-00-00',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.001Z',
  '2024-01-15T10:00:00Z',
  '2024-01-15',
  'not-a-date',
  '507f1f77bcf86cd799439011',
  'ffffffffffffffffffffffff',
  '507f1f77bcf86cd79943901',
  '507f1f77bcf86cd799439011 ',
  '00000000-0000-0000-0000-000000000000',
  '8e03978e-40d5-43e8-bc93-6894a57f9324',
  '8E03978E-40D5-43E8-BC93-6894A57F9324',
  'Europe/Paris',
  'Mars/Olympus_Mons',
  'UTC+25',
  HUGE,
];

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

/** Mongo operators and prototype keys as values. */
const operatorObject = fc.constantFrom<Record<string, unknown>>(
  { $gt: '' },
  { $ne: null },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  { $expr: { $eq: [1, 1] } },
  { $in: [1, 2, 3] },
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
);

const numberish = fc.oneof(
  fc.integer(),
  fc.integer({ min: -3, max: 12 }),
  fc.double(),
  fc.constantFrom(0, -0, 1.5, 2 ** 31, 2 ** 53 + 1, 1e308),
);

export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: numberish },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Anything JSON can carry, biased towards hostile content; shallow, so inputs stay cheap. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileScalar },
  { weight: 2, arbitrary: operatorObject },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), hostileScalar, { maxKeys: 3 }) },
);

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', '$gt', 'a.b', '_id', 'id', ''),
  fc.string({ maxLength: 8 }),
);

/**
 * A record whose fields are each valid (from `valid`), hostile, or missing, plus maybe extra keys (including
 * `__proto__`, set as an own property the way JSON.parse does). Some results are entirely valid.
 */
export function mutatedRecord(valid: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    Object.entries(valid).map(([k, arb]) => [
      k,
      // Mostly valid per field, so a fair share of whole records is valid (and gets written).
      fc.oneof({ weight: 24, arbitrary: arb }, { weight: 1, arbitrary: hostileValue }, { weight: 1, arbitrary: fc.constant(MISSING) }),
    ]),
  );
  return fc.tuple(fc.record(fields), maybe(fc.tuple(hostileKey, hostileValue), 8)).map(([rec, extra]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) if (v !== MISSING) out[k] = v;
    if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
    return out;
  });
}
const MISSING = Symbol('missing');

/** `arb` once in `every` draws, otherwise null (fc.option's freq is the other way round). */
function maybe<T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

/**
 * A body sent as this exact JSON text: nesting deeper than JSON.stringify can write (it overflows the stack
 * at a few thousand levels), or keys by the ten thousand, built once as text.
 */
export class RawJson {
  constructor(readonly text: string) {}
  /** Logs and failure reports show the size, not the text. */
  toJSON(): string {
    return `<raw JSON, ${this.text.length} characters: ${this.text.slice(0, 60)}...>`;
  }
}

/** Shapes past the input bounds (docs/security.md), each as JSON text, shared by every sample. */
const OVERSIZED_SHAPES: string[] = [
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
  JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))),
  JSON.stringify(new Array(50_000).fill(0)),
  JSON.stringify(['viewer', 'member', 'admin', 'owner', 'viewer2']),
];
const PLACEHOLDER = '\u0000oversized\u0000';

/** A record with one of its fields (or `title`) replaced by an oversized shape. */
function oversized(record: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<RawJson> {
  return fc.tuple(record, fc.nat(), fc.constantFrom(...OVERSIZED_SHAPES)).map(([rec, pick, shape]) => {
    const keys = Object.keys(rec).filter((k) => k !== '__proto__');
    const key = keys.length ? keys[pick % keys.length] : 'title';
    return new RawJson(JSON.stringify({ ...rec, [key]: PLACEHOLDER }).replace(JSON.stringify(PLACEHOLDER), () => shape));
  });
}

/**
 * A whole body: mostly a mutated record, sometimes something that is not an object at all, or a record with a
 * field past the input bounds (nested 10,000 deep, 20,000 keys, 50,000 entries, five roles), rarely over 1 MB.
 */
export function hostileBody(record: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 20, arbitrary: record },
    { weight: 1, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.array(record, { maxLength: 2 }) },
    { weight: 1, arbitrary: oversized(record) },
    { weight: 1, arbitrary: fc.constant({ title: OVER_LIMIT }) },
  );
}

/**
 * Percent-encodes UTF-8 bytes like encodeURIComponent, but never throws: a lone surrogate becomes U+FFFD, as
 * any client's UTF-8 encoder would send it.
 */
export function pct(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Query strings: the endpoint's parameters (valid or hostile, repeated or bracketed), plus stray ones. */
export function hostileQuery(params: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  // URLs stay under Node's 16 KB header limit here (past it the HTTP server itself answers 431; a test of its own).
  const text = nastyString.filter((s) => s.length < 4000);
  const one = (name: string, arb: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 12, arbitrary: arb.map((v) => [[name, v]]) },
      { weight: 2, arbitrary: text.map((v) => [[name, v]]) },
      // repeated parameter (arrives as an array) and bracket forms (qs-style nested objects)
      {
        weight: 1,
        arbitrary: fc.tuple(arb, text).map(([a, b]) => [
          [name, a],
          [name, b],
        ]),
      },
      { weight: 1, arbitrary: fc.constantFrom('[$gt]', '[$ne]', '[__proto__]', '[]').map((s) => [[`${name}${s}`, '1']]) },
      { weight: 8, arbitrary: fc.constant([] as string[][]) },
    );
  const parts = Object.entries(params).map(([k, arb]) => one(k, arb));
  return fc.tuple(fc.tuple(...parts), maybe(fc.tuple(hostileKey, text), 8)).map(([lists, extra]) => {
    const pairs: string[][] = lists.flat();
    if (extra) pairs.push([extra[0], extra[1]]);
    return pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
  });
}

/** A path segment: a hostile string, URL-encoded (it may decode to anything, including slashes). */
export const hostileSegment: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 3, arbitrary: nastyString.filter((s) => s.length < 5000).map(pct) },
    // raw: a stray %, invalid UTF-8 after decoding, dot segments
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%C3%28', '%ED%A0%80', '%FF', '..', '.', '%2e%2e', '%2F') },
  )
  .filter((s) => s.length > 0);

export function samples<T>(arb: fc.Arbitrary<T>, runs = FUZZ_RUNS, seed = FUZZ_SEED): T[] {
  return fc.sample(arb, { numRuns: runs, seed });
}

/** One keep-alive pool for all fuzz traffic: node:http is cheaper per request than fetch. */
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export interface Outcome {
  status: number;
  input: unknown;
  body: string;
}

/** Sends `inputs` through `send`, `concurrency` at a time; returns every outcome in input order. */
export async function runAll<T>(
  inputs: T[],
  send: (input: T) => Promise<{ status: number; body: string }>,
  concurrency = 16,
): Promise<Outcome[]> {
  const out: Outcome[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      try {
        const t0 = Date.now();
        const slow = setTimeout(() => process.stderr.write(`slow (>5 s): ${JSON.stringify(inputs[i])?.slice(0, 300)}\n`), 5000);
        const r = await send(inputs[i]).finally(() => clearTimeout(slow));
        if (process.env.FUZZ_DEBUG && Date.now() - t0 > 1000)
          process.stderr.write(`took ${Date.now() - t0} ms: ${JSON.stringify(inputs[i])?.slice(0, 200)}\n`);
        out[i] = { status: r.status, input: inputs[i], body: r.body };
      } catch (err) {
        out[i] = { status: 0, input: inputs[i], body: String(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** One HTTP request on the keep-alive pool; a body is sent as JSON (a RawJson as its text). */
export function send(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : Buffer.from(body instanceof RawJson ? body.text : (JSON.stringify(body) ?? 'null'));
  const h: Record<string, string | number> = { ...headers };
  if (payload) {
    h['content-type'] ??= 'application/json';
    h['content-length'] = payload.length;
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: h, agent, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const answer = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() };
        try {
          // Node's parser refuses an over-long URL (431, answered by answerClientError) before any route is matched.
          if (answer.status !== 431) {
            const target = new URL(url);
            validateAgainstOpenApi({
              method,
              origin: target.origin,
              path: `${target.pathname}${target.search}`,
              status: answer.status,
              header: (name) => {
                const value = res.headers[name.toLowerCase()];
                return Array.isArray(value) ? value.join(', ') : value;
              },
              text: answer.body,
            });
          }
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        resolve(answer);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A GET of a streaming endpoint: an error answer is read whole; a 200 must be `text/event-stream`, and is closed
 * as soon as its first bytes arrive (the stream itself never ends). Its own connection each time (no agent).
 */
export function sendStreamOpen(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, timeout: 20_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 200) {
        res.once('data', (c: Buffer) => {
          const type = String(res.headers['content-type'] ?? '');
          resolve({ status: type.startsWith('text/event-stream') ? 200 : 500, body: `${type} ${c.toString()}` });
          req.destroy();
        });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', reject);
    req.end();
  });
}

/** The outcomes that are not 2xx/4xx (5xx, or no answer at all), shortened for a readable failure. */
export function serverErrors(outcomes: Outcome[]): { status: number; input: string; body: string }[] {
  return outcomes
    .filter((o) => o.status < 200 || o.status >= 500 || (o.status >= 300 && o.status < 400))
    .slice(0, 5)
    .map((o) => ({ status: o.status, input: JSON.stringify(o.input)?.slice(0, 300) ?? String(o.input), body: o.body.slice(0, 300) }));
}

/** Reports one endpoint's figures (how many inputs, how fast, the status histogram) for the run's summary. */
export function record(name: string, outcomes: { status: number }[], ms: number): void {
  const hist: Record<number, number> = {};
  for (const o of outcomes) hist[o.status] = (hist[o.status] ?? 0) + 1;
  const fivexx = outcomes.filter((o) => o.status >= 500 || o.status === 0).length;
  if (process.env.FUZZ_DEBUG) {
    const reasons: Record<string, number> = {};
    for (const o of outcomes as Outcome[]) {
      if (o.status !== 400) continue;
      let why = o.body;
      try {
        const b = JSON.parse(o.body);
        why = JSON.stringify(b.invalidFields ?? b.invalidParams ?? b.detail) ?? o.body;
      } catch {
        // not JSON: the raw body is the reason
      }
      why = String(why)
        .replace(/"reason":"[^"]*"/g, '')
        .slice(0, 80);
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
    reportFigure(
      `${name} 400 reasons: ${JSON.stringify(
        Object.entries(reasons)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8),
      )}`,
    );
  }
  reportFigure(
    `${name}: ${outcomes.length} inputs in ${Math.round(ms)} ms (${Math.round((outcomes.length * 1000) / Math.max(ms, 1))}/s), 5xx ${fivexx}, ${JSON.stringify(hist)}`,
  );
}
