import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseDuration, type AppConfig } from '@app/common';
import { isAttachmentUpload } from './attachments/receive-upload';

/** Answers to requests Node refuses before they reach the app, by Node's error code. */
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'REQUEST.HEADERS_TOO_LARGE', 'the request line and headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST.TIMEOUT', 'the request was not received in time'],
  malformed: [400, 'REQUEST.MALFORMED', 'the request is not valid HTTP'],
};

/**
 * Everything about the HTTP face that is not a route: security headers, CORS (off unless
 * configured), body limit, timeouts, OpenAPI. Shared by main and tests.
 */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  // Behind a TLS proxy the request itself looks like plain HTTP: cookies are Secure whenever people
  // reach the service over https (PUBLIC_URL) or in production (see cookieSecure).
  express.getHttpAdapter().getInstance().locals.secureCookies =
    config.PUBLIC_URL?.startsWith('https:') === true || config.NODE_ENV === 'production';
  // Swagger UI needs inline scripts and styles; everything else gets helmet's strict defaults.
  express.use('/docs', helmet({ contentSecurityPolicy: false }));
  express.use(helmet());
  // API.md speaks JSON only: a body in another format is refused, not silently ignored (uploads read their own).
  express.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.is('application/json') || isAttachmentUpload(req)) return next();
    res.status(415).json({
      statusCode: 415,
      error: STATUS_CODES[415],
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      message: 'send the body as application/json',
    });
  });
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
  // Requests Node refuses before they reach the app (oversized headers, malformed HTTP) still get
  // the error shape of API.md.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? CLIENT_ERRORS.malformed;
    const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], code, message });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
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
