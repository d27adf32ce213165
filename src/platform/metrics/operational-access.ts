import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { callParts, type CallParts } from '../http/call-parts';

/**
 * Who may read the service's operational data (/metrics, the readiness counts): a question about the caller's
 * token, so src/auth answers it (AuthModule provides this class with TokenOperationalDataAccess: METRICS_TOKEN
 * or a tracker reader token, open while the tracker API is). Platform asks through this class and reads no
 * token itself.
 */
export abstract class OperationalDataAccess {
  /** Whether this call may read; a missing or bad token is simply "no". */
  abstract mayRead(parts: CallParts): Promise<boolean>;

  /** The same decision as a refusal: 401 without a valid token, 403 for a verified caller who may not read. */
  abstract requireReader(parts: CallParts): Promise<void>;
}

/** /metrics: refused (401/403) to callers who may not read operational data. */
@Injectable()
export class OperationalReaderGuard implements CanActivate {
  constructor(private readonly access: OperationalDataAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.access.requireReader(callParts(context));
    return true;
  }
}
