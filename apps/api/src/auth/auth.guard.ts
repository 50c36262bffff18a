import {
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  ForbiddenException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Actor, Role } from '@app/recommendations';
import { SESSION_COOKIE, Sessions, type ActiveSession } from './sessions';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

const PUBLIC = 'auth:public';
const ROLES = 'auth:roles';
const EVERY_ROLE = 'auth:every-role';

/**
 * The route needs no token (health, docs, the audit public key). A valid token is still read, so the
 * route can tell an authenticated caller from a stranger; a missing or invalid one leaves no actor.
 */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only these roles may call the route; others get 403. Finer scope rules live in the domain and queries. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);
/**
 * Every signed-in role may call the route, the administrator included (the directory, one's own
 * account). Elsewhere the administrator, who manages accounts and the directory and nothing else,
 * is refused unless the route's {@link Roles} name it.
 */
export const EveryRole = () => SetMetadata(EVERY_ROLE, true);

export type AuthenticatedRequest = Request & { actor: Actor; session?: ActiveSession & { secret: string } };
/** A request on a {@link Public} route: `actor` is there only when a valid token or session came with it. */
export type MaybeAuthenticatedRequest = Request & { actor?: Actor; session?: ActiveSession & { secret: string } };

/** The session cookie's secret, if the request carries one. */
export function sessionSecretOf(request: Request): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  return parseCookies(header)[SESSION_COOKIE] ?? null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every route needs a valid bearer token unless marked {@link Public}. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
    private readonly sessions: Sessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) {
      if (match) await this.verifier.verify(match[1]).then((actor) => (request.actor = actor), ignoreInvalidToken);
      else await this.attachSession(request);
      return true;
    }
    if (!match) {
      if (!(await this.attachSession(request))) {
        throw new UnauthorizedException({ code: 'AUTH.MISSING_TOKEN', message: 'a bearer token or a session is required' });
      }
      this.checkCsrf(request);
      return this.checkRole(request, targets);
    }
    try {
      request.actor = await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedException({ code: error.code, message: error.message });
      throw error;
    }
    return this.checkRole(request, targets);
  }

  /** Reads the session cookie; true when it names a live session (then `actor` is its account). */
  private async attachSession(request: MaybeAuthenticatedRequest): Promise<boolean> {
    const secret = sessionSecretOf(request);
    if (!secret) return false;
    const session = await this.sessions.resolve(secret);
    if (!session) return false;
    request.actor = session.actor;
    request.session = { ...session, secret };
    return true;
  }

  /** A state-changing request on a session must prove it comes from the app: the CSRF token of `/auth/me`. */
  private checkCsrf(request: MaybeAuthenticatedRequest): void {
    if (SAFE_METHODS.has(request.method) || !request.session) return;
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, request.session.csrfToken)) {
      throw new ForbiddenException({ code: 'AUTH.CSRF', message: 'a request on a session needs its X-CSRF-Token header' });
    }
  }

  private checkRole(request: AuthenticatedRequest, targets: Parameters<Reflector['getAllAndOverride']>[1]): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    const everyRole = this.reflector.getAllAndOverride<boolean | undefined>(EVERY_ROLE, targets) === true;
    if (request.actor.role === 'admin' && !everyRole && !roles?.includes('admin')) {
      throw new ForbiddenException({
        code: 'AUTH.ROLE_NOT_ALLOWED',
        message: 'the administrator manages accounts and the directory, not recommendations',
      });
    }
    if (roles && !roles.includes(request.actor.role)) {
      throw new ForbiddenException({
        code: 'AUTH.ROLE_NOT_ALLOWED',
        message: `role ${request.actor.role} may not call this route`,
      });
    }
    return true;
  }
}

function ignoreInvalidToken(error: unknown): void {
  if (!(error instanceof InvalidTokenError)) throw error;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
