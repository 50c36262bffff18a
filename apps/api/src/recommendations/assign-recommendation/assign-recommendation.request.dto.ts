import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { DeadlineDto } from '../dto/deadline.dto';
import { CoordinatingDto, OptionalCoordinating } from '../dto/coordinating.dto';
import { OptionalText, LONG_TEXT } from '../dto/text';

export class AssignRecommendationRequestDto extends DeadlineDto {
  @ApiProperty({ example: 'home-affairs', description: 'department code from GET /directory' })
  @IsString()
  department!: string;

  @OptionalText(LONG_TEXT, "Propose the staffing plan to the Provincial People's Committee.")
  instructions?: string;

  @OptionalCoordinating()
  coordinating?: CoordinatingDto[];
}
