import type { ChangeView } from './changes.service';
import type { ChangePageResponse, ChangeResponse } from './dto/change.response';

export function toChangeResponse(c: ChangeView): ChangeResponse {
  return {
    id: c.id,
    service: c.service,
    sha: c.sha ?? null,
    pullRequestLink: c.pullRequestLink ?? null,
    title: c.title ?? null,
    mergedAt: c.mergedAt?.toISOString() ?? null,
    committedAt: c.committedAt?.toISOString() ?? null,
    changedAt: c.changedAt.toISOString(),
    source: c.source,
    createdAt: c.createdAt.toISOString(),
  };
}

export function toChangePageResponse(items: ChangeView[], totalCount: number, page: number, perPage: number): ChangePageResponse {
  return { changes: items.map(toChangeResponse), totalCount, page, perPage };
}
