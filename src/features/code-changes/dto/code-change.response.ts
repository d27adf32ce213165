import { ApiProperty } from '@nestjs/swagger';

/** A change as REST returns it (the OpenAPI shape); absent optional fields are null. */
export class CodeChangeResponse {
  @ApiProperty({
    example: '4f9c2b7d0e1a3c5b6d7e8f9a0b1c2d3e',
    description: 'Derived from the identity (service + sha, else service + pull request link)',
  })
  id!: string;

  @ApiProperty({ example: 'user-service' })
  service!: string;

  @ApiProperty({ type: String, nullable: true, example: '9fceb02d0ae598e95dc970b74767f19372d61af8' })
  sha!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'https://github.com/org/user-service/pull/42' })
  pullRequestLink!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Add the export button' })
  title!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  mergedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  committedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', description: 'mergedAt, else committedAt' })
  changedAt!: string;

  @ApiProperty({ example: 'rest', description: 'Who recorded it: rest, grpc, github or cdevents' })
  source!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;
}

export class CodeChangePageResponse {
  @ApiProperty({ type: [CodeChangeResponse] })
  changes!: CodeChangeResponse[];

  @ApiProperty({ example: 1 })
  totalCount!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 10 })
  perPage!: number;
}
