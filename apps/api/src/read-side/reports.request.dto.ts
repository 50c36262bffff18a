import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_OVERDUE_ITEMS_PER_GROUP, OVERDUE_ITEMS_PER_GROUP } from '@app/read-models';
import { IsInstant } from '../dto-time';
import { MinPositionDto } from './min-position.dto';

export class OverdueReportRequestDto extends MinPositionDto {
  @ApiPropertyOptional({ enum: ['department', 'commune', 'workingGroup', 'category'], default: 'department' })
  @IsOptional()
  @IsIn(['department', 'commune', 'workingGroup', 'category'])
  groupBy?: 'department' | 'commune' | 'workingGroup' | 'category';

  @ApiPropertyOptional({ description: 'ISO 8601: the report as the committee would have seen it then, replayed from the log' })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({
    description: 'items listed per group (every group is counted in full)',
    default: OVERDUE_ITEMS_PER_GROUP,
    maximum: MAX_OVERDUE_ITEMS_PER_GROUP,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_OVERDUE_ITEMS_PER_GROUP)
  limit?: number;

  @ApiPropertyOptional({ description: 'only this group (a key from an earlier answer), to page through it with cursor' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  group?: string;

  @ApiPropertyOptional({ description: "a group's nextCursor from an earlier answer" })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class SummaryReportRequestDto extends MinPositionDto {
  @ApiPropertyOptional({ description: 'ISO 8601 start of the period' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 end of the period' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ description: 'ISO 8601: the report as the committee would have seen it then, replayed from the log' })
  @IsOptional()
  @IsInstant()
  asOf?: string;
}
