import { RequiredText, LONG_TEXT } from '../dto/text';

export class DeclineRecommendationRequestDto {
  @RequiredText(LONG_TEXT, 'Already settled by the 2025 staffing decision.')
  reason!: string;
}
