import {
  BadRequestException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { Logger } from 'pino';
import { AppConfig, CLOCK, LOGGER, type Clock } from '@app/common';

/** The cookie naming a sign-in in progress (an opaque id; what it stands for stays in this process). */
export const OIDC_FLOW_COOKIE = 'fut_oidc';
/** How long a browser has, from /auth/oidc/login, to come back to the callback. */
export const OIDC_FLOW_TTL_MS = 10 * 60_000;
/** Sign-ins in progress kept at most, the oldest dropped first: a flood of /auth/oidc/login cannot exhaust memory. */
const MAX_FLOWS = 10_000;
/** Longest wait for the provider (discovery, token, userinfo), in seconds. */
const PROVIDER_TIMEOUT_S = 10;
const SCOPE = 'openid email';

/** Who the provider says signed in. `email` counts for linking only when `emailVerified`. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  expiresMs: number;
  /** The callback came once: the flow is kept (without its secrets) until it expires, to name a replay as one. */
  spent: boolean;
}

/** `PUBLIC_URL` (default http://localhost:PORT) without a trailing slash: what browsers see of the service. */
export function publicBase(config: AppConfig): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}

/**
 * Sign-ins in progress, between /auth/oidc/login and the callback: the PKCE verifier, state and nonce
 * stay in this process's memory under a random id, and only that id goes to the browser (in a
 * short-lived HttpOnly, SameSite=Lax cookie). Each is used once and lives {@link OIDC_FLOW_TTL_MS}.
 * The callback must come back to the process that started the sign-in.
 */
class OidcFlows {
  private readonly flows = new Map<string, Flow>();

  constructor(private readonly clock: Clock) {}

  open(flow: Pick<Flow, 'state' | 'nonce' | 'verifier'>): string {
    const nowMs = this.clock.now().getTime();
    // The map is in order of creation, so of expiry: the expired ones are at the front.
    for (const [id, old] of this.flows) {
      if (old.expiresMs > nowMs && this.flows.size < MAX_FLOWS) break;
      this.flows.delete(id);
    }
    const id = randomBytes(24).toString('base64url');
    this.flows.set(id, { ...flow, expiresMs: nowMs + OIDC_FLOW_TTL_MS, spent: false });
    return id;
  }

  /** The flow behind `id`, spent from now on; `'spent'` when its callback came already; null when unknown or expired. */
  take(id: string): Flow | 'spent' | null {
    const flow = this.flows.get(id);
    if (!flow || flow.expiresMs <= this.clock.now().getTime()) return null;
    if (flow.spent) return 'spent';
    this.flows.set(id, { state: '', nonce: '', verifier: '', expiresMs: flow.expiresMs, spent: true });
    return flow;
  }
}

/**
 * The OpenID Connect client (openid-client): the provider's metadata is discovered at the first
 * sign-in and kept (a failed discovery is tried again at the next one); authorization code with
 * PKCE (S256), state and nonce; the client authenticates with client_secret_basic.
 */
