import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
const TOKEN_MAX = 512;

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** Helper decorators shared by the auth DTOs. */
function EmailField(): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ example: 'ada@example.com', maxLength: 254 })(target, key);
    Transform(trim)(target, key);
    IsEmail({}, { message: 'email must be an email address' })(target, key);
    MaxLength(254)(target, key);
    IsString()(target, key);
  };
}

function PasswordField(description = 'Between 8 and 128 characters'): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description, format: 'password' })(target, key);
    IsString()(target, key);
    Length(PASSWORD_MIN, PASSWORD_MAX)(target, key);
  };
}

function TokenField(description: string): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ description, maxLength: TOKEN_MAX })(target, key);
    IsString()(target, key);
    Length(1, TOKEN_MAX)(target, key);
  };
}

export class RegisterDto {
  @EmailField()
  email!: string;

  @PasswordField()
  password!: string;

  @ApiProperty({ minLength: 1, maxLength: 64, example: 'Ada', description: 'Trimmed' })
  @Transform(trim)
  @IsString()
  @Length(1, 64)
  displayName!: string;
}

export class EmailDto {
  @EmailField()
  email!: string;
}

export class TokenDto {
  @TokenField('The token from the emailed link')
  token!: string;
}

export type RefreshTransport = 'body' | 'cookie';

export class LoginDto {
  @EmailField()
  email!: string;

  @ApiProperty({ maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX)
  password!: string;

  @ApiPropertyOptional({
    enum: ['body', 'cookie'],
    default: 'body',
    description:
      '`cookie`: the refresh token is set only as the HttpOnly cookie `cm_rt` (web app); `body`: returned in the body (Symbiote)',
  })
  @IsOptional()
  @IsIn(['body', 'cookie'])
  transport?: RefreshTransport;
}

export class RefreshDto {
  @ApiPropertyOptional({ description: 'The refresh token; omit it to use the `cm_rt` cookie', maxLength: TOKEN_MAX })
  @IsOptional()
  @IsString()
  @Length(1, TOKEN_MAX)
  refreshToken?: string;
}

export class PasswordResetConfirmDto {
  @TokenField('The token from the password-reset mail')
  token!: string;

  @PasswordField('The new password, between 8 and 128 characters')
  password!: string;
}
