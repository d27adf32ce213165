import fc from 'fast-check';
import * as protoLoader from '@grpc/proto-loader';
import { GRPC_PROTOS, PROTO_LOADER_OPTIONS } from '../../src/platform/grpc/grpc.options';
import { nastyString } from './fuzz';

/*
 * The gRPC fuzz suite's method table, read from the protos the app serves (GRPC_PROTOS): every method of every
 * served service, with an arbitrary for its request message built from the message's fields. A new method is
 * fuzzed as soon as its .proto is served; a suite adds only what the proto cannot say.
 */

/** A field left out of a message (protobuf has no undefined: an absent field). */
export const MISSING = Symbol('missing');

/** Mostly `valid`, sometimes a hostile string, sometimes absent. */
export const str = (valid: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: nastyString }, { weight: 1, arbitrary: fc.constant(MISSING) });
/** Mostly `valid`, sometimes any int32, sometimes absent. */
export const int = (valid: fc.Arbitrary<number>) =>
  fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
    { weight: 1, arbitrary: fc.constant(MISSING) },
  );
/** A repeated string field: valid entries, or hostile ones. */
export const strs = (valid: fc.Arbitrary<string>) => fc.oneof(fc.array(valid, { maxLength: 3 }), fc.array(nastyString, { maxLength: 3 }));
/** A message of `fields` (each an arbitrary that may answer MISSING). */
export function msg(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== MISSING)));
}

interface FieldDescriptor {
  name: string;
  label: string;
  type: string;
  typeName: string;
}
interface MessageDescriptor {
  field: FieldDescriptor[];
}

export interface GrpcFuzzMethod {
  /** `package.Service/Method`, the call's path without its slash: the key of a suite's per-method extras. */
  key: string;
  /** The fully qualified service and the proto file (under proto/) that defines it. */
  service: string;
  file: string;
  method: string;
  /** Server streaming: the call is opened (headers received) and cancelled. */
  streaming: boolean;
  /** Hostile requests built from the request message's fields (names as handlers see them: camelCase). */
  request: fc.Arbitrary<Record<string, unknown>>;
}

const INTEGER_TYPES = new Set(['TYPE_INT32', 'TYPE_INT64', 'TYPE_UINT32', 'TYPE_UINT64', 'TYPE_SINT32', 'TYPE_SINT64']);

/** Every method of every service the app serves, in GRPC_PROTOS order. */
export function servedGrpcMethods(): GrpcFuzzMethod[] {
  const definition = protoLoader.loadSync(
    GRPC_PROTOS.map((p) => p.file),
    PROTO_LOADER_OPTIONS,
  );
  /** A field's message type: typeName is relative to the package (or fully qualified with a leading dot). */
  const lookup = (pkg: string, typeName: string): MessageDescriptor | undefined => {
    const name = typeName.startsWith('.') ? typeName.slice(1) : `${pkg}.${typeName}`;
    return (definition[name] as { type?: MessageDescriptor } | undefined)?.type;
  };
  const message = (pkg: string, type: MessageDescriptor, depth: number): fc.Arbitrary<Record<string, unknown>> =>
    msg(
      Object.fromEntries(
        type.field.map((f) => {
          const nested = f.type === 'TYPE_MESSAGE' ? lookup(pkg, f.typeName) : undefined;
          const one: fc.Arbitrary<unknown> =
            f.type === 'TYPE_STRING'
              ? fc.string({ maxLength: 20 })
              : INTEGER_TYPES.has(f.type)
                ? fc.integer({ min: 0, max: 10 })
                : f.type === 'TYPE_BOOL'
                  ? fc.boolean()
                  : nested && depth < 3
                    ? message(pkg, nested, depth + 1)
                    : fc.constant(MISSING);
          const valid = f.label === 'LABEL_REPEATED' ? fc.array(one, { maxLength: 3 }) : one;
          const hostile =
            f.type === 'TYPE_STRING' ? nastyString : INTEGER_TYPES.has(f.type) ? fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) : valid;
          const field = fc.oneof(
            { weight: 12, arbitrary: valid },
            { weight: 1, arbitrary: f.label === 'LABEL_REPEATED' ? fc.array(hostile, { maxLength: 3 }) : hostile },
            { weight: 1, arbitrary: fc.constant(MISSING) },
          );
          return [f.name, field];
        }),
      ),
    );
  return GRPC_PROTOS.flatMap(({ file, services }) =>
    services.flatMap((service) => {
      const pkg = service.slice(0, service.lastIndexOf('.'));
      return Object.entries(definition[service] as protoLoader.ServiceDefinition).map(([method, m]) => ({
        key: `${service}/${method}`,
        service,
        file,
        method,
        streaming: m.responseStream,
        request: message(pkg, m.requestType.type as unknown as MessageDescriptor, 0),
      }));
    }),
  );
}
