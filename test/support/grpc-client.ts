import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '../../src/platform/grpc/grpc.options';

export interface UnaryClient {
  call<T = Record<string, unknown>>(method: string, request?: object, metadata?: Record<string, string>): Promise<T>;
  /**
   * Opens a server-streaming call and cancels it once it is open (the server sent its headers): resolves then,
   * rejects with the call's error when it ended first, or with DEADLINE_EXCEEDED when neither came in time.
   */
  openStream(method: string, request?: object, metadata?: Record<string, string>, timeoutMs?: number): Promise<void>;
  close(): void;
}

/**
 * A raw @grpc/grpc-js client for one service, built from our .proto files like an outside caller would.
 * `channelOptions` e.g. `{ 'grpc.use_local_subchannel_pool': 1 }`: a connection of its own, not shared with other clients.
 */
export function grpcClient(address: string, protoFile: string, serviceName: string, channelOptions?: grpc.ChannelOptions): UnaryClient {
  const definition = protoLoader.loadSync(protoFile, PROTO_LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition);
  const Ctor = serviceName.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], loaded) as
    grpc.ServiceClientConstructor | undefined;
  if (!Ctor) throw new Error(`service ${serviceName} not found in ${protoFile}`);
  const client = new Ctor(address, grpc.credentials.createInsecure(), channelOptions);
  return {
    call<T>(method: string, request: object = {}, metadata: Record<string, string> = {}): Promise<T> {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      return new Promise<T>((resolve, reject) => {
        const fn = (client as unknown as Record<string, (...args: unknown[]) => void>)[method];
        if (typeof fn !== 'function') return reject(new Error(`no method ${method}`));
        fn.call(client, request, md, { deadline: Date.now() + 15000 }, (err: grpc.ServiceError | null, res: T) =>
          err ? reject(err) : resolve(res),
        );
      });
    },
    openStream(method: string, request: object = {}, metadata: Record<string, string> = {}, timeoutMs = 15000): Promise<void> {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      return new Promise<void>((resolve, reject) => {
        const fn = (client as unknown as Record<string, (...args: unknown[]) => grpc.ClientReadableStream<unknown>>)[method];
        if (typeof fn !== 'function') return reject(new Error(`no method ${method}`));
        const call = fn.call(client, request, md);
        const timer = setTimeout(() => {
          call.cancel();
          reject(
            Object.assign(new Error(`${method} neither opened nor ended in ${timeoutMs} ms`), { code: grpc.status.DEADLINE_EXCEEDED }),
          );
        }, timeoutMs);
        call.on('data', () => undefined);
        call.on('metadata', () => {
          clearTimeout(timer);
          resolve();
          call.cancel();
        });
        call.on('error', (err: grpc.ServiceError) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    },
    close: () => client.close(),
  };
}

/** Expects a call to fail with `code`; returns the error for further checks. */
export async function expectGrpcError(promise: Promise<unknown>, code: grpc.status): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (err) {
    const e = err as grpc.ServiceError;
    if (e.code !== code) throw new Error(`expected gRPC code ${grpc.status[code]}, got ${grpc.status[e.code]}: ${e.details}`);
    return e;
  }
  throw new Error(`expected gRPC code ${grpc.status[code]}, but the call succeeded`);
}
