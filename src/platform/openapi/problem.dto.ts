import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A rejected field or query parameter, as problems list them. */
export class InvalidItemDto {
  @ApiProperty({ example: 'attributes.type' })
  name!: string;

  @ApiProperty({ example: 'type must be one of the following values: 1, 2, 3, 4, 5' })
  reason!: string;
}

/**
 * Every error of the Tracker API: RFC 7807 application/problem+json in the shape Astra publishes (status as a
 * string; src/platform/errors/problem.ts builds it). Extension members (a lock's `holder`) may follow.
 */
export class ProblemDto {
  @ApiProperty({
    description: 'urn:tracker:problems:<kind>, or https://astra.netapp.io/problems/<n> on /accounts routes',
    example: 'urn:tracker:problems:invalid-input',
  })
  type!: string;

  @ApiProperty({ example: 'Invalid input' })
  title!: string;

  @ApiProperty({ example: 'attributes.type: type must be one of the following values: 1, 2, 3, 4, 5' })
  detail!: string;

  @ApiProperty({ description: "The HTTP status, as a string (Astra's shape)", pattern: '^[1-5][0-9][0-9]$', example: '400' })
  status!: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The request's correlation id (the caller's X-Request-Id when a UUID)" })
  correlationID?: string;

  @ApiPropertyOptional({ type: [InvalidItemDto], maxItems: 20, description: 'Rejected query parameters (the first 20)' })
  invalidParams?: InvalidItemDto[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'How many more rejected parameters there were than listed' })
  invalidParamsOmitted?: number;

  @ApiPropertyOptional({ type: [InvalidItemDto], maxItems: 20, description: 'Rejected body fields (the first 20)' })
  invalidFields?: InvalidItemDto[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'How many more rejected fields there were than listed' })
  invalidFieldsOmitted?: number;
}
