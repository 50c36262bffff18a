import { OfficialDocumentDto, OptionalAttachments, OptionalDocument } from '../dto/attachments.dto';
import { RequiredText, LONG_TEXT } from '../dto/text';

export class ResolveRecommendationRequestDto {
  @RequiredText(LONG_TEXT, 'Decision 123/QD-UBND seconds two IT staff to the commune for six months.')
  resolution!: string;

  @OptionalAttachments()
  attachments?: string[];

  @OptionalDocument()
  document?: OfficialDocumentDto;
}
