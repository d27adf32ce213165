import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccountScope, authorizeAccount } from './account-scope';
import { BearerVerifier } from './bearer-verifier';
import { authenticate } from './caller';
import { callParts } from '../platform/http/call-parts';
import { Role } from './roles';

const MIN_ROLE = 'tracker:min-role';
/** Scopes granted by the guard, keyed by the HTTP request or the gRPC call's metadata object. */
const granted = new WeakMap<object, AccountScope>();

/** The lowest role a handler needs in the account (default: any role, i.e. viewer). */
export const RequireRole = (role: Role) => SetMetadata(MIN_ROLE, role);

/**
 * Bearer-JWT auth for account-scoped routes, on HTTP (`Authorization` header, `:account_id` path parameter)
 * and gRPC (`authorization` metadata, `account_id` request field). Runs before pipes, so a caller without a
 * valid token learns nothing from body or query validation. Order: 401 (missing 3 / invalid 4), then 400
 * problems/33 (account id format), then 403 problems/11 (account not in token, or role too low).
 */
@Injectable()
export class AccountGuard implements CanActivate {
  constructor(
    private readonly verifier: BearerVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const minRole = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE, [context.getHandler(), context.getClass()]) ?? 'viewer';
    const parts = callParts(context);
    const principal = await authenticate(parts, this.verifier);
    granted.set(parts.carrier, authorizeAccount(principal, parts.accountId, minRole));
    return true;
  }
}

/** The AccountScope the AccountGuard granted for this call (HTTP or gRPC). */
export const AuthScope = createParamDecorator((_data: unknown, context: ExecutionContext): AccountScope => {
  const scope = granted.get(callParts(context).carrier);
  if (!scope) throw new Error('@AuthScope() used on a handler without AccountGuard');
  return scope;
});
