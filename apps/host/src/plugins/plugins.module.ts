import { Module } from '@nestjs/common';
import { PlaygroundRoutes } from './playground-routes.js';
import { PluginEvents } from './plugin-events.js';
import { PluginsController } from './plugins.controller.js';
import { PluginsService } from './plugins.service.js';
import { RulesetCatalog } from './ruleset-catalog.js';
import { RulesetsController } from './rulesets.controller.js';
import { sandboxProvider } from './sandbox-provider.js';

/** The plugin host: discovery, bundling, sandboxed execution, hot reload, the catalog API and the playground. */
@Module({
  controllers: [RulesetsController, PluginsController],
  providers: [
    PluginEvents,
    sandboxProvider,
    PluginsService,
    { provide: RulesetCatalog, useExisting: PluginsService },
    PlaygroundRoutes,
  ],
  exports: [RulesetCatalog, PluginEvents, PluginsService],
})
export class PluginsModule {}
