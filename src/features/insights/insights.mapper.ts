import type { DoraKeys } from './domain/dora';
import type { DoraByServiceResponse, DoraKeysResponse, DoraResponse } from './dto/dora.response';
import type { DoraAnswer, DoraByServiceAnswer } from './insights.service';

function keysOut(k: DoraKeys): DoraKeysResponse {
  return {
    deploymentFrequency: { ...k.deploymentFrequency },
    leadTimeForChanges: { ...k.leadTimeForChanges },
    changeFailureRate: { ...k.changeFailureRate, byReason: { ...k.changeFailureRate.byReason } },
    recoveryTime: { ...k.recoveryTime, bySource: { ...k.recoveryTime.bySource } },
    deploymentReworkRate: { ...k.deploymentReworkRate },
  };
}

const windowOut = (w: { from: Date; to: Date }) => ({ from: w.from.toISOString(), to: w.to.toISOString() });

export function toDoraResponse(a: DoraAnswer): DoraResponse {
  return {
    window: windowOut(a.window),
    environment: a.environment,
    service: a.service,
    ...keysOut(a),
    buckets: a.buckets.map((b) => ({ ...b, start: b.start.toISOString() })),
  };
}

export function toDoraByServiceResponse(a: DoraByServiceAnswer): DoraByServiceResponse {
  return {
    window: windowOut(a.window),
    environment: a.environment,
    services: a.services.map((s) => ({ service: s.service, ...keysOut(s) })),
  };
}
