import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { MAX_WORKING_DAYS } from '@app/common';
import { MAX_COORDINATING } from '@app/recommendations';
import { IsInstant } from '../../dto-time';

/** A coordinating department (phối hợp) and, optionally, its own due date (else the lead's). */
export class CoordinatingDto {
  @ApiProperty({ example: 'finance', description: 'department code from GET /directory; not the lead' })
  @IsString()
  department!: string;

  @ApiPropertyOptional({ example: '2026-12-15T17:00:00+07:00', description: "its own due date; no later than the lead's" })
  @IsOptional()
  @IsInstant()
  dueAt?: string;

  @ApiPropertyOptional({ example: 5, description: 'or working days from now' })
  @IsOptional()
  @IsInt({ message: 'dueInWorkingDays must be a whole number of days' })
  @Min(1)
  @Max(MAX_WORKING_DAYS)
  dueInWorkingDays?: number;
}

export const OptionalCoordinating = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: [CoordinatingDto],
      description: `extension: coordinating departments, distinct, not the lead, at most ${MAX_COORDINATING}; they contribute, the lead resolves`,
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_COORDINATING),
    ValidateNested({ each: true }),
    Type(() => CoordinatingDto),
  );
