import { ArgumentsHost, Catch, HttpException, HttpStatus, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { LOGGER } from '@app/common';
import { asApplicationError, type ErrorKind } from '@app/application';
import { InvalidCursorError } from '@app/read-models';

/** The one table from the application's error kinds to HTTP statuses. */
const KIND_STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale: 412,
  unavailable: 503,
};

const DEFAULT_CODES: Record<number, string> = {
  400: 'VALIDATION.FAILED',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'ROUTE.NOT_FOUND',
  405: 'ROUTE.METHOD_NOT_ALLOWED',
  408: 'REQUEST.TIMEOUT',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  429: 'REQUEST.THROTTLED',
  503: 'SERVICE.UNAVAILABLE',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
}

/** Maps every error to API.md's `{ statusCode, error, code, message }`, in one place. Never leaks a stack. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const [status, code, described] = this.describe(exception);
    // Whatever a message quotes of the request is shown printable and short, never raw.
    const message = printable(described);
    if (status >= 500) this.logger.error({ err: exception, method: request.method, url: request.url }, 'request failed');
    if (exception instanceof HttpException && status === 429) {
      const retryAfter = response.getHeader('Retry-After');
      if (retryAfter === undefined) response.setHeader('Retry-After', '60');
    }
    const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message };
    response.status(status).json(body);
  }

  private describe(exception: unknown): [number, string, string] {
    const known = asApplicationError(exception);
    if (known) return [KIND_STATUS[known.kind], known.code, known.message];
    if (exception instanceof InvalidCursorError) return [400, exception.code, exception.message];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Body-parser errors reach filters wrapped, with the original as the cause.
      const cause = exception.cause as { type?: string } | undefined;
      if (cause?.type === 'entity.parse.failed') return [400, 'VALIDATION.MALFORMED_JSON', 'the request body is not valid JSON'];
      if (cause?.type === 'entity.too.large') return [413, 'REQUEST.TOO_LARGE', 'the request body is too large'];
      const res = exception.getResponse();
      const obj = typeof res === 'object' && res !== null ? (res as Record<string, unknown>) : {};
      const code = typeof obj.code === 'string' ? obj.code : (DEFAULT_CODES[status] ?? `HTTP.${status}`);
      const raw = obj.message ?? (typeof res === 'string' ? res : exception.message);
      const message = Array.isArray(raw) ? raw.join('; ') : String(raw);
      return [status, code, message];
    }
    const bodyParser = exception as { type?: string; status?: number; message?: string };
    if (bodyParser?.type === 'entity.too.large') return [413, 'REQUEST.TOO_LARGE', 'the request body is too large'];
    if (bodyParser?.type === 'entity.parse.failed')
      return [400, 'VALIDATION.MALFORMED_JSON', 'the request body is not valid JSON'];
    if (typeof bodyParser?.status === 'number' && bodyParser.status >= 400 && bodyParser.status < 500) {
      return [
        bodyParser.status,
        DEFAULT_CODES[bodyParser.status] ?? `HTTP.${bodyParser.status}`,
        bodyParser.message ?? 'bad request',
      ];
    }
    return [HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL', 'an unexpected error occurred; it has been logged'];
  }
}

const MAX_ECHOED = 1000;

/** A text as it may be shown back: control characters escaped, cut to a sensible length. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > MAX_ECHOED ? `${escaped.slice(0, MAX_ECHOED)}…` : escaped;
}
