import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { addressOfPeer, canonicalAddress } from './peer-address';

interface MetadataLike {
  get(key: string): unknown[];
}

/** What one call (an HTTP request or a gRPC call) says about its caller, read from the matched route. */
export interface CallParts {
  /** An object that lives exactly as long as the call: the request, or the gRPC call's metadata. */
  carrier: object;
  authorization: unknown;
  /** The account the call addresses: the matched `:account_id` path parameter or the gRPC `accountId` field. */
  accountId: unknown;
  /** The peer's address, spelled alike on both transports (no proxy headers are trusted). */
  address: string;
}

function firstString(value: unknown): unknown {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(first) ? first.toString() : first;
}

export function callParts(context: ExecutionContext): CallParts {
  if (context.getType() === 'rpc') {
    const rpc = context.switchToRpc();
    const metadata = rpc.getContext<MetadataLike>();
    const data = rpc.getData<{ accountId?: unknown } | undefined>();
    const call = context.getArgByIndex<{ getPeer?: () => string } | undefined>(2);
    return {
      carrier: metadata,
      authorization: firstString(metadata?.get?.('authorization')),
      accountId: data?.accountId,
      address: addressOfPeer(call?.getPeer?.()),
    };
  }
  const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; params?: Record<string, unknown>; ip?: string }>();
  return {
    carrier: req,
    authorization: firstString(req.headers.authorization),
    accountId: req.params?.account_id,
    address: canonicalAddress(req.ip),
  };
}

/** The call's parts (token, peer address) on either transport, for asking who the verified caller is. */
export const CallerParts = createParamDecorator((_data: unknown, context: ExecutionContext): CallParts => callParts(context));
