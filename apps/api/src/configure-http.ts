import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Server } from 'node:http';
import { parseDuration } from '@app/reminders';
import type { AppConfig } from '@app/common';

/**
 * Everything about the HTTP face that is not a route: security headers, CORS (off unless
 * configured), body limit, timeouts, OpenAPI. Shared by main and tests.
 */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  // Swagger UI needs inline scripts and styles; everything else gets helmet's strict defaults.
  express.use('/docs', helmet({ contentSecurityPolicy: false }));
  express.use(helmet());
  express.useBodyParser('json', { limit: config.BODY_LIMIT });
  express.disable('x-powered-by');
  if (config.CORS_ORIGINS) {
    express.enableCors({
      origin: config.CORS_ORIGINS.split(',').map((o) => o.trim()),
      exposedHeaders: ['ETag', 'Retry-After', 'X-Read-Model-Position'],
    });
  }
  const timeout = parseDuration(config.REQUEST_TIMEOUT);
  const server = app.getHttpServer() as Server;
  // A client that sends its request slowly is cut off instead of holding a connection.
  server.requestTimeout = timeout;
  server.headersTimeout = Math.min(timeout, 60_000);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Follow-up Tracker')
      .setDescription('Recommendations raised by communes and wards, followed up to their resolution.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
