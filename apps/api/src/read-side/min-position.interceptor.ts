import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import type { MaybeAuthenticatedRequest } from '../auth/auth.guard';
import { from, switchMap, type Observable } from 'rxjs';
import { ReadModels } from './read-model.provider';

export const MIN_POSITION_WAIT_MS = 5000;

/**
 * `?minPosition=` on any GET: wait (bounded) until the read models reached the position a command
 * answered with, so a client reads its own writes. The answer says how far they had come. Only an
 * authenticated caller waits: on a public route a stranger's `?minPosition=` is ignored, so nobody
 * can hold connections open without a token.
 */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(private readonly readModels: ReadModels) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<MaybeAuthenticatedRequest>();
    const raw = request.query.minPosition;
    if (request.method !== 'GET' || !request.actor) return next.handle();
    if (typeof raw !== 'string' || !/^\d{1,18}$/.test(raw)) return next.handle();
    return from(this.readModels.waitFor(BigInt(raw), MIN_POSITION_WAIT_MS)).pipe(
      switchMap((reached) => {
        const response = context.switchToHttp().getResponse<Response>();
        response.setHeader('X-Read-Model-Position', this.readModels.checkpoint().toString());
        if (!reached) response.setHeader('X-Read-Model-Behind', 'true');
        return next.handle();
      }),
    );
  }
}
