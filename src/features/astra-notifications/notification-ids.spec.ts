import { randomUUID } from 'node:crypto';
import {
  bannerIdOf,
  eventIdOfBanner,
  eventIdOfNotification,
  isUuidV4,
  notificationIdOf,
  notificationIdOfUnread,
  unreadIdOf,
} from './notification-ids';

const ids = Array.from({ length: 500 }, () => randomUUID());

describe('derived resource ids', () => {
  it('notification id: a different valid UUIDv4 that maps back to the event id', () => {
    for (const eventId of ids) {
      const n = notificationIdOf(eventId);
      expect(isUuidV4(n)).toBe(true);
      expect(n).not.toBe(eventId);
      expect(eventIdOfNotification(n)).toBe(eventId);
    }
  });

  it('banner id: its own valid UUIDv4, different from the notification id, reversible', () => {
    for (const eventId of ids) {
      const b = bannerIdOf(eventId);
      expect(isUuidV4(b)).toBe(true);
      expect(b).not.toBe(eventId);
      expect(b).not.toBe(notificationIdOf(eventId));
      expect(eventIdOfBanner(b)).toBe(eventId);
    }
  });

  it('unread id: valid UUIDv4, reversible given the user, different per user', () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    for (const eventId of ids) {
      const n = notificationIdOf(eventId);
      const a = unreadIdOf(n, alice);
      const b = unreadIdOf(n, bob);
      expect(isUuidV4(a) && isUuidV4(b)).toBe(true);
      expect(a).not.toBe(b);
      expect(a).not.toBe(n);
      expect(notificationIdOfUnread(a, alice)).toBe(n);
      expect(notificationIdOfUnread(b, bob)).toBe(n);
      // Another user's mask gives some other notification id, never this one.
      expect(notificationIdOfUnread(a, bob)).not.toBe(n);
    }
  });

  it('is deterministic: the same input always gives the same id', () => {
    const e = ids[0];
    expect(notificationIdOf(e)).toBe(notificationIdOf(e));
    expect(unreadIdOf(notificationIdOf(e), ids[1])).toBe(unreadIdOf(notificationIdOf(e), ids[1]));
  });

  it.each([
    ['not-a-uuid'],
    ['C32DF10B-8CFB-4A1E-8F2B-000000000000'],
    ['c32df10b-8cfb-5a1e-8f2b-000000000000'],
    ['00000000-0000-0000-0000-000000000000'],
    [42],
    [undefined],
  ])('anything but a lowercase UUIDv4 (%p) maps to nothing', (id) => {
    expect(eventIdOfNotification(id)).toBeUndefined();
    expect(eventIdOfBanner(id)).toBeUndefined();
    expect(notificationIdOfUnread(id, ids[0])).toBeUndefined();
  });
});
