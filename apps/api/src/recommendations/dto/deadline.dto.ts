import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf, IsISO8601, Matches } from 'class-validator';
import { MAX_WORKING_DAYS } from '@app/common';

/** ISO 8601 with a time and an explicit offset or Z: a deadline must not depend on the server's zone. */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A due date given directly (`dueAt`) or as working days from now (`dueInWorkingDays`): exactly one. */
export class DeadlineDto {
  @ApiPropertyOptional({ example: '2026-12-31T17:00:00+07:00', description: 'ISO 8601 with offset; must lie in the future' })
  @ValidateIf((o: DeadlineDto) => o.dueInWorkingDays === undefined || o.dueAt !== undefined)
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 time with offset, or give dueInWorkingDays instead' })
  @Matches(ISO_WITH_OFFSET, { message: 'dueAt must carry a time and an offset, e.g. 2026-12-31T17:00:00+07:00' })
  dueAt?: string;

  @ApiPropertyOptional({ example: 10, description: 'working days from now in Asia/Ho_Chi_Minh, skipping weekends and holidays' })
  @ValidateIf((o: DeadlineDto) => o.dueAt === undefined || o.dueInWorkingDays !== undefined)
  @IsInt({ message: 'dueInWorkingDays must be a whole number of days' })
  @Min(1)
  @Max(MAX_WORKING_DAYS)
  dueInWorkingDays?: number;
}
