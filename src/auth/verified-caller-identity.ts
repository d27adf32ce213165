import { Injectable } from '@nestjs/common';
import type { CallParts } from '../platform/http/call-parts';
import type { CallerIdentity } from '../platform/http/caller-identity';
import { BearerVerifier } from './bearer-verifier';
import { callerKey } from './caller';

/** Platform's CallerIdentity (the rate limit, the scan bound): callerKey over the one BearerVerifier. */
@Injectable()
export class VerifiedCallerIdentity implements CallerIdentity {
  constructor(private readonly verifier: BearerVerifier) {}

  keyOf(parts: CallParts): Promise<string> {
    return callerKey(parts, this.verifier);
  }
}
