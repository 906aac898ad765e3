import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE } from '../common/problem.js';
import { Public } from '../auth/public.decorator.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is running' })
  @ApiOkResponse({ schema: { type: 'object', required: ['status'], properties: { status: { enum: ['ok'] } } } })
  getLiveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'The database and Redis answer (503 when either is down)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['status', 'checks'],
      properties: { status: { enum: ['ok'] }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'Problem `not_ready` with `checks`: a dependency is down' })
  async getReadiness(@Res() reply: FastifyReply): Promise<void> {
    const { ready, checks } = await this.health.readiness();
    if (ready) {
      await reply.send({ status: 'ok', checks });
      return;
    }
    const body = problem(503, 'not_ready', 'A dependency is down', { checks });
    await reply.status(503).header('Content-Type', PROBLEM_CONTENT_TYPE).send(body);
  }
}
