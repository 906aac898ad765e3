import { Controller, Get, Header, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { notFound } from '../common/domain-error.js';
import { PluginStatusDto } from './dto/ruleset-responses.dto.js';
import type { PluginStatus } from './plugin-registry.js';
import { PluginsService } from './plugins.service.js';

const SSE_HEARTBEAT_MS = 25_000;

/** Plugin statuses, the hot-reload event stream and the content-hashed plugin bundles. */
@ApiTags('plugins')
@Public()
@Controller('plugins')
export class PluginsController {
  constructor(private readonly plugins: PluginsService) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'Every discovered plugin with its status, load errors and fixture results' })
  @ApiOkResponse({ type: [PluginStatusDto] })
  listPlugins(): PluginStatus[] {
    return this.plugins.statuses();
  }

  @Get('events')
  @ApiOperation({
    summary:
      'Server-Sent Events: `plugin.reloaded` {pluginId, version, kind, status, uiUrl, reason?} and `plugin.removed` {pluginId}',
  })
  @ApiProduces('text/event-stream')
  streamPluginEvents(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    raw.write(': connected\n\n');
    const subscription = this.plugins.events.events.subscribe({
      next: (event) => raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event.payload)}\n\n`),
      complete: () => raw.end(),
    });
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), SSE_HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    });
  }

  @Get('assets/:file')
  @ApiOperation({ summary: 'A built plugin or shared vendor module at its content-hashed, immutable URL' })
  @ApiProduces('text/javascript')
  getPluginAsset(
    @Param('file') file: string,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const asset = this.plugins.registry.assets.get(file);
    if (!asset) throw notFound(`Plugin asset "${file}"`);
    const gzip = /\bgzip\b/.test(acceptEncoding ?? '');
    void reply
      .header('Content-Type', asset.contentType)
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .header('Access-Control-Allow-Origin', '*')
      .header('Vary', 'Accept-Encoding')
      .header('ETag', `"${asset.hash}"`);
    if (gzip) void reply.header('Content-Encoding', 'gzip');
    void reply.send(gzip ? asset.gzip : asset.body);
  }
}
