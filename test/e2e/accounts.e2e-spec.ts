import { AccountCommands, ServiceSetup } from '@app/application';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { IdentityStoreProvider } from '../../apps/api/src/auth/sessions';
import { auditor, bearer, DEPARTMENT, raiseAssigned } from '../support/recommendation-fixtures';
import { postAs, sessionCookie, type Browser } from '../support/sessions';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * ACCEPTANCE (people sign in): setup → the admin creates a department officer → the officer
 * signs in with a cookie, reads the inbox, acts with the CSRF token and is refused without it →
 * the admin disables them → their next request is 401. Around it: one answer for a wrong
 * username or password, lock-out, a new session id at every sign-in, cookie flags, sign-out.
 */

const ADMIN_PASSWORD = 'quản trị viên 2026!';
const OFFICER_PASSWORD = 'sở nội vụ mật khẩu';

describe('accounts and sessions', () => {
  let t: TestApp;
  let admin: Browser;

  const login = async (username: string, password: string): Promise<Browser> => {
    const res = await t.http().post('/auth/login').send({ username, password });
    expect(res.status).toBe(200);
    const cookie = sessionCookie(res).split(';')[0];
    const me = await t.http().get('/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
    return { cookie, csrf: me.body.csrfToken };
  };
  const post = (who: Browser, path: string, body: object = {}, csrf = true) => postAs(t, who, path, body, csrf);

  beforeAll(async () => {
    t = await createTestApp();
    // The start log printed a link with a one-time token; issuing a new one replaces it, as the CLI does.
    const token = t.app.get(IdentityStoreProvider).issueSetupToken(Date.now());
    const res = await t
      .http()
      .post('/auth/setup')
      .send({ token, username: 'admin', name: 'Quản trị viên', password: ADMIN_PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin' });
    admin = await login('admin', ADMIN_PASSWORD);
  });
  afterAll(() => t.close());

  it('setup works once: the same token, or a new one, cannot create a second first administrator', async () => {
    const used = await t
      .http()
      .post('/auth/setup')
      .send({ token: 'x'.repeat(43), username: 'admin2', name: 'B', password: ADMIN_PASSWORD });
    expect({ status: used.status, code: used.body.code }).toEqual({ status: 403, code: 'AUTH.SETUP_TOKEN' });
    const token = t.app.get(IdentityStoreProvider).issueSetupToken(Date.now());
    const again = await t.http().post('/auth/setup').send({ token, username: 'admin2', name: 'B', password: ADMIN_PASSWORD });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'SETUP.DONE' });
  });

  it('the whole path: create an officer, sign in, inbox, act with CSRF, refused without, disabled → 401', async () => {
    const created = await post(admin, '/admin/users', {
      username: 'nguyen.van.a',
      name: 'Nguyễn Văn A',
      role: 'department',
      department: DEPARTMENT,
      password: OFFICER_PASSWORD,
    });
    expect(created.status).toBe(201);
    const officerId = created.body.id as string;

    const officer = await login('nguyen.van.a', OFFICER_PASSWORD);
    const me = await t.http().get('/auth/me').set('Cookie', officer.cookie);
    expect(me.body).toMatchObject({
      id: officerId,
      username: 'nguyen.van.a',
      name: 'Nguyễn Văn A',
      role: 'department',
      department: DEPARTMENT,
    });

    const id = await raiseAssigned(t);
    const inbox = await t.http().get(`/recommendations?department=${DEPARTMENT}&status=assigned`).set('Cookie', officer.cookie);
    expect(inbox.status).toBe(200);

    const withoutCsrf = await post(officer, `/recommendations/${id}/acknowledge`, {}, false);
    expect({ status: withoutCsrf.status, code: withoutCsrf.body.code }).toEqual({ status: 403, code: 'AUTH.CSRF' });
    const wrongCsrf = await t
      .http()
      .post(`/recommendations/${id}/acknowledge`)
      .set('Cookie', officer.cookie)
      .set('X-CSRF-Token', admin.csrf)
      .send({});
    expect(wrongCsrf.status).toBe(403);
    const acknowledged = await post(officer, `/recommendations/${id}/acknowledge`);
    expect(acknowledged.status).toBe(200);
    const history = await t
      .http()
      .get(`/recommendations/${id}/history`)
      .set('Authorization', bearer(await auditor(t)));
    const ack = (history.body.events as Array<{ type: string; actor: { sub: string } }>).find(
      (e) => e.type === 'AssignmentAcknowledged',
    );
    expect(ack?.actor.sub).toBe(officerId);

    const disabled = await post(admin, `/admin/users/${officerId}/disable`);
    expect(disabled.status).toBe(200);
    const next = await t.http().get('/auth/me').set('Cookie', officer.cookie);
    expect(next.status).toBe(401);
    const again = await t.http().post('/auth/login').send({ username: 'nguyen.van.a', password: OFFICER_PASSWORD });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 401, code: 'AUTH.BAD_CREDENTIALS' });
  });

  it('a role change ends the live session at once; a new password too', async () => {
    const created = await post(admin, '/admin/users', {
      username: 'tran.thi.b',
      name: 'Trần Thị B',
      role: 'secretariat',
      password: OFFICER_PASSWORD,
    });
    const clerk = await login('tran.thi.b', OFFICER_PASSWORD);
    await post(admin, `/admin/users/${created.body.id}/role`, { role: 'committee' }).expect(200);
    expect((await t.http().get('/auth/me').set('Cookie', clerk.cookie)).status).toBe(401);
    const member = await login('tran.thi.b', OFFICER_PASSWORD);
    expect((await t.http().get('/auth/me').set('Cookie', member.cookie)).body.role).toBe('committee');
    await post(admin, `/admin/users/${created.body.id}/password`, { password: 'một mật khẩu mới dài' }).expect(200);
    expect((await t.http().get('/auth/me').set('Cookie', member.cookie)).status).toBe(401);
    await login('tran.thi.b', 'một mật khẩu mới dài');
  });

  it('answers a wrong password and an unknown username alike', async () => {
    const wrong = await t.http().post('/auth/login').send({ username: 'admin', password: 'not the password at all' });
    const unknown = await t.http().post('/auth/login').send({ username: 'nobody.here', password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: wrong.status, body: wrong.body });
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('locks a username out after repeated failures, with Retry-After; other usernames still sign in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await t.http().post('/auth/login').send({ username: 'locked.user', password: 'wrong password again' })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const locked = await t.http().post('/auth/login').send({ username: 'locked.user', password: 'wrong password again' });
    expect(locked.body.code).toBe('AUTH.LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    await login('admin', ADMIN_PASSWORD);
  });

  it('gives a new session id at every sign-in, with HttpOnly and SameSite; sign-out ends it on the server', async () => {
    const first = await t.http().post('/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    const second = await t.http().post('/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    const [a, b] = [sessionCookie(first), sessionCookie(second)];
    expect(a.split(';')[0]).not.toBe(b.split(';')[0]);
    expect(a).toMatch(/HttpOnly/);
    expect(a).toMatch(/SameSite=Lax/);
    expect(a).toMatch(/Path=\//);
    // A session id planted before sign-in is never adopted: sign-in answers a fresh one.
    const planted = await t
      .http()
      .post('/auth/login')
      .set('Cookie', 'fut_session=planted-by-someone-else')
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(sessionCookie(planted)).not.toMatch(/planted-by-someone-else/);

    const session = { cookie: a.split(';')[0], csrf: first.body.csrfToken as string };
    expect((await post(session, '/auth/logout', {}, false)).status).toBe(403);
    expect((await post(session, '/auth/logout')).status).toBe(204);
    expect((await t.http().get('/auth/me').set('Cookie', session.cookie)).status).toBe(401);
  });

  it('ends a session after SESSION_IDLE without use, and SESSION_MAX after sign-in even when used', async () => {
    const HOUR = 3_600_000;
    const idle = await login('admin', ADMIN_PASSWORD);
    t.clock.advance(7 * HOUR);
    expect((await t.http().get('/auth/me').set('Cookie', idle.cookie)).status).toBe(200);
    t.clock.advance(8 * HOUR + 60_000);
    expect((await t.http().get('/auth/me').set('Cookie', idle.cookie)).status).toBe(401);

    const busy = await login('admin', ADMIN_PASSWORD);
    const signedInAt = t.clock.now().getTime();
    // Used every 7 hours: never idle, yet over at 7 days.
    while (t.clock.now().getTime() + 7 * HOUR < signedInAt + 7 * 24 * HOUR) {
      t.clock.advance(7 * HOUR);
      expect((await t.http().get('/auth/me').set('Cookie', busy.cookie)).status).toBe(200);
    }
    t.clock.set(new Date(signedInAt + 7 * 24 * HOUR + 60_000));
    expect((await t.http().get('/auth/me').set('Cookie', busy.cookie)).status).toBe(401);
  });

  it('keeps passwords and hashes out of the log', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const all = JSON.stringify(await store.readAll({ maxCount: 100_000 }));
    for (const secret of [ADMIN_PASSWORD, OFFICER_PASSWORD, '$argon2id$']) expect(all).not.toContain(secret);
    const exported = await t
      .http()
      .get('/audit/events')
      .set('Authorization', bearer(await auditor(t)));
    expect(exported.status).toBe(200);
    expect(exported.text).toContain('AccountCreated');
    for (const secret of [ADMIN_PASSWORD, OFFICER_PASSWORD, '$argon2id$']) expect(exported.text).not.toContain(secret);
  });

  it('keeps at least one administrator: the last one cannot be disabled or demoted', async () => {
    const fresh = await login('admin', ADMIN_PASSWORD);
    const me = await t.http().get('/auth/me').set('Cookie', fresh.cookie);
    const disable = await post(fresh, `/admin/users/${me.body.id}/disable`);
    expect({ status: disable.status, code: disable.body.code }).toEqual({ status: 409, code: 'ACCOUNT.LAST_ADMIN' });
    const demote = await post(fresh, `/admin/users/${me.body.id}/role`, { role: 'auditor' });
    expect({ status: demote.status, code: demote.body.code }).toEqual({ status: 409, code: 'ACCOUNT.LAST_ADMIN' });
  });

  it('lists accounts for the admin only', async () => {
    // Signed in again: the sessions of the tests before have ended with the moved clock.
    const fresh = await login('admin', ADMIN_PASSWORD);
    const list = await t.http().get('/admin/users?role=admin').set('Cookie', fresh.cookie);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ username: 'admin', role: 'admin', disabled: false })]);
    const asAuditor = await t
      .http()
      .get('/admin/users')
      .set('Authorization', bearer(await auditor(t)));
    expect(asAuditor.status).toBe(403);
  });
});

