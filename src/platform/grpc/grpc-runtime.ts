import { HealthImplementation } from 'grpc-health-check';
import { GRPC_PROTOS, GrpcRuntime } from './grpc.options';

const healthNames = () => ['', ...GRPC_PROTOS.flatMap((p) => p.services)];

/** grpc.health.v1 starts NOT_SERVING and follows the store's readiness ('' is the whole server). */
export function createGrpcRuntime(): GrpcRuntime {
  return { health: new HealthImplementation(Object.fromEntries(healthNames().map((s) => [s, 'NOT_SERVING' as const]))) };
}

export function setGrpcServing(runtime: GrpcRuntime, serving: boolean): void {
  for (const s of healthNames()) runtime.health.setStatus(s, serving ? 'SERVING' : 'NOT_SERVING');
}
