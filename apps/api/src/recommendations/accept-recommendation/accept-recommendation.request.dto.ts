import { OptionalText, LONG_TEXT } from '../dto/text';

export class AcceptRecommendationRequestDto {
  @OptionalText(LONG_TEXT, 'The working group will transfer it to the competent department.')
  note?: string;
}
