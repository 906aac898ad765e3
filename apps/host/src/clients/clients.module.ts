import { Module } from '@nestjs/common';
import { ClientRoutes, clientAppsProvider } from './client-routes.js';
import { SymbioteRoutes, symbioteSourceProvider } from './symbiote-routes.js';

/** Serves the built browser clients (the web app at `/`, the Symbiote at `/symbiote/`) and the Symbiote's install. */
@Module({ providers: [clientAppsProvider, ClientRoutes, symbioteSourceProvider, SymbioteRoutes] })
export class ClientsModule {}
