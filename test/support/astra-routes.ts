import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../../src/auth/roles';
import { expectAstraProblem } from './astra-schema';
import { GARBAGE_TOKEN, mintToken } from './auth';
import { expectGrpcError } from './grpc-client';
import type { HttpResult } from './http';

/** One account-scoped operation: who may call it, and what it answers when they do. */
export interface AstraAuthCase {
  account: string;
  /** The token's `sub` (the user in the path on user routes). */
  user: string;
  /** The lowest role that may call it. */
  minRole: Role;
}

const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Every way a caller can be wrong, with the Astra problem it gets: no token (3), not a JWT, malformed claims,
 * another secret, expired (4), an account the token does not name (11).
 */
function tokenFailures({ account, user }: AstraAuthCase): [string, Record<string, string>, number][] {
  return [
    ['no token', {}, 3],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 3],
    ['an empty bearer', { authorization: 'Bearer ' }, 3],
    ['not a JWT', { authorization: GARBAGE_TOKEN }, 4],
    ['malformed claims', asBearer(mintToken({ [account]: 'owner' }, { malformedClaims: true })), 4],
    ['bad signature', asBearer(mintToken({ [account]: 'owner' }, { user, badSignature: true })), 4],
    ['expired', asBearer(mintToken({ [account]: 'owner' }, { user, expired: true })), 4],
    ['another account', asBearer(mintToken({ [randomUUID()]: 'owner' }, { user })), 11],
  ];
}

const rolesFrom = (minRole: Role) => ROLES.filter((r) => ROLES.indexOf(r) >= ROLES.indexOf(minRole));
const rolesBelow = (minRole: Role) => ROLES.filter((r) => ROLES.indexOf(r) < ROLES.indexOf(minRole));

/**
 * The REST auth table of one route: each token failure and each role below `minRole` gets its problem, and
 * every role from `minRole` up gets exactly `success`.
 */
export async function expectAstraAuth(
  send: (headers: Record<string, string>) => Promise<HttpResult>,
  c: AstraAuthCase,
  success: number,
): Promise<void> {
  const cases: [string, Record<string, string>, number | undefined][] = [
    ...tokenFailures(c),
    ...rolesBelow(c.minRole).map((role): [string, Record<string, string>, number] => [
      role,
      asBearer(mintToken({ [c.account]: role }, { user: c.user })),
      11,
    ]),
    ...rolesFrom(c.minRole).map((role): [string, Record<string, string>, undefined] => [
      role,
      asBearer(mintToken({ [c.account]: role }, { user: c.user })),
      undefined,
    ]),
  ];
  for (const [name, headers, problem] of cases) {
    const res = await send(headers);
    try {
      if (problem === undefined) expect(res.status).toBe(success);
      else expectAstraProblem(res, problem);
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
  }
}

const GRPC_CODE: Record<number, status> = { 3: status.UNAUTHENTICATED, 4: status.UNAUTHENTICATED, 11: status.PERMISSION_DENIED };

/** The same table over gRPC: UNAUTHENTICATED / PERMISSION_DENIED for the failures, OK from `minRole` up. */
export async function expectAstraGrpcAuth(call: (metadata: Record<string, string>) => Promise<unknown>, c: AstraAuthCase): Promise<void> {
  for (const [name, metadata, problem] of tokenFailures(c)) {
    await expectGrpcError(call(metadata), GRPC_CODE[problem]).catch((err: Error) => {
      throw new Error(`${name}: ${err.message}`);
    });
  }
  for (const role of rolesBelow(c.minRole)) {
    await expectGrpcError(call(asBearer(mintToken({ [c.account]: role }, { user: c.user }))), status.PERMISSION_DENIED).catch(
      (err: Error) => {
        throw new Error(`${role}: ${err.message}`);
      },
    );
  }
  for (const role of rolesFrom(c.minRole)) {
    await call(asBearer(mintToken({ [c.account]: role }, { user: c.user }))).catch((err: Error) => {
      throw new Error(`${role} must pass: ${err.message}`);
    });
  }
}

/** A method the route does not serve: 405 problems/69 with exactly `allow`, with or without a token. */
export async function expectAstraMethodNotAllowed(
  send: (headers: Record<string, string>) => Promise<HttpResult>,
  token: Record<string, string>,
  allow: string,
): Promise<void> {
  for (const headers of [token, {}]) {
    const res = await send(headers);
    expectAstraProblem(res, 69);
    expect(res.headers.get('allow')).toBe(allow);
  }
}
