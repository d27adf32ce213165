import { Metadata } from '@grpc/grpc-js';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** What a server-streaming handler needs of its grpc-js call: backpressure and cancellation. */
export interface StreamingCall {
  writableNeedDrain?: boolean;
  cancelled?: boolean;
  /** Sends the response headers now (grpc-js otherwise sends them with the first message). */
  sendMetadata?(metadata: Metadata): void;
  once(event: 'drain' | 'cancelled' | 'close' | 'finish', listener: () => void): unknown;
  removeListener(event: 'drain' | 'cancelled' | 'close' | 'finish', listener: () => void): unknown;
}

/** The grpc-js call of a server-streaming @GrpcMethod (its third argument). */
export const GrpcCall = createParamDecorator((_data: unknown, context: ExecutionContext): StreamingCall =>
  context.getArgByIndex<StreamingCall>(2),
);
