import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { EventWriteContext, newWriteContext } from './event-write-hooks';

/** The request header (REST) and call metadata key (gRPC) carrying the reason for deploying through a freeze. */
export const FREEZE_OVERRIDE = 'x-freeze-override';

/** The most characters of an override reason kept in the changelog. */
const MAX_REASON = 500;

function firstText(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (Buffer.isBuffer(first)) return first.toString('utf8');
  return typeof first === 'string' ? first : undefined;
}

/**
 * The write context of an event create or update: the override reason from the `X-Freeze-Override` header, or
 * the `x-freeze-override` metadata of a gRPC call (trimmed, at most 500 characters kept). The freezes hook reads
 * it, with the same admin rule on both transports.
 */
export const EventWriteContextOf = createParamDecorator((_data: unknown, context: ExecutionContext): EventWriteContext => {
  const raw =
    context.getType() === 'rpc'
      ? firstText(context.switchToRpc().getContext<{ get?: (key: string) => unknown[] } | undefined>()?.get?.(FREEZE_OVERRIDE))
      : firstText(context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[FREEZE_OVERRIDE]);
  const reason = raw?.trim().slice(0, MAX_REASON);
  return newWriteContext(reason ? { override: reason } : {});
});

/** The warnings a write context gathered (FREEZE_ENFORCE=off), as RFC 9111 `Warning` values (warn-code 199). */
export function warningValue(context: EventWriteContext): string | undefined {
  return context.warnings.length ? context.warnings.map((w) => `199 tracker ${JSON.stringify(w)}`).join(', ') : undefined;
}

/** What a handler needs of its gRPC call: sending response metadata. */
export interface GrpcCallLike {
  sendMetadata?: (metadata: Metadata) => void;
}

/** The gRPC call of a handler (for its response metadata). */
export const GrpcCall = createParamDecorator((_data: unknown, context: ExecutionContext): GrpcCallLike | undefined =>
  context.getArgByIndex<GrpcCallLike | undefined>(2),
);

/** Sends a write context's warnings as the call's initial metadata `warning` (what the REST header says). */
export function sendWarnings(call: GrpcCallLike | undefined, context: EventWriteContext): void {
  const value = warningValue(context);
  if (!value || !call?.sendMetadata) return;
  const metadata = new Metadata();
  metadata.set('warning', value);
  call.sendMetadata(metadata);
}
