import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsInstant } from '../dto-time';
import { MinPositionDto } from '../read-side/min-position.dto';
import { OptionalText, RequiredText } from '../recommendations/dto/text';

export class DirectoryRequestDto extends MinPositionDto {
  @ApiPropertyOptional({ description: 'ISO 8601: the directory as it was then' })
  @IsOptional()
  @IsInstant()
  asOf?: string;
}

/** A new entry: `code` (a working group's number), its Vietnamese `name` (a working group's leader), and what its kind has. */
export class AddEntryDto {
  @RequiredText(64, 'phuong-moi')
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'a code is lower-case letters, digits and dashes' })
  code!: string;

  @RequiredText(300, 'Phường Đông Kinh')
  name!: string;

  @OptionalText(300, 'Dong Kinh ward')
  nameEn?: string;

  @ApiPropertyOptional({ enum: ['ward', 'commune'], description: 'communes: a ward or a commune' })
  @IsOptional()
  @IsIn(['ward', 'commune'])
  kind?: 'ward' | 'commune';

  @ApiPropertyOptional({ description: 'communes: the working group that visits it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(999)
  workingGroup?: number;

  @ApiPropertyOptional({ description: 'working groups: the communes it visits' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  communes?: string[];

  @ApiPropertyOptional({ description: 'departments: where notices go by email' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: 'departments: where notices go by webhook' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  @MaxLength(2000)
  webhookUrl?: string;
}

export class RenameEntryDto {
  @RequiredText(300, 'Sở Nội vụ')
  name!: string;

  @OptionalText(300, 'Department of Home Affairs')
  nameEn?: string;
}

export class RetireEntryDto {
  @OptionalText(2000, 'Merged into the Department of Home Affairs (Resolution 1234/NQ-HĐND)')
  reason?: string;
}

export class ContactDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  @MaxLength(2000)
  webhookUrl?: string;
}

export class MergeDto {
  @RequiredText(64, 'home-affairs')
  into!: string;

  @RequiredText(2000, 'Nghị quyết số 1234/NQ-HĐND: Sở Dân tộc và Tôn giáo sáp nhập vào Sở Nội vụ')
  reason!: string;
}
