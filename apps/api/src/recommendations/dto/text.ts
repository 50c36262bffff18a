import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** No control character other than tab, line feed and carriage return: never part of a text a person wrote. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$/;

/** Leading and trailing white space is not part of a text: trimmed before it is checked. */
const Trimmed = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

const Clean = () => Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' });

/** A required free text field of at most `max` characters, not blank once trimmed. */
export const RequiredText = (max: number, example: string) =>
  applyDecorators(
    ApiProperty({ example, maxLength: max }),
    Trimmed(),
    IsString(),
    IsNotEmpty({ message: '$property must not be empty' }),
    MaxLength(max),
    Clean(),
  );

/** An optional free text field of at most `max` characters. */
export const OptionalText = (max: number, example: string) =>
  applyDecorators(ApiPropertyOptional({ example, maxLength: max }), Trimmed(), IsOptional(), IsString(), MaxLength(max), Clean());

export const LONG_TEXT = 10_000;
