import type { AddressInfo } from 'node:net';
import { AccountCommands } from '@app/application';
import { ConfigError, loadConfig } from '@app/common';
import { IdentityStoreProvider } from '../../apps/api/src/auth/sessions';
import { Browser, startTestProvider, type TestProvider } from '../support/oidc-provider';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * ACCEPTANCE (single sign-on): a real OpenID provider (oidc-provider) runs in this process; a
 * browser — fetch with a cookie jar, following redirects by hand — signs in through it: login
 * redirect with PKCE, state and nonce, the provider's login and consent, the callback. The account
 * is found by subject, or linked the first time by a verified email; a stranger, a wrong state, a
 * replayed callback and a disabled account open no session.
 */

const PUBLIC_URL = 'http://fut.test';
const CALLBACK = `${PUBLIC_URL}/auth/oidc/callback`;
const ADMIN_PASSWORD = 'quản trị viên 2026!';

interface Signed {
  cookie: string;
  csrf: string;
}

/** The Set-Cookie header of `name` in a response, or undefined. */
function setCookie(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** The stable code of an error answer. */
async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { code: string }).code;
}

/** The session the response opened: none unless it sets a non-empty fut_session. */
function openedSession(response: Response): string | null {
  const cookie = setCookie(response, 'fut_session');
  const value = cookie?.split(';')[0].slice('fut_session='.length);
  return value ? `fut_session=${value}` : null;
}

