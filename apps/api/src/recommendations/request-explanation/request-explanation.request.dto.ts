import { DeadlineDto } from '../dto/deadline.dto';
import { LONG_TEXT, RequiredText } from '../dto/text';

export class RequestExplanationRequestDto extends DeadlineDto {
  @RequiredText(LONG_TEXT, 'Overdue by three weeks without an extension request: explain in writing.')
  reason!: string;
}
