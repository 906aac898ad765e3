import { Module } from '@nestjs/common';
import { ClientRoutes, clientAppsProvider } from './client-routes.js';

/** Serves the built browser clients: the web app at `/` (and, later, the Symbiote at `/symbiote/`). */
@Module({ providers: [clientAppsProvider, ClientRoutes] })
export class ClientsModule {}
