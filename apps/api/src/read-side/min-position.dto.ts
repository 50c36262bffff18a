import { ApiPropertyOptional } from '@nestjs/swagger';
import { Matches, IsOptional } from 'class-validator';

/** Any GET may wait (up to 5 s) until the read models reached a command's `position`. */
export class MinPositionDto {
  @ApiPropertyOptional({ description: 'wait until the read models reached this global position (from a command answer)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'minPosition must be a position from a command answer' })
  minPosition?: string;
}
