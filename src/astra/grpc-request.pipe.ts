import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { AstraGrpcRequestDto } from './grpc-request.dto';
import { fromProtoRequest } from './proto-names';

function isAstraGrpcRequest(metatype: ArgumentMetadata['metatype']): boolean {
  return typeof metatype === 'function' && metatype.prototype instanceof AstraGrpcRequestDto;
}

/**
 * Maps an Astra gRPC request, as the proto loader decodes it, to the names its DTO declares: nested
 * resources in REST spelling, without the loader's synthetic oneof keys (see fromProtoRequest). Registered
 * as a global pipe just before the validation pipe, so `@Payload() request: SomeAstraRequestDto` is
 * validated exactly like a REST body, errors naming REST fields. Pipes cannot tell the transport (a gRPC
 * payload arrives as 'body'), so the trigger is the DTO class: only AstraGrpcRequestDto subclasses, which
 * only gRPC handlers declare, are touched.
 */
@Injectable()
export class AstraGrpcRequestPipe implements PipeTransform {
  transform(value: unknown, { metatype }: ArgumentMetadata): unknown {
    if (!isAstraGrpcRequest(metatype) || !value || typeof value !== 'object' || Array.isArray(value)) return value;
    return fromProtoRequest(value);
  }
}
