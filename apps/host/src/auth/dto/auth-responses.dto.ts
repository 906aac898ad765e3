import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user.dto.js';

export class MessageDto {
  @ApiProperty({ example: 'If the address can receive mail, a message is on its way.' })
  message!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT (HS256) for `Authorization: Bearer`' })
  accessToken!: string;

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn!: number;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiPropertyOptional({ description: 'Only with the body transport: the single-use refresh token (30 days)' })
  refreshToken?: string;
}

export class LoginResponseDto extends TokenResponseDto {
  @ApiProperty({ type: () => UserDto })
  user!: UserDto;
}
