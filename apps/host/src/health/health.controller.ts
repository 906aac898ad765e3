import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'The database and Redis answer (503 when either is down)' })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ready, checks } = await this.health.readiness();
    if (ready) {
      await reply.send({ status: 'ok', checks });
      return;
    }
    const body = problem(503, 'not_ready', 'A dependency is down', { checks });
    await reply.status(503).header('Content-Type', PROBLEM_CONTENT_TYPE).send(body);
  }
}
