import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ACCOUNT_ROLES, type AccountRole } from '@app/accounts';
import { OptionalText, RequiredText } from '../recommendations/dto/text';

export class LoginDto {
  @RequiredText(64, 'nguyen.van.a')
  username!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(256)
  password!: string;
}

export class PlacementDto {
  @ApiProperty({ enum: ACCOUNT_ROLES })
  @IsIn(ACCOUNT_ROLES as AccountRole[])
  role!: AccountRole;

  @OptionalText(64, 'home-affairs')
  department?: string;

  @OptionalText(64, 'tam-thanh')
  commune?: string;
}

export class CreateUserDto extends PlacementDto {
  @RequiredText(64, 'nguyen.van.a')
  username!: string;

  @RequiredText(200, 'Nguyễn Văn A')
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ minLength: 12 })
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'a password has 12 characters at least' })
  @MaxLength(256)
  password?: string;
}

export class PasswordDto {
  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12, { message: 'a password has 12 characters at least' })
  @MaxLength(256)
  password!: string;
}

export class SetupDto {
  @ApiProperty()
  @IsString()
  @MaxLength(100)
  token!: string;

  @RequiredText(64, 'admin')
  username!: string;

  @RequiredText(200, 'Quản trị viên')
  name!: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12, { message: 'a password has 12 characters at least' })
  @MaxLength(256)
  password!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  demo?: boolean;
}

export class UsersQueryDto {
  @ApiPropertyOptional({ enum: ACCOUNT_ROLES })
  @IsOptional()
  @IsIn(ACCOUNT_ROLES as AccountRole[])
  role?: AccountRole;

  @OptionalText(64, 'home-affairs')
  department?: string;

  @OptionalText(100, 'nguyen')
  q?: string;
}
