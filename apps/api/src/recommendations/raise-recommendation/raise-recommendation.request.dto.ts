import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { IsCalendarDate } from '../../dto-time';
import { OptionalAttachments } from '../dto/attachments.dto';
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

  @ApiPropertyOptional({
    example: '5f7c2a10-8e4b-4d8e-9c61-2b3f4a5d6e7f',
    description:
      'extension: the working session (POST /sessions) it was raised at; fills workingGroup and sessionDate, and the commune must have taken part',
  })
  @IsOptional()
  @IsUUID('all', { message: 'sessionId must be an id from POST /sessions' })
  sessionId?: string;

  @OptionalAttachments()
  attachments?: string[];
}
