import { createHash } from 'node:crypto';

/**
 * Ids of the resources derived from an activity event (notification, banner, a user's unreadNotification).
 * Each is the source id XOR a 128-bit mask whose version nibble and variant bits are zero, so the result is
 * again a lowercase UUIDv4 (the version and variant pass through unchanged) and XOR-ing the same mask again
 * gives the source back: GET /notifications/{id} finds its event in O(1), with no stored copy to keep in step.
 * The masks are public constants: this hides nothing (whoever can read a notification can read its event) and
 * only gives each resource its own id, as Astra's examples show.
 */

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function maskFrom(label: string): Buffer {
  const mask = createHash('sha256').update(label).digest().subarray(0, 16);
  mask[6] &= 0x0f; // keep the version nibble (high half of byte 6)
  mask[8] &= 0x3f; // keep the two variant bits (top of byte 8)
  return mask;
}

const NOTIFICATION_MASK = maskFrom('tracker:astra-notification:v1');
const BANNER_MASK = maskFrom('tracker:astra-banner:v1');
const userMasks = new Map<string, Buffer>();

/** The per-user mask of unreadNotification ids (cached: a handful of users per instance, 16 bytes each). */
function unreadMask(userId: string): Buffer {
  let mask = userMasks.get(userId);
  if (!mask) {
    mask = maskFrom(`tracker:astra-unreadNotification:v1:${userId}`);
    if (userMasks.size > 10_000) userMasks.clear();
    userMasks.set(userId, mask);
  }
  return mask;
}

function xor(uuid: string, mask: Buffer): string {
  const bytes = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  for (let i = 0; i < 16; i++) bytes[i] ^= mask[i];
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Only lowercase UUIDv4s are ever produced here, so anything else names nothing of ours. */
function unmask(id: unknown, mask: Buffer): string | undefined {
  return typeof id === 'string' && UUID_V4.test(id) ? xor(id, mask) : undefined;
}

export function isUuidV4(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

export function notificationIdOf(eventId: string): string {
  return xor(eventId, NOTIFICATION_MASK);
}
export function eventIdOfNotification(notificationId: unknown): string | undefined {
  return unmask(notificationId, NOTIFICATION_MASK);
}

export function bannerIdOf(eventId: string): string {
  return xor(eventId, BANNER_MASK);
}
export function eventIdOfBanner(bannerId: unknown): string | undefined {
  return unmask(bannerId, BANNER_MASK);
}

export function unreadIdOf(notificationId: string, userId: string): string {
  return xor(notificationId, unreadMask(userId));
}
export function notificationIdOfUnread(unreadId: unknown, userId: string): string | undefined {
  return unmask(unreadId, unreadMask(userId));
}
