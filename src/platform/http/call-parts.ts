import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CallParts, callParts } from './caller';

/** The call's parts (token, peer address) on either transport, for asking who the verified caller is. */
export const CallerParts = createParamDecorator((_data: unknown, context: ExecutionContext): CallParts => callParts(context));
