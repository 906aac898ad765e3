import { Body, Controller, Get, Patch } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { UpdateMeDto } from '../users/dto/update-me.dto.js';
import { UserDto } from '../users/dto/user.dto.js';
import { UsersService } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import { CurrentUser, type AuthUser } from './current-user.decorator.js';

/**
 * The caller's own account. It lives in AuthModule (not UsersModule) because a password change
 * revokes sessions, which belong to auth; UsersModule stays free of auth dependencies.
 */
@ApiTags('me')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My account' })
  @ApiOkResponse({ type: UserDto })
  async getMe(@CurrentUser() caller: AuthUser): Promise<UserDto> {
    return UserDto.from(await this.users.getById(caller.id));
  }

  @Patch()
  @ApiOperation({ summary: 'Change my display name and/or password (a password change ends every other session)' })
  @ApiOkResponse({ type: UserDto })
  @ApiForbiddenResponse({ description: 'Problem `wrong_password`: currentPassword is wrong' })
  async updateMe(@CurrentUser() caller: AuthUser, @Body() body: UpdateMeDto): Promise<UserDto> {
    if (body.newPassword !== undefined && body.currentPassword !== undefined) {
      await this.auth.changePassword(caller.id, caller.sessionId, body.currentPassword, body.newPassword);
    }
    const changes = body.displayName === undefined ? {} : { displayName: body.displayName };
    return UserDto.from(await this.users.update(caller.id, changes));
  }
}