describe('single sign-on with OpenID Connect', () => {
  let op: TestProvider;
  let t: TestApp;
  let appOrigin: string;
  let admin: Signed;
  let passwordCookieAttributes: string;

  const post = (path: string, body: object = {}) =>
    t.http().post(path).set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf).send(body);

  /** An account for single sign-on (no password), listed by the read model before the test goes on. */
  const createAccount = async (username: string, email: string | null): Promise<string> => {
    const created = await post('/admin/users', { username, name: username, role: 'auditor', ...(email ? { email } : {}) });
    expect(created.status).toBe(201);
    for (const deadline = Date.now() + 5000; ;) {
      const list = await t.http().get(`/admin/users?q=${username}`).set('Cookie', admin.cookie);
      if ((list.body.items as Array<{ id: string }>).some((a) => a.id === created.body.id)) break;
      if (Date.now() > deadline) throw new Error(`${username} never reached the accounts list`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return created.body.id as string;
  };

  /**
   * A browser starts a sign-in at the service and goes through the provider as `subject`: the
   * callback URL the provider sends it back to, not yet visited.
   */
  const toCallback = async (subject: string, browser = new Browser({ [PUBLIC_URL]: appOrigin })) => {
    op.loginAs = subject;
    const login = await browser.get(`${PUBLIC_URL}/auth/oidc/login`);
    expect(login.status).toBe(302);
    let location = new URL(login.headers.get('location') as string, PUBLIC_URL);
    const authorization = location;
    for (let hops = 0; !location.href.startsWith(`${CALLBACK}?`); hops++) {
      if (hops > 10) throw new Error(`no way back to the callback: at ${location.href}`);
      const response = await browser.get(location);
      if (response.status !== 302 && response.status !== 303) {
        throw new Error(`the provider answered ${response.status} at ${location.href}: ${await response.text()}`);
      }
      location = new URL(response.headers.get('location') as string, location);
    }
    return { browser, login, authorization, callback: location };
  };

  /** The whole sign-in as `subject`: the callback's answer. */
  const signIn = async (subject: string) => {
    const { browser, callback } = await toCallback(subject);
    return { browser, response: await browser.get(callback) };
  };

  /** The callback URL sent again by hand, with a cookie kept from before (as a copied request would be). */
  const replay = (callback: URL, cookie: string) =>
    fetch(new URL(callback.pathname + callback.search, appOrigin), { redirect: 'manual', headers: { cookie } });

  const me = (cookie: string) => t.http().get('/auth/me').set('Cookie', cookie);

  beforeAll(async () => {
    op = await startTestProvider({ redirectUri: CALLBACK });
    t = await createTestApp({
      env: {
        PUBLIC_URL,
        OIDC_ISSUER_URL: op.issuer,
        OIDC_CLIENT_ID: op.clientId,
        OIDC_CLIENT_SECRET: op.clientSecret,
      },
    });
    // The provider sends the browser back to PUBLIC_URL; the browser's hosts table maps it here.
    await t.app.listen(0, '127.0.0.1');
    appOrigin = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;

    const token = t.app.get(IdentityStoreProvider).issueSetupToken(Date.now());
    const setup = await t
      .http()
      .post('/auth/setup')
      .send({ token, username: 'admin', name: 'Quản trị viên', password: ADMIN_PASSWORD });
    expect(setup.status).toBe(201);
    const login = await t.http().post('/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    const cookie = (login.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('fut_session=')) as string;
    passwordCookieAttributes = cookie.replace(/^fut_session=[^;]*/, '');
    admin = { cookie: cookie.split(';')[0], csrf: login.body.csrfToken as string };
  });

  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  it('the login redirect asks for a code with PKCE (S256), state and nonce, kept behind a short-lived HttpOnly cookie', async () => {
    op.identities.set('sub-redirect', {});
    const { login, authorization } = await toCallback('sub-redirect');
    expect(authorization.origin + authorization.pathname).toBe(`${op.issuer}/auth`);
    const params = authorization.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(op.clientId);
    expect(params.get('redirect_uri')).toBe(CALLBACK);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(params.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
    const flow = setCookie(login, 'fut_oidc') as string;
    expect(flow).toMatch(/^fut_oidc=[A-Za-z0-9_-]{32}; Max-Age=600; Path=\/auth\/oidc\/callback; HttpOnly; SameSite=Lax$/);
    // Nothing of the flow but its id leaves the server.
    expect(flow).not.toContain(params.get('state'));
    expect(login.headers.get('cache-control')).toBe('no-store');
  });

  it('1. a known identity (linked by subject) signs in: 302 to /app/, the session cookie of a password sign-in, /auth/me answers the account', async () => {
    const id = await createAccount('pham.van.c', null);
    await t.app.get(AccountCommands).linkIdentity(id, op.issuer, 'sub-c', { sub: 'admin', name: 'Quản trị viên', role: 'admin' });
    op.identities.set('sub-c', {});

    const { browser, response } = await signIn('sub-c');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${PUBLIC_URL}/app/`);
    const session = openedSession(response) as string;
    expect(session).toBeTruthy();
    expect((setCookie(response, 'fut_session') as string).replace(/^fut_session=[^;]*/, '')).toBe(passwordCookieAttributes);
    // The flow's cookie is gone with the callback.
    expect(setCookie(response, 'fut_oidc')).toMatch(/^fut_oidc=; Max-Age=0;/);
    expect(browser.cookie(PUBLIC_URL, 'fut_oidc')).toBeUndefined();

    const who = await me(session);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ id, username: 'pham.van.c', role: 'auditor' });
    expect(who.body.csrfToken).toEqual(expect.any(String));
    const { account } = await t.app.get(AccountCommands).load(id);
    expect(account?.lastSignInAt).not.toBeNull();
  });

  it('2. the first sign-in links the account with that verified email; the next one finds it by subject even after the email changed', async () => {
    const id = await createAccount('le.thi.b', 'le.thi.b@langson.gov.vn');
    op.identities.set('sub-b', { email: 'Le.Thi.B@langson.gov.vn', email_verified: true });

    const first = await signIn('sub-b');
    expect(first.response.status).toBe(302);
    const session = openedSession(first.response) as string;
    expect((await me(session)).body).toMatchObject({ id, username: 'le.thi.b' });
    const { account } = await t.app.get(AccountCommands).load(id);
    expect(account?.identities).toEqual([{ issuer: op.issuer, subject: 'sub-b' }]);

    op.identities.set('sub-b', { email: 'b.le@example.org', email_verified: true });
    const second = await signIn('sub-b');
    expect(second.response.status).toBe(302);
    const again = openedSession(second.response) as string;
    expect(again).not.toBe(session);
    expect((await me(again)).body).toMatchObject({ id, username: 'le.thi.b' });
  });

  it('an email is not enough when unverified, or when another subject of the provider holds the account', async () => {
    const id = await createAccount('hoang.van.d', 'hoang.van.d@langson.gov.vn');
    op.identities.set('sub-d-unverified', { email: 'hoang.van.d@langson.gov.vn', email_verified: false });
    const unverified = await signIn('sub-d-unverified');
    expect(unverified.response.status).toBe(403);
    expect(await codeOf(unverified.response)).toBe('AUTH.NO_ACCOUNT');
    expect(openedSession(unverified.response)).toBeNull();

    op.identities.set('sub-d', { email: 'hoang.van.d@langson.gov.vn', email_verified: true });
    expect((await signIn('sub-d')).response.status).toBe(302);
    // A new subject showing the same email (a reused address) does not get into the account.
    op.identities.set('sub-d-newcomer', { email: 'hoang.van.d@langson.gov.vn', email_verified: true });
    const newcomer = await signIn('sub-d-newcomer');
    expect(newcomer.response.status).toBe(403);
    expect(await codeOf(newcomer.response)).toBe('AUTH.NO_ACCOUNT');
    const { account } = await t.app.get(AccountCommands).load(id);
    expect(account?.identities).toEqual([{ issuer: op.issuer, subject: 'sub-d' }]);
  });

  it('3. an identity without an account: 403 AUTH.NO_ACCOUNT, no session cookie', async () => {
    op.identities.set('sub-stranger', { email: 'nobody@example.org', email_verified: true });
    const { response } = await signIn('sub-stranger');
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ statusCode: 403, code: 'AUTH.NO_ACCOUNT' });
    expect(openedSession(response)).toBeNull();
  });

  it('4. a wrong state is refused (400 AUTH.OIDC_STATE) before the code is used, and burns the sign-in; so is a callback from another browser', async () => {
    await createAccount('vu.thi.e', 'vu.thi.e@langson.gov.vn');
    op.identities.set('sub-e', { email: 'vu.thi.e@langson.gov.vn', email_verified: true });
    const tokenRequests = op.tokenRequests.length;

    const { browser, callback } = await toCallback('sub-e');
    const flowCookie = `fut_oidc=${browser.cookie(PUBLIC_URL, 'fut_oidc')}`;
    const forged = new URL(callback);
    forged.searchParams.set('state', 'x'.repeat(43));
    const wrong = await browser.get(forged);
    expect(wrong.status).toBe(400);
    expect(await codeOf(wrong)).toBe('AUTH.OIDC_STATE');
    expect(openedSession(wrong)).toBeNull();
    // The refusal spent the sign-in: its genuine response, even sent with the flow's cookie kept, is refused too.
    const genuine = await replay(callback, flowCookie);
    expect(genuine.status).toBe(401);
    expect(await codeOf(genuine)).toBe('AUTH.OIDC_FAILED');
    expect(openedSession(genuine)).toBeNull();

    // Login CSRF: a callback URL of someone else's sign-in, in a browser that started none.
    const { callback: theirs } = await toCallback('sub-e');
    const elsewhere = await new Browser({ [PUBLIC_URL]: appOrigin }).get(theirs);
    expect(elsewhere.status).toBe(400);
    expect(await codeOf(elsewhere)).toBe('AUTH.OIDC_STATE');
    expect(openedSession(elsewhere)).toBeNull();
    // None of these reached the provider's token endpoint.
    expect(op.tokenRequests.length).toBe(tokenRequests);
  });

  it('5. a replayed callback (the same URL again, with the same cookie) is refused: 401 AUTH.OIDC_FAILED, no second session, no second token', async () => {
    op.identities.set('sub-c', {});
    const { browser, callback } = await toCallback('sub-c');
    const flowCookie = `fut_oidc=${browser.cookie(PUBLIC_URL, 'fut_oidc')}`;
    const tokenRequests = op.tokenRequests.length;

    const first = await browser.get(callback);
    expect(first.status).toBe(302);
    expect(openedSession(first)).not.toBeNull();
    expect(op.tokenRequests.slice(tokenRequests)).toEqual(['ok']);

    const replayed = await replay(callback, flowCookie);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ code: 'AUTH.OIDC_FAILED' });
    expect(openedSession(replayed)).toBeNull();
    // The browser itself dropped the flow's cookie with the first answer: its replay has no sign-in to finish.
    const again = await browser.get(callback);
    expect(again.status).toBe(400);
    expect(openedSession(again)).toBeNull();
    expect(op.tokenRequests.slice(tokenRequests)).toEqual(['ok']);
  });

  it('a refusal of the provider (the person declined) is 401 AUTH.OIDC_FAILED, no session', async () => {
    const { browser, callback } = await toCallback('sub-c');
    const declined = new URL(CALLBACK);
    declined.search = new URLSearchParams({
      error: 'access_denied',
      state: callback.searchParams.get('state') as string,
      iss: op.issuer,
    }).toString();
    const response = await browser.get(declined);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'AUTH.OIDC_FAILED' });
    expect(openedSession(response)).toBeNull();
  });

  it('6. a disabled account does not sign in (403 AUTH.ACCOUNT_DISABLED), whether linked already or found by its email', async () => {
    const linked = await createAccount('dang.van.f', 'dang.van.f@langson.gov.vn');
    op.identities.set('sub-f', { email: 'dang.van.f@langson.gov.vn', email_verified: true });
    const before = await signIn('sub-f');
    expect(before.response.status).toBe(302);
    const session = openedSession(before.response) as string;
    expect((await post(`/admin/users/${linked}/disable`)).status).toBe(200);
    expect((await me(session)).status).toBe(401);

    const refused = await signIn('sub-f');
    expect(refused.response.status).toBe(403);
    expect(await codeOf(refused.response)).toBe('AUTH.ACCOUNT_DISABLED');
    expect(openedSession(refused.response)).toBeNull();

    const byEmail = await createAccount('ngo.thi.g', 'ngo.thi.g@langson.gov.vn');
    expect((await post(`/admin/users/${byEmail}/disable`)).status).toBe(200);
    op.identities.set('sub-g', { email: 'ngo.thi.g@langson.gov.vn', email_verified: true });
    const unlinked = await signIn('sub-g');
    expect(unlinked.response.status).toBe(403);
    expect(await codeOf(unlinked.response)).toBe('AUTH.ACCOUNT_DISABLED');
    expect(openedSession(unlinked.response)).toBeNull();
    expect((await t.app.get(AccountCommands).load(byEmail)).account?.identities).toEqual([]);

    // Enabled again, it signs in again by the same identity.
    expect((await post(`/admin/users/${linked}/enable`)).status).toBe(200);
    expect((await signIn('sub-f')).response.status).toBe(302);
  });

  it('configuration: all three OIDC variables or none, in one line that never shows the secret', () => {
    const secret = 'a-client-secret-that-must-never-be-printed';
    const partial = () => loadConfig({ OIDC_ISSUER_URL: 'https://id.langson.gov.vn', OIDC_CLIENT_SECRET: secret });
    expect(partial).toThrow(ConfigError);
    expect(partial).toThrow(/^Invalid configuration: OIDC_CLIENT_ID must be set too/);
    try {
      partial();
    } catch (error) {
      expect(String(error)).not.toContain(secret);
      expect(String(error)).not.toContain('\n');
    }
    expect(() => loadConfig({ OIDC_ISSUER_URL: 'not a url', OIDC_CLIENT_ID: 'fut', OIDC_CLIENT_SECRET: secret })).toThrow(
      /OIDC_ISSUER_URL must be an http\(s\) URL/,
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: 'x'.repeat(32),
        PUBLIC_URL: 'https://theodoi.langson.gov.vn',
        OIDC_ISSUER_URL: 'http://id.langson.gov.vn',
        OIDC_CLIENT_ID: 'fut',
        OIDC_CLIENT_SECRET: secret,
      }),
    ).toThrow(/OIDC_ISSUER_URL must be an https URL/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: 'x'.repeat(32),
        OIDC_ISSUER_URL: 'https://id.langson.gov.vn',
        OIDC_CLIENT_ID: 'fut',
        OIDC_CLIENT_SECRET: secret,
      }),
    ).toThrow(/PUBLIC_URL must be set with OIDC_ISSUER_URL/);
    // PUBLIC_URL (the redirect URI's base) is read, and must be a whole URL.
    expect(loadConfig({ PUBLIC_URL: 'https://theodoi.langson.gov.vn' }).PUBLIC_URL).toBe('https://theodoi.langson.gov.vn');
    expect(() => loadConfig({ PUBLIC_URL: 'theodoi' })).toThrow(/PUBLIC_URL must be an http\(s\) URL/);
    expect(
      loadConfig({ OIDC_ISSUER_URL: 'https://id.langson.gov.vn', OIDC_CLIENT_ID: 'fut', OIDC_CLIENT_SECRET: secret })
        .OIDC_CLIENT_ID,
    ).toBe('fut');
  });
});

describe('single sign-on, not configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers 404 AUTH.OIDC_NOT_CONFIGURED on both routes, and opens nothing', async () => {
    for (const path of ['/auth/oidc/login', '/auth/oidc/callback?code=x&state=y']) {
      const res = await t.http().get(path);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'AUTH.OIDC_NOT_CONFIGURED' });
      expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/fut_session=[^;]/);
    }
  });
});
