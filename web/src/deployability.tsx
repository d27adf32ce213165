import { useQuery } from '@tanstack/react-query';
import { apiQuery } from './api/queries';
import type { Deployability, EnvironmentParam } from './api/types';
import { Time, UserText } from './ui';

const KINDS: Record<Deployability['reasons'][number]['kind'], string> = { freeze: 'freeze', lock: 'lock', incident: 'open incident' };

/**
 * May `service` deploy to `environment` now (as `owner`, whose own locks are no reason)? GET /deployability:
 * "Deployable", or "Blocked: <the first reason>" with the others counted, every reason listed on hover and for
 * screen readers, and when the API knows it, the next allowed instant.
 */
export function DeployabilityBadge({ service, environment, owner }: { service: string; environment: number; owner?: string }) {
  const answer = useQuery(
    apiQuery('/api/v1alpha1/deployability', {
      params: { query: { service, environment: environment as EnvironmentParam, ...(owner ? { owner } : {}) } },
    }),
  );
  if (answer.error) return <span className="badge tone-neutral deploy">Deployability unknown</span>;
  if (!answer.data) return <span className="badge tone-neutral deploy">Checking…</span>;
  const { allowed, reasons, nextAllowedAt } = answer.data;
  if (allowed)
    return (
      <span className="badge tone-good deploy" data-deployable="true">
        Deployable
      </span>
    );
  const [first, ...others] = reasons;
  const all = reasons.map((r) => `${KINDS[r.kind]}: ${r.title}`).join('; ');
  return (
    <span className="deploy-wrap">
      <span className="badge tone-bad deploy" data-deployable="false" title={all}>
        Blocked: {KINDS[first.kind]} <UserText>{first.title}</UserText>
        {others.length ? ` and ${others.length} more` : ''}
      </span>
      {others.length ? <span className="sr-only"> ({all})</span> : null}
      {nextAllowedAt ? (
        <span className="muted small">
          {' '}
          until <Time value={nextAllowedAt} />
        </span>
      ) : null}
    </span>
  );
}
