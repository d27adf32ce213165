import type { EventRange, OverlapResult } from './domain/overlaps';

function side(e: EventRange) {
  return { id: e.id, title: e.title, startDate: e.startDate.toISOString(), endDate: e.endDate?.toISOString() ?? null };
}

/** REST and gRPC answer the same shape (gRPC drops the null end of a running event). */
export function toOverlapsResponse(result: OverlapResult) {
  return {
    groups: result.groups.map((g) => ({
      key: g.key,
      overlaps: g.overlaps.map((p) => ({ a: side(p.a), b: side(p.b), overlapSeconds: p.overlapMs / 1000 })),
      totalOverlaps: g.total,
    })),
    totalOverlaps: result.total,
    truncated: result.truncated,
  };
}
