import {
  HttpException,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { defer, finalize, from, switchMap, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { ExpensiveGate, GateBusyError } from './expensive-gate';

const EXPENSIVE = 'throttling:expensive';

/**
 * Marks a route whose work grows with the log (walking it, building a report of the past): it
 * runs through the {@link ExpensiveGate}. `when` limits that to some requests (a report only
 * with `asOf`).
 */
export const Expensive = (when: (request: Request) => boolean = () => true) => SetMetadata(EXPENSIVE, when);

/** At most 4 expensive requests at once, 2 for one caller, 32 waiting; the rest get 429. */
export const EXPENSIVE_LIMITS = { running: 4, perCaller: 2, waiting: 32 };

@Injectable()
export class ExpensiveRequestsInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly gate: ExpensiveGate,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const when = this.reflector.get<((request: Request) => boolean) | undefined>(EXPENSIVE, context.getHandler());
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!when || !when(request)) return next.handle();
    const caller = request.actor?.sub ?? request.ip ?? 'anonymous';
    return from(this.admit(caller, context.switchToHttp().getResponse<Response>())).pipe(
      switchMap((release) => defer(() => next.handle()).pipe(finalize(release))),
    );
  }

  private async admit(caller: string, response: Response): Promise<() => void> {
    try {
      return await this.gate.acquire(caller);
    } catch (error) {
      if (!(error instanceof GateBusyError)) throw error;
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw new HttpException({ code: 'REQUEST.BUSY', message: error.message }, 429);
    }
  }
}
