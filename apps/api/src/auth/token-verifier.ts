import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppConfig, parseDuration } from '@app/common';
import { USER_ROLES, type Actor, type UserRole } from '@app/recommendations';

const MAX_CACHED_TOKENS = 10_000;
/** Clocks of issuers and of this service may differ this much. */
export const CLOCK_SKEW_SECONDS = 60;

/** The token is missing, expired, badly signed or carries claims that do not fit a role. */
export class InvalidTokenError extends Error {
  readonly code = 'AUTH.INVALID_TOKEN';
}

/** Turns a bearer token into the {@link Actor} it speaks for: HS256 with the shared secret, or RS256 via JWKS. */
@Injectable()
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly maxLifetimeSeconds: number;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.maxLifetimeSeconds = Math.floor(parseDuration(config.AUTH_MAX_TOKEN_LIFETIME) / 1000);
    if (config.AUTH_JWKS_URL) {
      this.key = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL));
      this.algorithms = ['RS256'];
    } else {
      this.key = new TextEncoder().encode(config.AUTH_JWT_SECRET ?? '');
      this.algorithms = ['HS256'];
    }
  }

  /** Tokens already verified, until they expire: a client sends the same token many times. */
  private readonly verified = new Map<string, { actor: Actor; expiresAt: number }>();

  async verify(token: string): Promise<Actor> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.actor;
    if (hit) this.verified.delete(token);
    const { actor, expiresAt } = await this.verifyUncached(token);
    this.verified.set(token, { actor, expiresAt });
    if (this.verified.size > MAX_CACHED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    return actor;
  }

  private async verifyUncached(token: string): Promise<{ actor: Actor; expiresAt: number }> {
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: this.algorithms,
        issuer: this.config.AUTH_ISSUER,
        audience: this.config.AUTH_AUDIENCE,
        requiredClaims: ['exp'],
      };
      payload = (
        typeof this.key === 'function' ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options)
      ).payload;
    } catch (error) {
      const reason =
        error instanceof errors.JWTExpired
          ? 'the token has expired'
          : error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp'
            ? 'the token must say when it expires (exp)'
            : 'the token is not valid';
      throw new InvalidTokenError(reason);
    }
    this.lifetimeMustBeBounded(payload as JWTPayload & { exp: number });
    return { actor: actorFromClaims(payload), expiresAt: payload.exp! * 1000 };
  }

  /**
   * A token must say when it ends, and not too far ahead: `exp` is required (checked by jose), its
   * lifetime (from `iat`, or from now) is at most AUTH_MAX_TOKEN_LIFETIME, and `iat` is not in the
   * future beyond a small clock skew.
   */
  private lifetimeMustBeBounded(payload: JWTPayload & { exp: number }): void {
    const now = Math.floor(Date.now() / 1000);
    if (payload.iat !== undefined && payload.iat > now + CLOCK_SKEW_SECONDS) {
      throw new InvalidTokenError('the token is issued in the future');
    }
    const start = payload.iat ?? now;
    if (payload.exp - start > this.maxLifetimeSeconds + CLOCK_SKEW_SECONDS) {
      throw new InvalidTokenError('the token lives longer than this service accepts (AUTH_MAX_TOKEN_LIFETIME)');
    }
  }
}

/** Checks the claims API.md defines: sub, name, role, and department or commune for those roles. */
export function actorFromClaims(payload: JWTPayload): Actor {
  const { sub, name, role, department, commune } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw new InvalidTokenError('the token has no subject');
  if (typeof role !== 'string' || !USER_ROLES.includes(role as UserRole))
    throw new InvalidTokenError('the token has no known role');
  if (role === 'department' && (typeof department !== 'string' || department === '')) {
    throw new InvalidTokenError('a department token must name its department');
  }
  if (role === 'commune' && (typeof commune !== 'string' || commune === '')) {
    throw new InvalidTokenError('a commune token must name its commune');
  }
  return {
    sub,
    name: typeof name === 'string' ? name : sub,
    role: role as UserRole,
    ...(role === 'department' ? { department: department as string } : {}),
    ...(role === 'commune' ? { commune: commune as string } : {}),
  };
}
