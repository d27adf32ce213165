import { Global, Module } from '@nestjs/common';
import { CallerIdentity } from '../platform/http/caller-identity';
import { OperationalDataAccess } from '../platform/metrics/operational-access';
import { BearerVerifier } from './bearer-verifier';
import { TokenOperationalDataAccess } from './operational-access';
import { VerifiedCallerIdentity } from './verified-caller-identity';

/**
 * Provides the one BearerVerifier (HS256 and OIDC) to every guard, interceptor and service that asks who is
 * calling, and answers the two questions platform asks about a caller through its own classes (CallerIdentity
 * for the per-caller budgets, OperationalDataAccess for /metrics and the readiness counts), so platform never
 * imports auth.
 */
@Global()
@Module({
  providers: [
    BearerVerifier,
    { provide: CallerIdentity, useClass: VerifiedCallerIdentity },
    { provide: OperationalDataAccess, useClass: TokenOperationalDataAccess },
  ],
  exports: [BearerVerifier, CallerIdentity, OperationalDataAccess],
})
export class AuthModule {}
