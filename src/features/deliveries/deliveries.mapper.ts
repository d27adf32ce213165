import type { DeliveryRecord } from './delivery/delivery-record';

const iso = (d: Date | string) => new Date(d).toISOString();

/** One event's deliveries as REST and gRPC return them (absent fields stay absent). */
export function toNotificationsResponse(id: string, deliveries: DeliveryRecord[]) {
  return {
    id,
    notifications: deliveries.map((d) => ({
      dedupKey: d.dedupKey,
      channel: d.channel,
      trigger: d.trigger,
      state: d.state,
      attempts: d.attempts.map((a) => ({
        at: iso(a.at),
        ok: a.ok,
        ...(a.error ? { error: a.error } : {}),
        ...(a.detail ? { detail: a.detail } : {}),
      })),
      ...(d.nextAttemptAt ? { nextAttemptAt: iso(d.nextAttemptAt) } : {}),
      createdAt: iso(d.createdAt),
      ...(d.reason ? { reason: d.reason } : {}),
    })),
  };
}
