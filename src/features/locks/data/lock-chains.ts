import { randomBytes } from 'node:crypto';
import { Head, LockState, NO_HEAD } from '../domain/lock-rules';
import type { LockGenerationRecord, LockHeadRecord } from './lock.schema';

/**
 * Which chain of generations a lock key has (docs/locks.md, "Deleting idle keys"). A key's chain is named in its
 * head hint; a key deleted and used again gets a new chain, `<key>@<random>`, so no generation `_id` of a
 * deleted chain is ever written again by a writer of the new one. A key first used by an earlier version keeps
 * its chain, the key itself, with no `chain` field stored.
 */

/** A key's head as read: `chain` is the key's chain (proposed, not yet stored, when the key has no hint). */
export interface LockHead extends Head {
  chain: string;
}

export function newChain(key: string): string {
  return `${key}@${randomBytes(9).toString('base64url')}`;
}

export function chainOfHint(hint: Pick<LockHeadRecord, '_id' | 'chain'>): string {
  return hint.chain ?? hint._id;
}

function chainOfLink(link: Pick<LockGenerationRecord, 'key' | 'chain'>): string {
  return link.chain ?? link.key;
}

/** The chain's field as stored: absent on a key's own chain (earlier versions'), so one condition fits both. */
export function chainCondition(key: string, chain: string): Record<string, unknown> {
  return chain === key ? { chain: { $exists: false } } : { chain };
}

export function chainFields(key: string, chain: string): { chain?: string } {
  return chain === key ? {} : { chain };
}

export function toHead(record: LockGenerationRecord, chain: string): LockHead {
  const queue = record.queue ? { queue: record.queue } : {};
  const value: LockState =
    record.state === 'held'
      ? { state: 'held', lock: record.lock!, ...queue }
      : { state: 'free', ...(record.ended ? { ended: record.ended } : {}), ...queue };
  return { gen: record.gen, value, chain };
}

/** Where reading a key starts: its hint's copy when it is a generation of the hint's chain, else before generation 1. */
export function startOf(hint: LockHeadRecord): LockHead {
  const chain = chainOfHint(hint);
  return hint.head && chainOfLink(hint.head) === chain ? toHead(hint.head, chain) : { ...NO_HEAD, chain };
}
