import { IsArray, IsBoolean, IsInt, IsOptional, IsString } from 'class-validator';

/**
 * The base of every Astra gRPC request DTO (and only of those: the AstraGrpcRequestPipe maps exactly these
 * classes from the loader's message to REST names before the global validation pipe runs). Every Astra call
 * names its account; the AccountGuard has checked it (format, token, role) before any pipe runs.
 *
 * proto3 does not tell an unset scalar from its zero value, and the loader leaves both out (`defaults:
 * false`): a field that is not `optional` in the .proto defaults to '' here, as an empty REST path segment
 * would, so the services give the same answer (an invalid or unknown id) on both transports.
 */
export abstract class AstraGrpcRequestDto {
  @IsString()
  accountId = '';
}

/** The Astra list conventions as a gRPC request: the REST query parameters, checked by the list parser. */
export class AstraListRequestDto extends AstraGrpcRequestDto {
  @IsOptional()
  @IsString()
  include?: string;

  @IsOptional()
  @IsInt()
  limit?: number;

  @IsOptional()
  @IsInt()
  skip?: number;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  filter?: string[];

  @IsOptional()
  @IsString()
  orderBy?: string;

  @IsOptional()
  @IsBoolean()
  count?: boolean;

  @IsOptional()
  @IsString()
  continue?: string;
}

/** The list parameters of a request as the raw query the services parse (the shape REST passes). */
export function listQueryOf(request: AstraListRequestDto): Record<string, unknown> {
  const { include, limit, skip, filter, orderBy, count } = request;
  return { include, limit, skip, filter, orderBy, count, continue: request.continue };
}
