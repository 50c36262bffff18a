import type { Response } from 'supertest';
import { IdentityStoreProvider } from '../../apps/api/src/auth/sessions';
import type { TestApp } from './test-app';

/** A browser's cookie jar for one person: the session cookie (`fut_session=…`) and its CSRF token. */
export interface Browser {
  cookie: string;
  csrf: string;
}

export const ADMIN_PASSWORD = 'mật khẩu quản trị 2026';

/** The whole `Set-Cookie` line of the session cookie an answer sets (with its attributes). */
export function sessionCookie(res: Response): string {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = (header ?? []).find((c) => c.startsWith('fut_session='));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(res.headers)}`);
  return cookie;
}

/**
 * The first administrator, as a person creates it: a setup token (the start log's link gives one;
 * issuing a new one replaces it, as the CLI does), `POST /auth/setup`, and the session it opens.
 */
export async function setUpAdministrator(t: TestApp, password = ADMIN_PASSWORD): Promise<Browser> {
  const token = t.app.get(IdentityStoreProvider).issueSetupToken(Date.now());
  const setup = await t.http().post('/auth/setup').send({ token, username: 'admin', name: 'Quản trị viên', password });
  if (setup.status !== 201) throw new Error(`setup answered ${setup.status}: ${setup.text}`);
  return { cookie: sessionCookie(setup).split(';')[0], csrf: String(setup.body.csrfToken) };
}

/** A POST on a session, with its CSRF token unless `csrf` is false. */
export function postAs(t: TestApp, who: Browser, path: string, body: object = {}, csrf = true) {
  const req = t.http().post(path).set('Cookie', who.cookie);
  return (csrf ? req.set('X-CSRF-Token', who.csrf) : req).send(body);
}
