import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
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
