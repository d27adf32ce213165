import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CallParts, callParts } from '../common/auth/caller';

/** The call's parts (token, peer address) on either transport, for recording who did something. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CallParts => callParts(context));
