import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { DeadlineDto } from '../dto/deadline.dto';
import { CoordinatingDto, OptionalCoordinating } from '../dto/coordinating.dto';
import { RequiredText, LONG_TEXT } from '../dto/text';

export class ReopenRecommendationRequestDto extends DeadlineDto {
  @RequiredText(LONG_TEXT, 'The response does not say when the headquarters will be built.')
  reason!: string;

  @ApiPropertyOptional({
    example: 'construction',
    description: 'extension: only for an item answered on the spot, which has no department yet',
  })
  @IsOptional()
  @IsString()
  department?: string;

  @OptionalCoordinating()
  coordinating?: CoordinatingDto[];
}
