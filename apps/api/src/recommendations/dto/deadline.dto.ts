import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import { MAX_WORKING_DAYS } from '@app/common';
import { IsInstant } from '../../dto-time';

/** A due date given directly (`dueAt`) or as working days from now (`dueInWorkingDays`): exactly one. */
export class DeadlineDto {
  @ApiPropertyOptional({ example: '2026-12-31T17:00:00+07:00', description: 'ISO 8601 with offset; must lie in the future' })
  @ValidateIf((o: DeadlineDto) => o.dueInWorkingDays === undefined || o.dueAt !== undefined)
  @IsInstant()
  dueAt?: string;

  @ApiPropertyOptional({ example: 10, description: 'working days from now in Asia/Ho_Chi_Minh, skipping weekends and holidays' })
  @ValidateIf((o: DeadlineDto) => o.dueAt === undefined || o.dueInWorkingDays !== undefined)
  @IsInt({ message: 'dueInWorkingDays must be a whole number of days' })
  @Min(1)
  @Max(MAX_WORKING_DAYS)
  dueInWorkingDays?: number;
}