@Injectable()
export class OidcClient {
  private configuration: Promise<client.Configuration> | null = null;
  private readonly flows: OidcFlows;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.flows = new OidcFlows(clock);
  }

  get enabled(): boolean {
    return Boolean(this.config.OIDC_ISSUER_URL && this.config.OIDC_CLIENT_ID && this.config.OIDC_CLIENT_SECRET);
  }

  /** Where the provider sends the browser back: `${PUBLIC_URL}/auth/oidc/callback`. */
  get redirectUri(): string {
    return `${publicBase(this.config)}/auth/oidc/callback`;
  }

  /** Starts a sign-in: the provider's authorization URL, and the id of the flow for the browser's cookie. */
  async start(): Promise<{ flowId: string; authorizationUrl: URL }> {
    const configuration = await this.discovered();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { flowId: this.flows.open({ state, nonce, verifier }), authorizationUrl };
  }

  /**
   * Finishes a sign-in: the flow named by the browser's cookie must be alive and unused and its
   * state must be the one that came back; then the code is exchanged (with the PKCE verifier) and
   * the ID token checked (signature, issuer, audience, times, nonce). The email comes from the ID
   * token, or from userinfo when the provider keeps it there.
   */
  async complete(flowId: string | null, search: string): Promise<OidcIdentity> {
    this.assertEnabled();
    const flow = flowId ? this.flows.take(flowId) : null;
    if (flow === 'spent') {
      throw new UnauthorizedException({
        code: 'AUTH.OIDC_FAILED',
        message: 'this sign-in response was used already: sign in again',
      });
    }
    const returnedState = new URLSearchParams(search).get('state') ?? '';
    if (!flow || !sameText(returnedState, flow.state)) {
      throw new BadRequestException({
        code: 'AUTH.OIDC_STATE',
        message: 'this sign-in response does not belong to a sign-in started by this browser: sign in again',
      });
    }
    const configuration = await this.discovered();
    const currentUrl = new URL(this.redirectUri);
    currentUrl.search = search;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw failed('no ID token');
      let { email, email_verified: emailVerified } = claims;
      const emailKnown = typeof email === 'string' && typeof emailVerified === 'boolean';
      if (!emailKnown && configuration.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        ({ email, email_verified: emailVerified } = info);
      }
      return {
        issuer: claims.iss,
        subject: claims.sub,
        email: typeof email === 'string' && email !== '' ? email : null,
        emailVerified: emailVerified === true,
      };
    } catch (error) {
      throw this.refusal(error);
    }
  }

  /** Discovery once, shared by concurrent first sign-ins; a failure is not kept. */
  private discovered(): Promise<client.Configuration> {
    this.assertEnabled();
    if (!this.configuration) {
      const issuer = new URL(this.config.OIDC_ISSUER_URL as string);
      this.configuration = client
        .discovery(
          issuer,
          this.config.OIDC_CLIENT_ID as string,
          { client_secret: this.config.OIDC_CLIENT_SECRET as string },
          client.ClientSecretBasic(this.config.OIDC_CLIENT_SECRET),
          {
            timeout: PROVIDER_TIMEOUT_S,
            // Plain http only when the issuer is http (outside production: the configuration refuses it there).
            ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
          },
        )
        .catch((error: unknown) => {
          this.configuration = null;
          this.logger.error({ err: error, issuer: issuer.href }, 'single sign-on: the provider could not be discovered');
          throw new ServiceUnavailableException({
            code: 'AUTH.OIDC_UNAVAILABLE',
            message: 'the identity provider cannot be reached: try again later',
          });
        });
    }
    return this.configuration;
  }

  private assertEnabled(): void {
    if (!this.enabled) {
      throw new NotFoundException({ code: 'AUTH.OIDC_NOT_CONFIGURED', message: 'single sign-on is not configured' });
    }
  }

  /** What the provider's (or the checks') refusal becomes: 401 AUTH.OIDC_FAILED, or 503 when the provider cannot be reached. */
  private refusal(error: unknown): HttpException {
    if (error instanceof HttpException) return error;
    if (
      error instanceof client.ResponseBodyError ||
      error instanceof client.AuthorizationResponseError ||
      error instanceof client.ClientError
    ) {
      const reason = error instanceof client.ClientError ? (error.code ?? 'invalid response') : error.error;
      // Said in words only: the causes of a failed check can quote the token's claims (an email).
      const detail =
        error instanceof client.ClientError
          ? [error.message, error.cause instanceof Error ? error.cause.message : null].filter(Boolean).join(': ')
          : error.error_description;
      this.logger.warn({ event: 'oidc sign-in refused', reason, detail }, 'single sign-on: the sign-in was refused');
      return failed(reason);
    }
    this.logger.error({ err: error }, 'single sign-on: the identity provider could not be reached');
    return new ServiceUnavailableException({
      code: 'AUTH.OIDC_UNAVAILABLE',
      message: 'the identity provider cannot be reached: try again later',
    });
  }
}

function failed(reason: string): UnauthorizedException {
  return new UnauthorizedException({
    code: 'AUTH.OIDC_FAILED',
    message: `the identity provider did not sign you in (${reason}): sign in again`,
  });
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
