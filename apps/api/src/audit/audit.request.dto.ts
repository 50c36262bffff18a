import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsInstant } from '../dto-time';
import { MinPositionDto } from '../read-side/min-position.dto';

export class AuditEventsRequestDto extends MinPositionDto {
  @ApiPropertyOptional({ description: 'first global position to include (resume from the last line you received + 1)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  fromPosition?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  limit?: number;

  @ApiPropertyOptional({ description: 'only this stream, e.g. recommendation-<id>' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  stream?: string;

  @ApiPropertyOptional({ description: 'only this event type' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({ description: 'occurred at or after (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'occurred at or before (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  to?: string;
}

/** A checkpoint an auditor kept, to prove nothing up to it has changed since. */
export class VerifyRequestDto extends MinPositionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  position?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  events?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/)
  rootHash?: string;

  @ApiPropertyOptional({ description: 'base64 Ed25519 signature of the checkpoint' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  signature?: string;
}
