import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserTokenEntity } from './user-token.entity.js';
import { UserTokensService } from './user-tokens.service.js';
import { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

/** Accounts (users) and their emailed single-use tokens. `/me` lives in AuthModule's MeController. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, UserTokenEntity])],
  providers: [UsersService, UserTokensService],
  exports: [UsersService, UserTokensService],
})
export class UsersModule {}
