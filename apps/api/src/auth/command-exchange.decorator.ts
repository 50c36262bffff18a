import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '@app/recommendations';
import type { AuthenticatedRequest } from './auth.guard';

/** What a command route needs besides its body: who calls, the request (headers) and the response (ETag, status). */
export interface Exchange {
  actor: Actor;
  req: Request;
  res: Response;
}

export const CommandExchange = createParamDecorator((_: unknown, context: ExecutionContext): Exchange => {
  const http = context.switchToHttp();
  const req = http.getRequest<AuthenticatedRequest>();
  return { actor: req.actor, req, res: http.getResponse<Response>() };
});
