import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, ValidateIf } from 'class-validator';

export class UpdateMeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 64, description: 'Trimmed' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 64)
  displayName?: string;

  @ApiPropertyOptional({ format: 'password', maxLength: 128, description: 'Required with newPassword' })
  @ValidateIf((dto: UpdateMeDto) => dto.newPassword !== undefined || dto.currentPassword !== undefined)
  @IsString({ message: 'currentPassword is required to change the password' })
  @Length(1, 128)
  currentPassword?: string;

  @ApiPropertyOptional({ format: 'password', minLength: 8, maxLength: 128, description: 'Revokes every other session' })
  @ValidateIf((dto: UpdateMeDto) => dto.newPassword !== undefined || dto.currentPassword !== undefined)
  @IsString({ message: 'newPassword is required with currentPassword' })
  @Length(8, 128)
  newPassword?: string;
}
