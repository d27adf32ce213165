import { createHash } from 'node:crypto';
import type { CodeChangeRecord } from '../data/code-change.schema';

/** What a caller says about a change (the POST body / CreateChange request, already validated). */
export interface CodeChangeInput {
  service: string;
  sha?: string;
  pullRequestLink?: string;
  title?: string;
  mergedAt?: Date;
  committedAt?: Date;
}

/**
 * The key a change is recognised by: its commit when it names one, else its pull request, within its service.
 * Null when it names neither (then only an Idempotency-Key makes a retry safe).
 */
export function identityKey(input: Pick<CodeChangeInput, 'service' | 'sha' | 'pullRequestLink'>): string | null {
  if (input.sha) return `sha\n${input.service}\n${input.sha.toLowerCase()}`;
  if (input.pullRequestLink) return `pr\n${input.service}\n${input.pullRequestLink}`;
  return null;
}

/**
 * The stored `_id`: a digest of the identity key (fixed length, whatever the service name or link), so two
 * writers of one change, in any instance, race for the same unique `_id` and exactly one stores it.
 */
export function changeId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** The record of a new change; `changedAt` (merge, else commit time) is what queries and lead time read. */
export function buildCodeChangeRecord(input: CodeChangeInput, id: string, source: string, now: Date): CodeChangeRecord {
  const changedAt = input.mergedAt ?? input.committedAt;
  if (!changedAt) throw new Error('a change needs mergedAt or committedAt (the DTO requires one)');
  const record: CodeChangeRecord = { _id: id, service: input.service, changedAt, source, createdAt: now };
  if (input.sha) record.sha = input.sha.toLowerCase();
  if (input.pullRequestLink) record.pullRequestLink = input.pullRequestLink;
  if (input.title) record.title = input.title;
  if (input.mergedAt) record.mergedAt = input.mergedAt;
  if (input.committedAt) record.committedAt = input.committedAt;
  return record;
}
