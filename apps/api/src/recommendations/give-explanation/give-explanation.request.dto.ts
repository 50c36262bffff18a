import { OptionalAttachments } from '../dto/attachments.dto';
import { LONG_TEXT, RequiredText } from '../dto/text';

export class GiveExplanationRequestDto {
  @RequiredText(LONG_TEXT, 'The site clearance waited for the land survey, delayed by the July floods.')
  text!: string;

  @OptionalAttachments()
  attachments?: string[];
}
