import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { UserDto } from '../users/dto/user.dto.js';
import { AuthRateLimitGuard } from './auth-rate-limit.guard.js';
import { AuthService, type SessionTokens } from './auth.service.js';
import {
  EmailDto,
  LoginDto,
  PasswordResetConfirmDto,
  RefreshDto,
  RegisterDto,
  TokenDto,
} from './dto/auth-requests.dto.js';
import { LoginResponseDto, MessageDto, TokenResponseDto } from './dto/auth-responses.dto.js';
import { Public } from './public.decorator.js';
import { REFRESH_TOKEN_TTL_MS } from './refresh-token.service.js';

/** The refresh-token cookie of the web app. */
export const REFRESH_COOKIE = 'cm_rt';
const COOKIE_PATH = '/v1/auth';
const MAIL_ON_ITS_WAY: MessageDto = { message: 'If the address can receive mail, a message is on its way.' };

@ApiTags('auth')
@ApiTooManyRequestsResponse({
  description: 'Problem `rate_limited` with Retry-After (10 requests/minute per IP by default)',
})
@ApiServiceUnavailableResponse({ description: 'The session store (Redis) is unreachable: auth fails closed' })
@ApiBadRequestResponse({ description: 'Problem with field `errors` for an invalid body' })
@Public()
@UseGuards(AuthRateLimitGuard)
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  @Post('register')
  @HttpCode(202)
  @ApiOperation({ summary: 'Create an account (the same answer whether or not the address already has one)' })
  @ApiAcceptedResponse({ type: MessageDto })
  async register(@Body() body: RegisterDto): Promise<MessageDto> {
    await this.auth.register(body);
    return MAIL_ON_ITS_WAY;
  }

  @Post('verify-email')
  @HttpCode(204)
  @ApiOperation({ summary: 'Confirm an email address with the token from the mailed link (single use, 24 h)' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'Problem `invalid_token`: unknown, used or expired' })
  async verifyEmail(@Body() body: TokenDto): Promise<void> {
    await this.auth.verifyEmail(body.token);
  }

  @Post('verify-email/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a fresh verification link if the account exists and is unverified' })
  @ApiAcceptedResponse({ type: MessageDto })
  resendVerification(@Body() body: EmailDto): MessageDto {
    this.auth.resendVerification(body.email);
    return MAIL_ON_ITS_WAY;
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; `transport: cookie` puts the refresh token only in the HttpOnly cookie cm_rt' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'Problem `unauthenticated`: wrong email or password (identical for both)' })
  async login(@Body() body: LoginDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<LoginResponseDto> {
    const { user, tokens } = await this.auth.login(body.email, body.password);
    return { ...this.deliver(tokens, body.transport === 'cookie', reply), user: UserDto.from(user) };
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiCookieAuth(REFRESH_COOKIE)
  @ApiOperation({
    summary: 'Spend a refresh token (body or cm_rt cookie) for a new pair; a reused token revokes its session',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    description: 'Problem `unauthenticated`: missing, unknown, used or revoked refresh token',
  })
  async refresh(
    @Body() body: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const viaCookie = body.refreshToken === undefined;
    const tokens = await this.auth.refresh(body.refreshToken ?? request.cookies[REFRESH_COOKIE]);
    return this.deliver(tokens, viaCookie, reply);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth(REFRESH_COOKIE)
  @ApiOperation({ summary: 'Revoke the session of a refresh token (body or cookie) and clear the cookie' })
  @ApiNoContentResponse()
  async logout(
    @Body() body: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(body.refreshToken ?? request.cookies[REFRESH_COOKIE]);
    void reply.clearCookie(REFRESH_COOKIE, this.cookieOptions());
  }

  @Post('password-reset/request')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a password-reset link (single use, 1 h) if the account exists' })
  @ApiAcceptedResponse({ type: MessageDto })
  requestPasswordReset(@Body() body: EmailDto): MessageDto {
    this.auth.requestPasswordReset(body.email);
    return MAIL_ON_ITS_WAY;
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with the mailed token; verifies the email and ends every session' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'Problem `invalid_token`: unknown, used or expired' })
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto): Promise<void> {
    await this.auth.confirmPasswordReset(body.token, body.password);
  }

  /** Cookie transport: refresh token only in the HttpOnly cookie; body transport: in the body. */
  private deliver(tokens: SessionTokens, viaCookie: boolean, reply: FastifyReply): TokenResponseDto {
    const { refreshToken, ...rest } = tokens;
    if (!viaCookie) return { ...rest, refreshToken };
    void reply.setCookie(REFRESH_COOKIE, refreshToken, {
      ...this.cookieOptions(),
      maxAge: REFRESH_TOKEN_TTL_MS / 1000,
    });
    return rest;
  }

  private cookieOptions(): { httpOnly: true; secure: boolean; sameSite: 'strict'; path: string } {
    return { httpOnly: true, secure: this.config.cookieSecure, sameSite: 'strict', path: COOKIE_PATH };
  }
}
