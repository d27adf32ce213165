import { randomUUID } from 'node:crypto';
import { authorizeAccount } from '../../auth/account-scope';
import { BearerVerifier } from '../../auth/bearer-verifier';
import type { CallParts } from '../../platform/http/call-parts';
import { DomainError } from '../../platform/errors/domain-errors';
import { AppConfig } from '../../platform/config/app-config.service';
import { validateEnv } from '../../platform/config/env.schema';
import type { LiveLogRepository } from './data/live-log.repository';
import type { LiveMessage } from './domain/live-message';
import { LiveHub } from './live-hub';
import { LiveService, SUBSCRIBER_BUFFER } from './live.service';
import { StreamSlots } from './stream-slots';
import { signTestToken } from '../../../test/support/auth';

const SECRET = 'live-service-spec-secret';
const msg = (position: number): LiveMessage => ({ position, stream: 'tracker', kind: 'created', key: `e${position}`, at: 0, data: {} });

function setup(env: Record<string, string> = {}) {
  const config = new AppConfig(validateEnv({ NODE_ENV: 'test', AUTH_JWT_SECRET: SECRET, STREAMS_MAX_PER_CALLER: '3', ...env }));
  const log = { sharedWithOtherWriters: false, highest: async () => 0, lowest: async () => undefined, readAfter: async () => [] };
  const hub = new LiveHub(log as unknown as LiveLogRepository);
  const slots = new StreamSlots(config);
  const live = new LiveService(hub, log as unknown as LiveLogRepository, slots, new BearerVerifier(config), config);
  return { live, hub, slots };
}

/** A call as callParts reads it: a fresh carrier each time, like one request. */
const call = (authorization?: string, address = '10.0.0.1', accountId?: string): CallParts => ({
  carrier: {},
  authorization,
  accountId,
  address,
});
const tokenOf = (user: string, account: string, expiresInSeconds?: number) =>
  `Bearer ${signTestToken({ userId: user, accounts: { [account]: 'viewer' } }, SECRET, { expiresInSeconds })}`;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('LiveService: stream slots per caller and token expiry', () => {
  it('refuses the stream past STREAMS_MAX_PER_CALLER with a 429 naming the quota; other callers are not affected', async () => {
    const { live, slots } = setup();
    for (let i = 0; i < 3; i++) await live.openTracker(call(), {});
    const refused = await live.openTracker(call(), {}).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      kind: 'rate-limited',
      extra: { retryAfterSeconds: expect.any(Number), members: { quota: 'STREAMS_MAX_PER_CALLER', limit: 3 } },
    });
    expect((refused as Error).message).toContain('STREAMS_MAX_PER_CALLER');
    const other = await live.openTracker(call(undefined, '10.0.0.2'), {});
    expect({ expiresAt: other.expiresAt, held: slots.heldBy('address:10.0.0.2'), full: slots.heldBy('address:10.0.0.1') }).toEqual({
      expiresAt: undefined,
      held: 1,
      full: 3,
    });
  });

  it('counts a user by the verified subject across tracker and activity streams of every account, and addresses apart', async () => {
    const { live, slots } = setup();
    const user = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    await live.openTracker(call(tokenOf(user, a), '10.0.0.1'), {});
    await live.openActivity(
      call(tokenOf(user, a), '10.0.0.2', a),
      authorizeAccount({ userId: user, accounts: { [a]: 'viewer' } }, a, 'viewer'),
    );
    await live.openActivity(
      call(tokenOf(user, b), '10.0.0.3', b),
      authorizeAccount({ userId: user, accounts: { [b]: 'viewer' } }, b, 'viewer'),
    );
    expect(slots.heldBy(`user:${user}`)).toBe(3);
    await expect(live.openTracker(call(tokenOf(user, b), '10.0.0.4'), {})).rejects.toMatchObject({ kind: 'rate-limited' });
    // A token that does not verify is no user: the address counts.
    await live.openTracker(call('Bearer not.a.jwt', '10.0.0.1'), {});
    expect(slots.heldBy('address:10.0.0.1')).toBe(1);
  });

  it('frees the slot exactly once on every end: client gone, overflow, expiry close, shutdown, a failed open', async () => {
    const { live, hub, slots } = setup({ STREAMS_MAX_PER_CALLER: '10' });
    const key = 'address:10.0.0.1';
    const opened = await Promise.all([1, 2, 3].map(() => live.openTracker(call(), {})));
    expect(slots.heldBy(key)).toBe(3);

    opened[0].sub.close();
    opened[0].sub.close();
    await settle();
    expect(slots.heldBy(key)).toBe(2);

    // Overflow ends the stream from the server's side; the consumer's close after it must not free a second slot.
    for (let p = 1; p <= SUBSCRIBER_BUFFER + 1; p++) hub.offer([msg(p)]);
    expect(opened[1].sub.endReason).toBe('overflow');
    opened[1].sub.close();
    await settle();
    expect(slots.heldBy(key)).toBe(0);

    await expect(live.openTracker(call(), {}, { name: 'since', value: 'not-a-cursor' })).rejects.toMatchObject({ kind: 'invalid-query' });
    expect(slots.heldBy(key)).toBe(0);

    await Promise.all([1, 2].map(() => live.openTracker(call(), {})));
    live.endAll();
    await settle();
    expect(slots.heldBy(key)).toBe(0);
    await expect(live.openTracker(call(), {})).rejects.toMatchObject({ kind: 'unavailable' });
    expect(slots.heldBy(key)).toBe(0);
  });

  it('tracker streams expire with a verified token only when TRACKER_AUTH=required; activity streams always', async () => {
    const user = randomUUID();
    const account = randomUUID();
    const token = tokenOf(user, account, 60);
    const expected = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp * 1000;
    const scope = authorizeAccount({ userId: user, accounts: { [account]: 'viewer' } }, account, 'viewer');

    const off = setup();
    expect((await off.live.openTracker(call(token), {})).expiresAt).toBeUndefined();
    expect((await off.live.openActivity(call(token, '10.0.0.1', account), scope)).expiresAt).toBe(expected);

    const required = setup({ TRACKER_AUTH: 'required' });
    expect((await required.live.openTracker(call(token), {})).expiresAt).toBe(expected);
    expect((await required.live.openTracker(call(tokenOf(user, account)), {})).expiresAt).toBeUndefined();
  });
});
