import { IsOptional, IsString } from 'class-validator';
import { AstraGrpcRequestDto, AstraListRequestDto } from '../../../astra/grpc-request.dto';

/*
 * astra.core.v1.NotificationService requests. Ids are checked by the services as they check the REST path's,
 * and group ids by checkGroupId, so both transports give the same answers.
 */

export class GetNotificationRequestDto extends AstraGrpcRequestDto {
  @IsString()
  notificationId = '';
}

export class ListUnreadNotificationsRequestDto extends AstraListRequestDto {
  @IsString()
  userId = '';

  @IsOptional()
  @IsString()
  groupId?: string;
}

export class UnreadNotificationRequestDto extends AstraGrpcRequestDto {
  @IsString()
  userId = '';

  @IsString()
  unreadNotificationId = '';

  @IsOptional()
  @IsString()
  groupId?: string;
}

export class ListBannersRequestDto extends AstraListRequestDto {
  /** Set: that user's view (the caller's own), without what they dismissed; unset: the account's banners. */
  @IsOptional()
  @IsString()
  userId?: string;
}

export class DismissBannerRequestDto extends AstraGrpcRequestDto {
  @IsString()
  userId = '';

  @IsString()
  bannerId = '';
}
