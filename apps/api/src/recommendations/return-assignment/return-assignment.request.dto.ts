import { RequiredText, LONG_TEXT } from '../dto/text';

export class ReturnAssignmentRequestDto {
  @RequiredText(LONG_TEXT, 'Outside our competence: land allocation belongs to Agriculture and Environment.')
  reason!: string;
}
