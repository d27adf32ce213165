import fc from 'fast-check';
import mongoose, { Connection, Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { LockRepository } from '../../src/features/locks/data/lock.repository';
import { LOCK_GENERATION_MODEL, LOCK_HEAD_MODEL, LOCK_ID_MODEL, LockModelDefinitions } from '../../src/features/locks/data/lock.schema';
import type { HeldLock, LockKey } from '../../src/features/locks/domain/lock-rules';
import { LockLeases } from '../../src/features/locks/lock-leases';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';

/*
 * The lock engine against a sequential model, on the real store, with an injected clock (fast-check: at least
 * 300 runs, FUZZ_RUNS raises it). A run is a few steps; a step moves the clock or starts a batch of up to four
 * operations at once (acquire, renew, release, get, and at most one list or expiry sweep). Operations of one
 * batch overlap in time, so the batch's answers must equal the model's for SOME order of the batch (checked over
 * every permutation, from every state an earlier batch may have left); batches follow each other. This checks
 * mutual exclusion (the model never lets two owners hold a key, and a batch of concurrent acquisitions of one
 * key yields at most one new lock) and every answer.
 */

const RUNS = Math.max(300, Number(process.env.FUZZ_RUNS) || 0);
const T0 = Date.UTC(2024, 0, 1);
const RESOURCES = ['deployment', 'migration', 'cache'];
const OWNERS = ['alice', 'bob', 'carol'];
const TTLS = [10, 20, 30];

type Op =
  | { kind: 'acquire'; key: number; owner: number; ttl: number }
  | { kind: 'renew'; ref: number; owner: number; ttl?: number }
  | { kind: 'release'; ref: number; owner?: number; force: boolean }
  | { kind: 'get'; ref: number }
  | { kind: 'list' }
  | { kind: 'expire' };
type Step = { advance: number } | { batch: Op[] };

/** What an answer says, in terms both the engine and the model can state. */
type Said = Record<string, unknown>;

interface ModelLock {
  id: string;
  key: number;
  owner: string;
  acquiredAt: number;
  expiresAt: number;
  ttl: number;
}

/** The sequential model: one optional held generation per key (a held one past its expiry holds nothing). */
class LockModel {
  constructor(
    readonly held: (ModelLock | undefined)[] = RESOURCES.map(() => undefined),
    readonly known = new Set<string>(),
  ) {}

  clone(): LockModel {
    return new LockModel([...this.held], new Set(this.known));
  }

  /** The state, as text: two models with the same state answer everything the same. */
  state(): string {
    return JSON.stringify({ held: this.held, known: [...this.known].sort() });
  }

  private active(key: number, now: number): ModelLock | undefined {
    const l = this.held[key];
    return l && l.expiresAt > now ? l : undefined;
  }

  private byId(id: string, now: number): ModelLock | undefined {
    return this.held.map((_, k) => this.active(k, now)).find((l) => l?.id === id);
  }

  /** Applies `op` with the engine's answer `real` (whose new lock ids it adopts); returns what the model says. */
  apply(op: ResolvedOp, now: number, real: Said): Said {
    switch (op.kind) {
      case 'acquire': {
        const current = this.active(op.key, now);
        if (current && current.owner === op.owner) {
          this.held[op.key] = { ...current, expiresAt: now + op.ttl * 1000, ttl: op.ttl };
          return { outcome: 'renewed', ...view(this.held[op.key]!) };
        }
        if (current) return { outcome: 'refused', holder: current.id };
        const expired = this.held[op.key];
        const id = typeof real.id === 'string' && !this.known.has(real.id) ? real.id : '(a new id)';
        this.known.add(id);
        this.held[op.key] = { id, key: op.key, owner: op.owner, acquiredAt: now, expiresAt: now + op.ttl * 1000, ttl: op.ttl };
        return { outcome: 'acquired', ...view(this.held[op.key]!), expired: expired?.id };
      }
      case 'renew': {
        const lock = this.byId(op.id, now);
        if (!lock) return { outcome: 'not-found' };
        if (lock.owner !== op.owner) return { outcome: 'not-owner' };
        const ttl = op.ttl ?? lock.ttl;
        this.held[lock.key] = { ...lock, expiresAt: now + ttl * 1000, ttl };
        return { outcome: 'ok', ...view(this.held[lock.key]!) };
      }
      case 'release': {
        const lock = this.byId(op.id, now);
        if (!lock) return { outcome: 'not-found' };
        if (lock.owner !== op.owner && !op.force) return { outcome: 'not-owner' };
        this.held[lock.key] = undefined;
        return { outcome: 'ok', how: lock.owner === op.owner ? 'released' : 'forced' };
      }
      case 'get': {
        const lock = this.byId(op.id, now);
        return lock ? { found: true, ...view(lock) } : { found: false };
      }
      case 'list':
        // the engine lists by service, environment, then resource name
        return {
          locks: this.held
            .flatMap((_, k) => this.active(k, now) ?? [])
            .sort((a, b) => RESOURCES[a.key].localeCompare(RESOURCES[b.key]))
            .map(view),
        };
      case 'expire': {
        const ended = this.held.flatMap((l, k) => (l && l.expiresAt <= now ? [k] : []));
        ended.forEach((k) => (this.held[k] = undefined));
        return { ended: ended.map((k) => RESOURCES[k]).sort() };
      }
    }
  }
}

function view(l: ModelLock | { lockId: string; owner: string; acquiredAt: Date; expiresAt: Date; key?: number }): Said {
  if ('lockId' in l) return { id: l.lockId, owner: l.owner, acquiredAt: l.acquiredAt.getTime(), expiresAt: l.expiresAt.getTime() };
  return { id: l.id, owner: l.owner, acquiredAt: l.acquiredAt, expiresAt: l.expiresAt };
}

type ResolvedOp =
  | { kind: 'acquire'; key: number; owner: string; ttl: number }
  | { kind: 'renew'; id: string; owner: string; ttl?: number }
  | { kind: 'release'; id: string; owner?: string; force: boolean }
  | { kind: 'get'; id: string }
  | { kind: 'list' }
  | { kind: 'expire' };

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const ref = fc.nat({ max: 7 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      key: fc.nat({ max: 2 }),
      owner: fc.nat({ max: 2 }),
      ttl: fc.constantFrom(...TTLS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('renew' as const),
      ref,
      owner: fc.nat({ max: 2 }),
      ttl: fc.option(fc.constantFrom(...TTLS), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      ref,
      owner: fc.option(fc.nat({ max: 2 }), { nil: undefined }),
      force: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('get' as const), ref }) },
);
const multiKey: fc.Arbitrary<Op> = fc.constantFrom<Op>({ kind: 'list' }, { kind: 'expire' });
const batch = fc
  .tuple(fc.array(op, { minLength: 1, maxLength: 4 }), fc.option(multiKey, { freq: 4 }))
  .map(([ops, extra]) => (extra ? [...ops.slice(0, 3), extra] : ops));
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: batch.map((b) => ({ batch: b })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 25 }).map((advance) => ({ advance })) },
);

