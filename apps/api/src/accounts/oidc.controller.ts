import { Controller, ForbiddenException, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { parse as parseCookies, serialize } from 'cookie';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AccountCommands } from '@app/application';
import type { Account } from '@app/accounts';
import { AppConfig, LOGGER } from '@app/common';
import { accountsByEmail } from '@app/read-models';
import { Public } from '../auth/auth.guard';
import { actorOf, cookieSecure, SESSION_COOKIE, Sessions } from '../auth/sessions';
import { ReadModels } from '../read-side/read-model.provider';
import { OIDC_FLOW_COOKIE, OIDC_FLOW_TTL_MS, OidcClient, publicBase, type OidcIdentity } from './oidc';

/** The session cookie, with the attributes of a password sign-in (auth.controller.ts). */
export function sessionCookie(req: Request, secret: string, maxAgeMs: number): string {
  return serialize(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: cookieSecure(req),
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

/**
 * Single sign-on with OpenID Connect. `/auth/oidc/login` sends the browser to the provider;
 * `/auth/oidc/callback` opens a session for the account linked to the identity that comes back
 * (by subject, or the first time by a verified email that exactly one account has) and sends the
 * browser to the web app. Refusals: 400 AUTH.OIDC_STATE (no sign-in of this browser, or another
 * state), 401 AUTH.OIDC_FAILED (the provider or the checks refused, or the response was used
 * already), 403 AUTH.NO_ACCOUNT, 403 AUTH.ACCOUNT_DISABLED, 503 AUTH.OIDC_UNAVAILABLE.
 */
@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  constructor(
    private readonly oidc: OidcClient,
    private readonly sessions: Sessions,
    private readonly accounts: AccountCommands,
    private readonly readModels: ReadModels,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('login')
  @Public()
  @ApiOperation({ summary: 'Single sign-on: redirects to the identity provider (authorization code with PKCE)' })
  @ApiResponse({ status: 302, description: 'to the identity provider' })
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { flowId, authorizationUrl } = await this.oidc.start();
    res.setHeader('Set-Cookie', this.flowCookie(req, flowId, OIDC_FLOW_TTL_MS));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, authorizationUrl.href);
  }

  @Get('callback')
  @Public()
  @ApiOperation({ summary: 'Single sign-on: the provider sends the browser back here; a session cookie, then to /app/' })
  @ApiResponse({ status: 302, description: 'signed in: to the web app, with the session cookie' })
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const flowId = req.headers.cookie ? (parseCookies(req.headers.cookie)[OIDC_FLOW_COOKIE] ?? null) : null;
    // A flow is used once: its cookie goes whatever the outcome (set before anything can be refused).
    const clearFlow = this.flowCookie(req, '', 0);
    res.setHeader('Set-Cookie', clearFlow);
    res.setHeader('Cache-Control', 'no-store');
    const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    const identity = await this.oidc.complete(flowId, search);
    const account = await this.accountOf(identity);
    const { secret } = await this.sessions.open(account, 'oidc');
    this.logger.info({ event: 'signed in', method: 'oidc', account: account.id }, 'signed in by single sign-on');
    res.setHeader('Set-Cookie', [clearFlow, sessionCookie(req, secret, this.sessions.maxAgeMs)]);
    res.redirect(302, `${publicBase(this.config)}/app/`);
  }

  /**
   * The account of an identity: the one its subject is linked to; else, the first time, the one
   * account holding its verified email (read again from the account's own stream, since the list
   * may lag), which is then linked to the subject. An account already linked to another subject of
   * the same provider is not taken by a new subject that shows the same email.
   */
  private async accountOf(identity: OidcIdentity): Promise<Account> {
    const linked = await this.accounts.byIdentity(identity.issuer, identity.subject);
    if (linked) return this.enabledOrRefused(linked);
    const email = identity.emailVerified ? identity.email : null;
    if (!email) throw this.noAccount('no account is linked to this identity, and it has no verified email');
    const holders = accountsByEmail(this.readModels.connection(), email);
    if (holders.length !== 1)
      throw this.noAccount(holders.length === 0 ? 'no account has this email' : 'several accounts have this email');
    const { account } = await this.accounts.load(holders[0].id);
    if (!account || account.email?.toLowerCase() !== email.toLowerCase()) throw this.noAccount('no account has this email');
    if (account.identities.some((linkedIdentity) => linkedIdentity.issuer === identity.issuer)) {
      throw this.noAccount('the account with this email is linked to another identity of this provider');
    }
    this.enabledOrRefused(account);
    const result = await this.accounts.linkIdentity(account.id, identity.issuer, identity.subject, actorOf(account));
    this.logger.info(
      { event: 'identity linked', account: account.id },
      'single sign-on: an identity was linked by its verified email',
    );
    return result;
  }

  private enabledOrRefused(account: Account): Account {
    if (!account.disabled) return account;
    this.logger.warn(
      { event: 'oidc sign-in refused', reason: 'AUTH.ACCOUNT_DISABLED', account: account.id },
      'a sign-in was refused',
    );
    throw new ForbiddenException({ code: 'AUTH.ACCOUNT_DISABLED', message: 'this account is disabled: ask an administrator' });
  }

  private noAccount(reason: string): ForbiddenException {
    this.logger.warn({ event: 'oidc sign-in refused', reason }, 'a sign-in was refused');
    return new ForbiddenException({
      code: 'AUTH.NO_ACCOUNT',
      message: 'no account of this service belongs to this identity: ask an administrator',
    });
  }

  /** The flow's cookie: HttpOnly, SameSite=Lax (sent on the provider's redirect back), only to the callback. */
  private flowCookie(req: Request, value: string, maxAgeMs: number): string {
    return serialize(OIDC_FLOW_COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      path: new URL(this.oidc.redirectUri).pathname,
      secure: cookieSecure(req),
      maxAge: Math.floor(maxAgeMs / 1000),
    });
  }
}
