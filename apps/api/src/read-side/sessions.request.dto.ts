import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../dto-time';
import { MinPositionDto } from './min-position.dto';

export class ListSessionsRequestDto extends MinPositionDto {
  @ApiPropertyOptional({ example: 1, description: 'sessions of this working group' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  workingGroup?: number;

  @ApiPropertyOptional({ example: 'tam-thanh', description: 'sessions this commune or ward took part in' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  commune?: string;

  @ApiPropertyOptional({ example: '2025-08-01', description: 'sessions held on or after this day (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2025-08-31', description: 'sessions held on or before this day (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}