describe('cookies behind https', () => {
  it('marks the session cookie Secure when people reach the service over https (PUBLIC_URL)', async () => {
    const t = await createTestApp({ env: { PUBLIC_URL: 'https://theodoi.langson.gov.vn' } });
    try {
      const token = t.app.get(IdentityStoreProvider).issueSetupToken(Date.now());
      const setup = await t
        .http()
        .post('/auth/setup')
        .send({ token, username: 'admin', name: 'Quản trị viên', password: ADMIN_PASSWORD });
      expect(sessionCookie(setup)).toMatch(/; Secure/);
      const login = await t.http().post('/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(sessionCookie(login)).toMatch(/; Secure/);
    } finally {
      await t.close();
    }
  });
});

describe('first start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves the page the setup link opens, with its script apart (the strict CSP holds)', async () => {
    const page = await t.http().get('/app/setup');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.text).toContain('<html lang="vi">');
    expect(page.text).toContain('<script src="/app/setup.js"></script>');
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    const script = await t.http().get('/app/setup.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.text).toContain("fetch('/auth/setup'");
  });

  it('offers setup again when a setup stopped after it was marked but before its administrator existed', async () => {
    const other = await createTestApp();
    try {
      // What a crash between the two steps leaves: the setup marked, no administrator.
      await new ServiceSetup(other.app.get<EventStore>(EVENT_STORE), other.clock).markSetUp('ghost', {
        demo: false,
        by: 'setup link',
      });
      const accounts = other.app.get(AccountCommands);
      expect(
        await new ServiceSetup(other.app.get<EventStore>(EVENT_STORE), other.clock).complete((u) => accounts.byUsername(u)),
      ).toBe(false);
      const token = other.app.get(IdentityStoreProvider).issueSetupToken(Date.now());
      const setup = await other
        .http()
        .post('/auth/setup')
        .send({ token, username: 'admin', name: 'Quản trị viên', password: ADMIN_PASSWORD });
      expect(setup.status).toBe(201);
      const again = await other
        .http()
        .post('/auth/setup')
        .send({
          token: other.app.get(IdentityStoreProvider).issueSetupToken(Date.now()),
          username: 'admin2',
          name: 'B',
          password: ADMIN_PASSWORD,
        });
      expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'SETUP.DONE' });
    } finally {
      await other.close();
    }
  });

  it('with demo: the demo province and one demo account per role, each password shown once', async () => {
    const token = t.app.get(IdentityStoreProvider).issueSetupToken(Date.now());
    const setup = await t
      .http()
      .post('/auth/setup')
      .send({ token, username: 'admin', name: 'Quản trị viên', password: ADMIN_PASSWORD, demo: true });
    expect(setup.status).toBe(201);
    const accounts = setup.body.demoAccounts as Array<{ username: string; role: string; password: string }>;
    expect(accounts.map((a) => a.role).sort()).toEqual(['auditor', 'committee', 'commune', 'department', 'secretariat']);
    const officer = accounts.find((a) => a.role === 'department')!;
    const signedIn = await t.http().post('/auth/login').send({ username: officer.username, password: officer.password });
    expect(signedIn.status).toBe(200);
    const cookie = sessionCookie(signedIn).split(';')[0];
    const inbox = await t.http().get('/recommendations?status=assigned&minPosition=1').set('Cookie', cookie);
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.length).toBeGreaterThan(0);
    const users = await t.http().get('/admin/users').set('Cookie', sessionCookie(setup).split(';')[0]);
    expect(users.body.items.length).toBeGreaterThanOrEqual(1);
  });
});
