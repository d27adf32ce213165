import { Type } from 'class-transformer';
import { IsObject, IsString, ValidateNested } from 'class-validator';
import { AstraGrpcRequestDto } from '../../../astra/grpc-request.dto';
import { CreateActivityEventDto } from './create-event.dto';

/** astra.core.v1.CreateEventRequest: the REST POST body as `event`, validated by the same class. */
export class CreateEventRequestDto extends AstraGrpcRequestDto {
  @IsObject()
  @ValidateNested()
  @Type(() => CreateActivityEventDto)
  event!: CreateActivityEventDto;
}

/** astra.core.v1.GetEventRequest; the service checks the id as it checks the REST path's. */
export class GetEventRequestDto extends AstraGrpcRequestDto {
  @IsString()
  eventId = '';
}
