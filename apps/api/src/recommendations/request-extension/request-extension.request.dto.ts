import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, Matches } from 'class-validator';
import { ISO_WITH_OFFSET } from '../dto/deadline.dto';
import { RequiredText, LONG_TEXT } from '../dto/text';

export class RequestExtensionRequestDto {
  @ApiProperty({ example: '2026-12-31T17:00:00+07:00' })
  @IsISO8601({ strict: true })
  @Matches(ISO_WITH_OFFSET, { message: 'requestedDueAt must carry a time and an offset' })
  requestedDueAt!: string;

  @RequiredText(LONG_TEXT, "Waiting for the Ministry's guidance on job positions.")
  reason!: string;
}
