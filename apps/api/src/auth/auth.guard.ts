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
import type { Actor, UserRole } from '@app/recommendations';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

const PUBLIC = 'auth:public';
const ROLES = 'auth:roles';

/**
 * The route needs no token (health, docs, the audit public key). A valid token is still read, so the
 * route can tell an authenticated caller from a stranger; a missing or invalid one leaves no actor.
 */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only these roles may call the route; others get 403. Finer scope rules live in the domain and queries. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);

export type AuthenticatedRequest = Request & { actor: Actor };
/** A request on a {@link Public} route: `actor` is there only when a valid token came with it. */
export type MaybeAuthenticatedRequest = Request & { actor?: Actor };

/** Every route needs a valid bearer token unless marked {@link Public}. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) {
      if (match) await this.verifier.verify(match[1]).then((actor) => (request.actor = actor), ignoreInvalidToken);
      return true;
    }
    if (!match) throw new UnauthorizedException({ code: 'AUTH.MISSING_TOKEN', message: 'a bearer token is required' });
    try {
      request.actor = await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedException({ code: error.code, message: error.message });
      throw error;
    }
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(request.actor.role as UserRole)) {
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
