import type { CodeChangeView } from './code-changes.service';
import type { CodeChangePageResponse, CodeChangeResponse } from './dto/code-change.response';

export function toCodeChangeResponse(c: CodeChangeView): CodeChangeResponse {
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

export function toCodeChangePageResponse(
  items: CodeChangeView[],
  totalCount: number,
  page: number,
  perPage: number,
): CodeChangePageResponse {
  return { changes: items.map(toCodeChangeResponse), totalCount, page, perPage };
}
