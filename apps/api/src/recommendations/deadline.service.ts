import { BadRequestException, Injectable } from '@nestjs/common';
import { WorkingCalendar } from '@app/common';
import type { Due } from '@app/recommendations';
import type { DeadlineDto } from './dto/deadline.dto';

/** Turns a request's `dueAt` or `dueInWorkingDays` into a due date and how it was obtained. */
@Injectable()
export class DeadlineService {
  constructor(private readonly calendar: WorkingCalendar) {}

  due(dto: DeadlineDto, now: Date): Due {
    if (dto.dueAt !== undefined && dto.dueInWorkingDays !== undefined) {
      throw new BadRequestException({ code: 'VALIDATION.FAILED', message: 'give either dueAt or dueInWorkingDays, not both' });
    }
    if (dto.dueAt !== undefined) return { dueAt: dto.dueAt, basis: { method: 'explicit' } };
    const { dueAt, computation } = this.calendar.addWorkingDays(now, dto.dueInWorkingDays as number);
    return { dueAt, basis: computation };
  }
}
