import { OptionalAttachments } from '../dto/attachments.dto';
import { RequiredText, LONG_TEXT } from '../dto/text';

export class ReportProgressRequestDto {
  @RequiredText(LONG_TEXT, 'Draft plan sent to the ward for comments.')
  note!: string;

  @OptionalAttachments()
  attachments?: string[];
}