describe(`lock engine vs a sequential model, on the real store (${RUNS} runs)`, () => {
  let connection: Connection;
  let leases: LockLeases;
  let now = T0;
  let run = 0;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testStoreUri(freshDatabaseName('locks_model'))).asPromise();
    const model = (name: string) => connection.model(name, LockModelDefinitions.find((d) => d.name === name)!.schema) as Model<any>;
    const repo = new LockRepository(model(LOCK_GENERATION_MODEL), model(LOCK_HEAD_MODEL), model(LOCK_ID_MODEL));
    leases = new LockLeases(repo, () => new Date(now));
  });
  afterAll(async () => {
    await connection?.close();
  });

  /** Runs one resolved operation on the engine and says what it answered. */
  async function perform(service: string, o: ResolvedOp): Promise<Said> {
    const key = (k: number): LockKey => ({ service, environment: 7, resource: RESOURCES[k] });
    switch (o.kind) {
      case 'acquire': {
        const a = await leases.acquire(key(o.key), { owner: o.owner, ttlSeconds: o.ttl });
        if (a.outcome === 'refused') return { outcome: 'refused', holder: a.holder.lockId };
        return { outcome: a.outcome, ...view(a.lock), ...(a.outcome === 'acquired' ? { expired: a.expired?.lockId } : {}) };
      }
      case 'renew': {
        const a = await leases.renew(o.id, o.owner, o.ttl);
        return a.outcome === 'ok' ? { outcome: 'ok', ...view(a.lock) } : { outcome: a.outcome };
      }
      case 'release': {
        const a = await leases.release(o.id, { owner: o.owner, force: o.force, by: 'test' });
        return a.outcome === 'ok' ? { outcome: 'ok', how: a.how } : { outcome: a.outcome };
      }
      case 'get': {
        const found = await leases.get(o.id);
        return found ? { found: true, ...view(found.lock) } : { found: false };
      }
      case 'list':
        return { locks: (await leases.list({ service })).map((l) => view(l.lock)) };
      case 'expire':
        return { ended: (await leases.expireAll({ service })).map((l: { key: LockKey; lock: HeldLock }) => l.key.resource).sort() };
    }
  }

  it('answers every interleaving as some sequential order would, never two holders of one key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
        const service = `run-${run++}`;
        let models = [new LockModel()];
        const ids: string[] = [];
        const resolve = (o: Op): ResolvedOp => {
          const id = (r: number) => (r < ids.length ? ids[r] : randomUUID());
          switch (o.kind) {
            case 'acquire':
              return { kind: 'acquire', key: o.key, owner: OWNERS[o.owner], ttl: o.ttl };
            case 'renew':
              return { kind: 'renew', id: id(o.ref), owner: OWNERS[o.owner], ttl: o.ttl };
            case 'release':
              return { kind: 'release', id: id(o.ref), owner: o.owner === undefined ? undefined : OWNERS[o.owner], force: o.force };
            case 'get':
              return { kind: 'get', id: id(o.ref) };
            default:
              return o;
          }
        };
        for (const s of steps) {
          if ('advance' in s) {
            now += s.advance * 1000;
            continue;
          }
          const ops = s.batch.map(resolve);
          const answers = await Promise.all(ops.map((o) => perform(service, o)));
          // Mutual exclusion, stated directly: concurrent acquisitions of one key create at most one lock.
          for (let k = 0; k < RESOURCES.length; k++) {
            expect(answers.filter((a, i) => a.outcome === 'acquired' && (ops[i] as { key?: number }).key === k).length).toBeLessThanOrEqual(
              1,
            );
          }
          const indexes = ops.map((_, i) => i);
          // Every state some order of the batch leaves, from every state the earlier batches may have left: two
          // orders can explain the same answers and still leave different states (one owner's two renewals with
          // different ttls both answer with their own expiry; the later one decides what stays).
          const explained = new Map<string, LockModel>();
          for (const start of models)
            for (const order of permutations(indexes)) {
              const candidate = start.clone();
              const ok = order.every((i) => JSON.stringify(candidate.apply(ops[i], now, answers[i])) === JSON.stringify(answers[i]));
              if (ok) explained.set(candidate.state(), candidate);
            }
          if (explained.size === 0) {
            const said = indexes.map((i) => models[0].clone().apply(ops[i], now, answers[i]));
            throw new Error(`no order of the batch explains the answers:\n${JSON.stringify({ ops, answers, modelAlone: said }, null, 1)}`);
          }
          models = [...explained.values()];
          for (const a of answers) if (a.outcome === 'acquired' && !ids.includes(a.id as string)) ids.push(a.id as string);
        }
        // Each run starts from an empty store (nothing of a finished run is in flight), so every run costs the same.
        await Promise.all(['lock_generations', 'lock_heads', 'lock_ids'].map((c) => connection.db!.collection(c).deleteMany({})));
      }),
      { numRuns: RUNS },
    );
  });
});
