import { randomUUID } from 'node:crypto';
import type { CallParts } from '../platform/http/call-parts';
import { AppConfig } from '../platform/config/app-config.service';
import { validateEnv } from '../platform/config/env.schema';
import { BearerVerifier } from './bearer-verifier';
import { TokenOperationalDataAccess } from './operational-access';
import { signTestToken } from '../../test/support/auth';

const SECRET = 'operational-access-spec-secret';
const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

function accessWith(env: Record<string, string>): TokenOperationalDataAccess {
  const config = new AppConfig(validateEnv({ AUTH_JWT_SECRET: SECRET, ...env }));
  return new TokenOperationalDataAccess(config, new BearerVerifier(config));
}
const call = (authorization?: string): CallParts => ({ carrier: {}, authorization, accountId: undefined, address: '127.0.0.1' });
const verified = `Bearer ${signTestToken({ userId: randomUUID(), accounts: {} }, SECRET)}`;

describe('TokenOperationalDataAccess: who may read /metrics and the readiness counts', () => {
  it('is open while the tracker API is (TRACKER_AUTH off, no METRICS_TOKEN)', async () => {
    const access = accessWith({});
    expect(await access.mayRead(call())).toBe(true);
    await expect(access.requireReader(call())).resolves.toBeUndefined();
  });

  it.each([
    ['TRACKER_AUTH=required', { TRACKER_AUTH: 'required', METRICS_TOKEN }],
    ['METRICS_TOKEN set with TRACKER_AUTH off', { METRICS_TOKEN }],
  ])('with %s: the metrics token or a verified token, nothing else', async (_what, env) => {
    const access = accessWith(env);
    const table: [string | undefined, boolean][] = [
      [undefined, false],
      ['Bearer not.a.jwt', false],
      [`Bearer ${METRICS_TOKEN}x`, false],
      [`Bearer ${METRICS_TOKEN.slice(1)}`, false],
      [`Basic ${METRICS_TOKEN}`, false],
      [`Bearer ${METRICS_TOKEN}`, true],
      [`bearer  ${METRICS_TOKEN} `, true],
      [verified, true],
    ];
    for (const [authorization, allowed] of table) {
      expect({ authorization, allowed: await access.mayRead(call(authorization)) }).toEqual({ authorization, allowed });
      const refusal = access.requireReader(call(authorization));
      if (allowed) await expect(refusal).resolves.toBeUndefined();
      else await expect(refusal).rejects.toMatchObject({ kind: expect.stringMatching(/^(unauthenticated|invalid-token)$/) });
    }
  });

  it('with TRACKER_AUTH=required and no METRICS_TOKEN: verified tokens only', async () => {
    const access = accessWith({ TRACKER_AUTH: 'required' });
    expect(await access.mayRead(call(`Bearer ${METRICS_TOKEN}`))).toBe(false);
    expect(await access.mayRead(call(verified))).toBe(true);
  });
});
