import { OptionalAttachments } from '../dto/attachments.dto';
import { LONG_TEXT, RequiredText } from '../dto/text';

export class MakeContributionRequestDto {
  @RequiredText(LONG_TEXT, 'Finance confirms 4.2 billion VND in the 2026 public investment plan for the site.')
  note!: string;

  @OptionalAttachments()
  attachments?: string[];
}
