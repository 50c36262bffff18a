import { DeadlineDto } from '../dto/deadline.dto';
import { RequiredText, LONG_TEXT } from '../dto/text';

export class ExtendDeadlineRequestDto extends DeadlineDto {
  @RequiredText(LONG_TEXT, 'Approved: the survey needs another month.')
  reason!: string;
}
