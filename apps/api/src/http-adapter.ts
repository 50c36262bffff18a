import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer } from 'node:http';

/** How often Node looks for requests past their deadline; its default (30 s) lets a 30 s timeout run to a minute. */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/**
 * Express as Nest runs it, on an HTTP server that checks request deadlines every second, so a
 * client that stops sending is answered 408 close to REQUEST_TIMEOUT rather than up to 30 s later.
 */
export class ApiHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections || options?.return503OnClosing) {
      return super.initHttpServer(options);
    }
    this.httpServer = createServer({ connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS }, this.getInstance());
  }
}
