import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';

/** The caller, as established by the global AuthGuard from the access token. */
export interface AuthUser {
  /** The user id. */
  id: string;
  /** The login session (refresh-token family) of the access token. */
  sessionId: string;
}

/** A request after AuthGuard ran. */
export interface AuthenticatedRequest {
  user?: AuthUser;
}

/** Injects the authenticated caller (`AuthUser`) into a route handler parameter. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new DomainError('unauthenticated', 'Authentication is required');
  return user;
});
