import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { MinPositionDto } from './min-position.dto';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListRecommendationsRequestDto extends MinPositionDto {
  @ApiPropertyOptional({ enum: ['raised', 'accepted', 'declined', 'assigned', 'resolved'] })
  @IsOptional()
  @IsIn(['raised', 'accepted', 'declined', 'assigned', 'resolved'])
  status?: string;

  @ApiPropertyOptional({
    example: 'home-affairs',
    description: "the item's lead department now; with involvement, the department whose involvement is asked for",
  })
  @IsOptional()
  @IsString()
  department?: string;

  @ApiPropertyOptional({
    enum: ['lead', 'coordinating'],
    description:
      "extension: items the department leads or led (lead), or coordinates or coordinated (coordinating); the department is the one named by department=, else the caller's own",
  })
  @IsOptional()
  @IsIn(['lead', 'coordinating'])
  involvement?: 'lead' | 'coordinating';

  @ApiPropertyOptional({ description: 'extension: items raised at this recorded working session (its id)' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsUUID('all', { message: 'sessionId must be the id of a working session' })
  sessionId?: string;

  @ApiPropertyOptional({ example: 'tam-thanh' })
  @IsOptional()
  @IsString()
  commune?: string;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  workingGroup?: number;

  @ApiPropertyOptional({ example: 'headquarters' })
  @IsOptional()
  @IsString()
  category?: string;

  @ApiPropertyOptional({ description: 'true: only overdue items; false: only items that are not' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'full-text search over title and description' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: ['dueAt', '-raisedAt'], default: '-raisedAt' })
  @IsOptional()
  @IsIn(['dueAt', '-raisedAt'])
  sort?: 'dueAt' | '-raisedAt';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
