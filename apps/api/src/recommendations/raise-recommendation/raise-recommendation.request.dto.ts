import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { IsCalendarDate } from '../../dto-time';
import { LONG_TEXT, RequiredText } from '../dto/text';

export class RaiseRecommendationRequestDto {
  @ApiProperty({ example: 'tam-thanh', description: 'commune or ward code from GET /directory' })
  @IsString()
  commune!: string;

  @RequiredText(300, 'Invest in a centralized headquarters for Tam Thanh and Luong Van Tri')
  title!: string;

  @RequiredText(LONG_TEXT, 'The two wards work from four separate buildings since the merger.')
  description!: string;

  @ApiProperty({ example: 'headquarters', description: 'category code from GET /directory' })
  @IsString()
  category!: string;

  @ApiPropertyOptional({ example: 1, description: 'number of the working group that held the session' })
  @IsOptional()
  @IsInt()
  @Min(1)
  workingGroup?: number;

  @ApiPropertyOptional({ example: '2025-08-12', description: 'date of the working session (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  sessionDate?: string;
}
