import { ApiProperty } from '@nestjs/swagger';
import { IsInstant } from '../../dto-time';
import { RequiredText, LONG_TEXT } from '../dto/text';

export class RequestExtensionRequestDto {
  @ApiProperty({ example: '2026-12-31T17:00:00+07:00' })
  @IsInstant()
  requestedDueAt!: string;

  @RequiredText(LONG_TEXT, "Waiting for the Ministry's guidance on job positions.")
  reason!: string;
}
