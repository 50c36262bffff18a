import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { MAX_ATTACHMENTS_PER_EVENT } from '@app/recommendations';
import { IsCalendarDate } from '../../dto-time';

/** `attachments`: ids answered by POST /attachments, cited by the event. */
export const OptionalAttachments = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: [String],
      example: ['0b8f6c8e-3f2a-4f61-9a59-5c1b7a4e2d10'],
      description: `extension: ids from POST /attachments (at most ${MAX_ATTACHMENTS_PER_EVENT}), uploaded by the caller`,
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_ATTACHMENTS_PER_EVENT),
    IsUUID('all', { each: true, message: 'each attachment must be an id from POST /attachments' }),
  );

/** The official letter (công văn) that answers: its number and date. */
export class OfficialDocumentDto {
  @ApiProperty({ example: '1234/SNV-TCBC', description: 'the letter number' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  number!: string;

  @ApiProperty({ example: '2025-09-20', description: 'the letter date (YYYY-MM-DD)' })
  @IsCalendarDate()
  date!: string;
}

export const OptionalDocument = () =>
  applyDecorators(
    ApiPropertyOptional({ type: OfficialDocumentDto, description: 'extension: the official letter that answers' }),
    IsOptional(),
    ValidateNested(),
    Type(() => OfficialDocumentDto),
  );
