import { GrpcOptions, Transport } from '@nestjs/microservices';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Server } from '@grpc/grpc-js';
import { join } from 'node:path';
import { REPO_ROOT } from '../repo-root';
import { undecodable } from '../validation/input-bounds';

export const PROTO_ROOT = join(REPO_ROOT, 'proto');
const HEALTH_PROTO = 'grpc/health/v1/health.proto';

/** Every gRPC package the app serves, the file that defines it (relative to proto/) and its services. */
export const GRPC_PROTOS: { package: string; file: string; services: string[] }[] = [
  { package: 'tracker.system.v1', file: 'tracker/system/v1/system.proto', services: ['tracker.system.v1.SystemService'] },
  { package: 'tracker.event.v1alpha1', file: 'tracker/event/v1alpha1/event.proto', services: ['tracker.event.v1alpha1.EventService'] },
  { package: 'tracker.lock.v1alpha1', file: 'tracker/lock/v1alpha1/lock.proto', services: ['tracker.lock.v1alpha1.LockService'] },
  {
    package: 'tracker.freeze.v1alpha1',
    file: 'tracker/freeze/v1alpha1/freeze.proto',
    services: ['tracker.freeze.v1alpha1.FreezeService', 'tracker.freeze.v1alpha1.DeployabilityService'],
  },
  { package: 'tracker.change.v1alpha1', file: 'tracker/change/v1alpha1/change.proto', services: ['tracker.change.v1alpha1.ChangeService'] },
  {
    package: 'tracker.incident.v1alpha1',
    file: 'tracker/incident/v1alpha1/incident.proto',
    services: ['tracker.incident.v1alpha1.IncidentService'],
  },
  {
    package: 'tracker.insights.v1alpha1',
    file: 'tracker/insights/v1alpha1/insights.proto',
    services: ['tracker.insights.v1alpha1.InsightsService'],
  },
  { package: 'astra.core.v1', file: 'astra/core/v1/event.proto', services: ['astra.core.v1.EventService'] },
  { package: 'astra.core.v1', file: 'astra/core/v1/notification.proto', services: ['astra.core.v1.NotificationService'] },
];

/**
 * Field names stay snake_case in the .proto files; handlers see camelCase (the proto JSON names), so REST and
 * gRPC share one set of DTOs. Scalars left unset arrive as undefined, not as zero values.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: false,
  arrays: false,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export interface GrpcRuntime {
  health: HealthImplementation;
  server?: Server;
}

/**
 * The gRPC server: our services from proto/, plus server reflection (so `grpcurl list` works without
 * proto files) and the standard grpc.health.v1 service.
 */
export function buildGrpcOptions(url: string, runtime: GrpcRuntime): GrpcOptions {
  const files = GRPC_PROTOS.map((p) => p.file);
  return {
    transport: Transport.GRPC,
    options: {
      url,
      // Once per package: Nest adds every service of a listed package, so a repeat would add them twice.
      package: [...new Set(GRPC_PROTOS.map((p) => p.package))],
      protoPath: files,
      loader: PROTO_LOADER_OPTIONS,
      gracefulShutdown: true,
      maxReceiveMessageLength: 1024 * 1024,
      onLoadPackageDefinition: (pkg: protoLoader.PackageDefinition, server: Server) => {
        runtime.server = server;
        refuseUndecodableRequests(pkg);
        // Our copy of health.proto: the package's own has a map field that reflection cannot describe.
        // keepCase: reflection must describe the .proto's own field names (start_date), or grpcurl only
        // accepts the camelCase forms the handlers see.
        const all = protoLoader.loadSync([...files, HEALTH_PROTO], { ...PROTO_LOADER_OPTIONS, keepCase: true });
        new ReflectionService(all).addToServer(server);
        runtime.health.addToServer(server);
      },
    },
  };
}

/**
 * grpc-js answers a request whose bytes do not decode (groups nested past protobufjs' recursion limit, a wrong
 * wire type) with INTERNAL, as if it were the server's fault. Each request deserializer returns a marker
 * instead, which the global validation pipe refuses as invalid input: INVALID_ARGUMENT, like any bad input.
 */
export function refuseUndecodableRequests(pkg: protoLoader.PackageDefinition): void {
  for (const service of Object.values(pkg)) {
    if ('format' in service) continue; // a message or enum type, not a service
    for (const method of Object.values(service)) {
      const decode = method.requestDeserialize;
      method.requestDeserialize = (bytes: Buffer) => {
        try {
          return decode(bytes);
        } catch (err) {
          return undecodable((err as Error)?.message ?? 'malformed message');
        }
      };
    }
  }
}
