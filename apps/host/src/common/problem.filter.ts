import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error.js';
import { isDependencyFailure } from './dependency-failure.js';
import type { ProblemCode } from '@cm/contracts';
import { problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

/** Maps every error an HTTP request can raise to an RFC 9457 problem response. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(reply, this.toProblem(exception, request));
  }

  toProblem(exception: unknown, request: Pick<FastifyRequest, 'url' | 'method'>): Problem {
    const body = toProblemBody(exception);
    if (body.status >= 500) this.logFailure(exception, request, body);
    return { ...body, instance: request.url };
  }

  private logFailure(exception: unknown, request: Pick<FastifyRequest, 'url' | 'method'>, body: Problem): void {
    const route = `${request.method} ${request.url}`;
    if (body.status === 503) this.logger.warn(`${route}: ${body.detail} (${errorMessage(exception)})`);
    else
      this.logger.error(
        `${route} failed: ${errorMessage(exception)}`,
        exception instanceof Error ? exception.stack : undefined,
      );
  }
}

/** Writes a problem body with the problem content type and any Retry-After header. */
function sendProblem(reply: FastifyReply, body: Problem): void {
  if (typeof body.retryAfterSeconds === 'number') void reply.header('Retry-After', String(body.retryAfterSeconds));
  void reply.status(body.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(body);
}

/** Converts any thrown value to a problem body (without `instance`). */
export function toProblemBody(exception: unknown): Problem {
  if (exception instanceof DomainError) {
    return problem(exception.status, exception.code, exception.message, exception.extras);
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (isDependencyFailure(exception)) {
    return problem(503, 'dependency_unavailable', 'A service the host depends on is unavailable, try again shortly');
  }
  const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return problem(fastifyStatus, fastifyCode(exception), errorMessage(exception));
  }
  return problem(500, 'internal_error', 'An unexpected error occurred');
}

const HTTP_CODES: Record<number, ProblemCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? String(response.message)
      : exception.message;
  return problem(status, HTTP_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'), message);
}

function fastifyCode(exception: unknown): ProblemCode {
  const code = (exception as { code?: unknown }).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'payload_too_large';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported_media_type';
  if (typeof code === 'string' && code.startsWith('FST_ERR_CTP')) return 'malformed_body';
  return 'bad_request';
}

function errorMessage(exception: unknown): string {
  return exception instanceof Error ? exception.message : String(exception);
}
