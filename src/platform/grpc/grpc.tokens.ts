/** The shared gRPC runtime (health implementation, server handle) as a provider token. */
export const GRPC_RUNTIME = Symbol('GRPC_RUNTIME');
