import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** A required free text field of at most `max` characters. */
export const RequiredText = (max: number, example: string) =>
  applyDecorators(ApiProperty({ example, maxLength: max }), IsString(), IsNotEmpty(), MaxLength(max));

/** An optional free text field of at most `max` characters. */
export const OptionalText = (max: number, example: string) =>
  applyDecorators(ApiPropertyOptional({ example, maxLength: max }), IsOptional(), IsString(), MaxLength(max));

export const LONG_TEXT = 10_000;
