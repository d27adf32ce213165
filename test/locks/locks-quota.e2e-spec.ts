import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { mintToken } from '../support/auth';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * At most LOCKS_MAX_ACTIVE_PER_CALLER (default 100) active locks per caller (issue 24, item 2): the verified
 * token's user, else the client address. The next acquisition is a 429 naming the quota (gRPC
 * RESOURCE_EXHAUSTED); renewing a held lock is not a new one; releasing one frees a slot.
 */

const API = '/api/v1alpha1';
const LOCK_PROTO = join(PROTO_ROOT, 'tracker/lock/v1alpha1/lock.proto');
const QUOTA = 100;

describe('the per-caller lock quota', () => {
  let app: TestApp;
  let locks: UnaryClient;
  const url = (path: string) => `${app.http}${API}${path}`;
  const acquire = (service: string, headers: Record<string, string> = {}, owner = 'ci') =>
    http('POST', url('/locks'), { body: { service, environment: 7, owner, ttlSeconds: 600 }, headers });

  beforeAll(async () => {
    app = await startTestApp();
    locks = grpcClient(app.grpc, LOCK_PROTO, 'tracker.lock.v1alpha1.LockService');
  });
  afterAll(async () => {
    locks?.close();
    await app?.close();
  });

  it('answers the 101st active lock of one address 429 naming LOCKS_MAX_ACTIVE_PER_CALLER; a release frees a slot', async () => {
    const held: { id: string }[] = [];
    for (let i = 0; i < QUOTA; i++) {
      const res = await acquire(`quota-${i}`);
      expect(res.status).toBe(201);
      held.push(res.body);
    }
    const refused = await acquire('quota-over');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: '429', quota: 'LOCKS_MAX_ACTIVE_PER_CALLER', limit: QUOTA });
    expect(refused.body.detail).toContain('LOCKS_MAX_ACTIVE_PER_CALLER');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await http('GET', url('/locks?service=quota-over'))).body.totalCount).toBe(0);

    // Acquiring a lock the caller holds renews it: no new lock, so the quota does not refuse it.
    expect((await acquire('quota-7')).status).toBe(200);
    // Another caller (a verified user) has its own quota, from the same address.
    const other = { authorization: `Bearer ${mintToken({})}` };
    expect((await acquire('quota-other', other)).status).toBe(201);

    expect((await http('DELETE', url(`/locks/${held[0].id}?owner=ci`))).status).toBe(200);
    expect((await acquire('quota-over')).status).toBe(201);
    expect((await acquire('quota-over-again')).status).toBe(429);
  });

  it('counts a user across REST and gRPC: RESOURCE_EXHAUSTED naming the quota', async () => {
    const user = { authorization: `Bearer ${mintToken({})}` };
    for (let i = 0; i < QUOTA; i++) expect((await acquire(`user-${i}`, user)).status).toBe(201);
    const err = await expectGrpcError(
      locks.call('AcquireLock', { service: 'user-over', environment: 7, owner: 'ci', ttlSeconds: 600 }, user),
      status.RESOURCE_EXHAUSTED,
    );
    expect(err.details).toContain('LOCKS_MAX_ACTIVE_PER_CALLER');
  });

  it('concurrent acquisitions of one caller at the quota: never more than the quota on one instance', async () => {
    const user = { authorization: `Bearer ${mintToken({})}` };
    for (let i = 0; i < QUOTA - 5; i++) expect((await acquire(`burst-${i}`, user)).status).toBe(201);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => acquire(`burst-extra-${i}`, user)));
    expect(burst.filter((r) => r.status === 201)).toHaveLength(5);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(15);
  });
});
