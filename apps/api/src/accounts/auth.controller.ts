import { Body, Controller, Get, HttpCode, HttpException, Inject, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { serialize } from 'cookie';
import type { Request, Response } from 'express';
import type { Account } from '@app/accounts';
import { LOGGER } from '@app/common';
import type { Logger } from 'pino';
import { CurrentActor } from '../auth/current-actor.decorator';
import { EveryRole, Public, type AuthenticatedRequest } from '../auth/auth.guard';
import { BadCredentialsError, cookieSecure, LockedError, SESSION_COOKIE, Sessions } from '../auth/sessions';
import { FirstStart } from './first-start';
import { LoginDto, SetupDto } from './accounts.dto';
import type { Actor } from '@app/recommendations';

/** What `/auth/me` and a sign-in answer say of the signed-in person. */
export function userView(account: Account) {
  return {
    id: account.id,
    username: account.username,
    name: account.name,
    role: account.role,
    department: account.department,
    commune: account.commune,
    language: account.language,
  };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly sessions: Sessions,
    private readonly firstStart: FirstStart,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a username and password: a session cookie' })
  async login(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    try {
      const { secret, session } = await this.sessions.signIn(dto.username, dto.password);
      this.setCookie(req, res, secret);
      return { user: userView(session.account), csrfToken: session.csrfToken };
    } catch (error) {
      if (error instanceof BadCredentialsError) {
        this.logger.warn({ event: 'sign-in refused' }, 'a sign-in was refused');
        throw new UnauthorizedException({ code: error.code, message: error.message });
      }
      if (error instanceof LockedError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
        throw new HttpException({ code: error.code, message: error.message }, 429);
      }
      throw error;
    }
  }

  @Get('me')
  @EveryRole()
  @ApiOperation({ summary: 'The signed-in person, with the CSRF token their POSTs must carry' })
  me(@Req() req: AuthenticatedRequest, @CurrentActor() actor: Actor) {
    if (!req.session) {
      // A bearer token speaks for another system: it has no account and no CSRF token.
      return {
        id: actor.sub,
        username: null,
        name: actor.name,
        role: actor.role,
        department: actor.department ?? null,
        commune: actor.commune ?? null,
        language: 'vi',
        csrfToken: null,
      };
    }
    return { ...userView(req.session.account), csrfToken: req.session.csrfToken };
  }

  @Post('logout')
  @EveryRole()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session on the server' })
  logout(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): void {
    if (req.session) this.sessions.signOut(req.session.secret);
    res.setHeader(
      'Set-Cookie',
      serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 0, secure: cookieSecure(req) }),
    );
  }

  @Post('setup')
  @Public()
  @HttpCode(201)
  @ApiOperation({ summary: 'First start: create the first administrator with the one-time token from the start log' })
  async setup(@Body() dto: SetupDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { account, demoAccounts } = await this.firstStart.complete(dto);
    const { secret, session } = await this.sessions.open(account, 'password');
    this.setCookie(req, res, secret);
    // The demo accounts' passwords are shown here once; they are kept only as hashes.
    return { user: userView(session.account), csrfToken: session.csrfToken, ...(dto.demo ? { demoAccounts } : {}) };
  }

  private setCookie(req: Request, res: Response, secret: string): void {
    res.setHeader(
      'Set-Cookie',
      serialize(SESSION_COOKIE, secret, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: cookieSecure(req),
        maxAge: Math.floor(this.sessions.maxAgeMs / 1000),
      }),
    );
  }
}
