import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Min } from 'class-validator';
import { MAX_SESSION_COMMUNES } from '@app/recommendations';
import { IsCalendarDate } from '../dto-time';
import { OptionalText } from '../recommendations/dto/text';

export class RecordSessionRequestDto {
  @ApiProperty({ example: 1, description: 'number of the working group that met, from GET /directory' })
  @IsInt()
  @Min(1)
  workingGroup!: number;

  @ApiProperty({ example: '2025-08-04', description: 'the day it met (YYYY-MM-DD, in the province)' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: ['tam-thanh', 'luong-van-tri'], description: 'codes of the communes and wards that took part' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SESSION_COMMUNES)
  @IsString({ each: true })
  communes!: string[];

  @OptionalText(300, "Tam Thanh ward People's Committee")
  place?: string;

  @OptionalText(300, 'Đoàn Thị Hậu, Secretary of the Provincial Party Committee')
  leader?: string;

  @OptionalText(300, 'Biên bản 15/BB-TCT')
  minutesRef?: string;
}
