import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseInstant, searchWindow } from '../../platform/validation/date-range';
import { DEFAULT_PER_PAGE } from '../tracker-events';
import { CodeChangeRepository } from './data/code-change.repository';
import type { CodeChangeRecord } from './data/code-change.schema';
import { buildCodeChangeRecord, changeId, CodeChangeInput, identityKey } from './domain/code-change-record';
import type { CreateCodeChangeDto, ListCodeChangesQueryDto, ListCodeChangesRequestDto } from './dto/code-change.dto';

/** A change as other modules and the mappers see it (no store types). */
export interface CodeChangeView {
  id: string;
  service: string;
  sha?: string;
  pullRequestLink?: string;
  title?: string;
  mergedAt?: Date;
  committedAt?: Date;
  changedAt: Date;
  source: string;
  createdAt: Date;
}

export interface CodeChangePage {
  items: CodeChangeView[];
  total: number;
  page: number;
  perPage: number;
}

/** What a list asks for, from either transport. */
export interface CodeChangeListFilter {
  service?: string;
  from?: string;
  to?: string;
  page?: number;
  perPage?: number;
}

/**
 * Changes (code that reached a service's main line): one service behind REST, gRPC and the CI/CD intake, and
 * what insights reads for lead time.
 */
@Injectable()
export class CodeChangesService {
  constructor(private readonly changes: CodeChangeRepository) {}

  /**
   * Records a change unless the service already has it (same sha, or same pull request link): `created` says
   * which. Of concurrent creates of one identity, in any number of instances, exactly one stores it (the
   * identity is the record's unique `_id`). `source` is who recorded it (the transport, or an intake).
   */
  async create(dto: CreateCodeChangeDto, source = 'rest'): Promise<{ change: CodeChangeView; created: boolean }> {
    const input = toInput(dto);
    const existing = await this.changes.findByIdentity(input.service, input.sha?.toLowerCase(), input.pullRequestLink);
    if (existing) return { change: toView(existing), created: false };
    const key = identityKey(input);
    const record = buildCodeChangeRecord(input, key ? changeId(key) : randomUUID().replace(/-/g, ''), source, new Date());
    if (await this.changes.insertUnlessExists(record)) return { change: toView(record), created: true };
    const winner = await this.changes.findById(record._id);
    // Only a deleted change could vanish between the refused insert and this read; changes are never deleted.
    if (!winner) throw new Error(`change ${record._id} refused as a duplicate but not found`);
    return { change: toView(winner), created: false };
  }

  /** Newest changedAt first, paged like the events list. */
  async list(filter: CodeChangeListFilter): Promise<CodeChangePage> {
    const page = filter.page ?? 1;
    const perPage = filter.perPage ?? DEFAULT_PER_PAGE;
    const { items, total } = await this.changes.page(
      { service: filter.service, window: searchWindow(filter.from, filter.to) },
      (page - 1) * perPage,
      perPage,
    );
    return { items: items.map(toView), total, page, perPage };
  }

  /** The changes (of one service, or all) whose changedAt lies in [from, to]: one query, in no particular order. */
  async listChangedBetween(filter: { service?: string; from: Date; to: Date }): Promise<CodeChangeView[]> {
    const rows = await this.changes.findAll({ service: filter.service, window: { from: filter.from, to: filter.to } });
    return rows.map(toView);
  }
}

export function listFilterFromQuery(q: ListCodeChangesQueryDto): CodeChangeListFilter {
  return { service: q.service, from: q.from, to: q.to, page: q.page, perPage: q.per_page };
}

export function listFilterFromRequest(r: ListCodeChangesRequestDto): CodeChangeListFilter {
  return { service: r.service, from: r.from, to: r.to, page: r.page, perPage: r.perPage };
}

function toInput(dto: CreateCodeChangeDto): CodeChangeInput {
  return {
    service: dto.service,
    sha: dto.sha,
    pullRequestLink: dto.pullRequestLink,
    title: dto.title,
    mergedAt: dto.mergedAt ? parseInstant(dto.mergedAt) : undefined,
    committedAt: dto.committedAt ? parseInstant(dto.committedAt) : undefined,
  };
}

function toView(r: CodeChangeRecord): CodeChangeView {
  const view: CodeChangeView = { id: r._id, service: r.service, changedAt: r.changedAt, source: r.source, createdAt: r.createdAt };
  if (r.sha) view.sha = r.sha;
  if (r.pullRequestLink) view.pullRequestLink = r.pullRequestLink;
  if (r.title) view.title = r.title;
  if (r.mergedAt) view.mergedAt = r.mergedAt;
  if (r.committedAt) view.committedAt = r.committedAt;
  return view;
}
