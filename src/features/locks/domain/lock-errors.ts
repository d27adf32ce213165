import { DomainError } from '../../../platform/errors/domain-errors';
import type { HeldLock, LockKey } from './lock-rules';

/** The holder as a refusal shows it: REST problem member `holder`, and in the message (gRPC carries only that). */
export function holderView(lock: HeldLock) {
  return {
    id: lock.lockId,
    owner: lock.owner,
    reason: lock.reason ?? null,
    acquiredAt: lock.acquiredAt.toISOString(),
    expiresAt: lock.expiresAt.toISOString(),
  };
}

/** 409 `urn:tracker:problems:locked` (gRPC ALREADY_EXISTS): another owner holds the key. */
export class LockedError extends DomainError {
  constructor(key: LockKey, holder: HeldLock, also?: string) {
    super(
      'locked',
      `The ${key.resource} lock of ${key.service} in environment ${key.environment} is held by ${JSON.stringify(holder.owner)} ` +
        `(lock ${holder.lockId}, until ${holder.expiresAt.toISOString()}${holder.reason ? `, reason: ${JSON.stringify(holder.reason)}` : ''})` +
        `${also ? `, and ${also}` : ''}.`,
      { members: { holder: holderView(holder) } },
    );
  }
}

/**
 * 403 `urn:tracker:problems:not-lock-owner` (gRPC PERMISSION_DENIED): renewing or releasing another owner's
 * lock, or (AUTO_LOCK=on, TRACKER_AUTH=required) finishing an event whose lock another caller holds.
 */
export class NotLockOwnerError extends DomainError {
  constructor(lockId: string, holder: HeldLock, refused = 'renew or release it (or release it with force=true)') {
    super('not-lock-owner', `Lock ${lockId} is held by ${JSON.stringify(holder.owner)}; only its owner may ${refused}.`);
  }
}

/** The variable that sets how many active locks one caller may hold; named in the 429. */
export const LOCK_QUOTA_VARIABLE = 'LOCKS_MAX_ACTIVE_PER_CALLER';

/**
 * 429 `urn:tracker:problems:rate-limited` (gRPC RESOURCE_EXHAUSTED): the caller holds as many locks as it may.
 * Retry-After: when the first of them runs out, unless released or renewed before.
 */
export class LockQuotaError extends DomainError {
  constructor(limit: number, retryAfterSeconds: number) {
    super(
      'rate-limited',
      `This caller already holds ${limit} active locks, the most ${LOCK_QUOTA_VARIABLE} allows; release one (or let one expire) first.`,
      { members: { quota: LOCK_QUOTA_VARIABLE, limit }, retryAfterSeconds },
    );
  }
}
