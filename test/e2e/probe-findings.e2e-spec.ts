import { SignJWT } from 'jose';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { sign } from '../reliability/support/matrix-tokens';
import {
  bearer,
  COMMUNE,
  DEPARTMENT,
  department,
  getItem,
  postCommand,
  postRaise,
  raiseAccepted,
  raiseAssigned,
  raiseBody,
  secretariat,
  VALID_BODY,
} from '../support/recommendation-fixtures';
import { ExpensiveGate } from '../../apps/api/src/throttling/expensive-gate';
import { EXPENSIVE_LIMITS } from '../../apps/api/src/throttling/expensive.interceptor';
import { createTestApp, TEST_SECRET, type TestApp } from '../support/test-app';

/**
 * What a black-box probe of the service found, each written as the probe's request and the answer
 * it must now get. Heavier findings (asOf reports, parallel expensive requests) have their own
 * reliability test.
 */
describe('probe findings', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const expectRefused = (res: { status: number; body: { code?: string } }, status: number, code: string) => {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  };

  describe('one strict time parser, on every route alike', () => {
    const badTimes = [
      ['a bare number', '99999'],
      ['a bare year', '2026'],
      ['RFC 2822', 'Mon, 02 Mar 2026 09:00:00 +0700'],
      ['30 February', '2026-02-30T09:00:00+07:00'],
      ['a date that rolls over', '2026-02-30'],
      ['a trailing control character', '2026-03-02T09:00:00Z\u0001'],
      ['no offset', '2026-03-02T09:00:00'],
    ];
    const routes = (id: string, time: string) => [
      `/recommendations/${id}?asOf=${encodeURIComponent(time)}`,
      `/reports/summary?asOf=${encodeURIComponent(time)}`,
      `/reports/summary?from=${encodeURIComponent(time)}`,
      `/reports/summary?to=${encodeURIComponent(time)}`,
      `/reports/overdue?asOf=${encodeURIComponent(time)}`,
      `/audit/events?from=${encodeURIComponent(time)}`,
      `/audit/events?to=${encodeURIComponent(time)}`,
    ];

    it.each(badTimes)('refuses %s with 400 on every time parameter', async (_, time) => {
      const id = await raiseAccepted(t);
      const auditor = await t.token({ role: 'auditor', sub: 'auditor-1' });
      for (const path of routes(id, time)) {
        const res = await t.http().get(path).set('Authorization', bearer(auditor));
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.body.code).toBe('VALIDATION.FAILED');
      }
    });

    it('refuses the array form asOf[]= and a repeated asOf', async () => {
      const id = await raiseAccepted(t);
      const token = bearer(await secretariat(t));
      for (const path of [
        `/recommendations/${id}?asOf[]=2026-03-02T09:00:00Z`,
        `/recommendations/${id}?asOf=2026-03-02T09:00:00Z&asOf=2026-03-03T09:00:00Z`,
        '/reports/summary?asOf[]=2026-03-02T09:00:00Z',
        '/reports/overdue?asOf=2026-03-02T09:00:00Z&asOf=2026-03-03T09:00:00Z',
      ]) {
        const res = await t.http().get(path).set('Authorization', token);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
      }
    });

    it('refuses the same forms in body fields (dueAt, requestedDueAt)', async () => {
      const accepted = await raiseAccepted(t);
      const assigned = await raiseAssigned(t);
      for (const [, time] of badTimes) {
        const assign = await postCommand(t, accepted, 'assign', await secretariat(t), { department: DEPARTMENT, dueAt: time });
        expectRefused(assign, 400, 'VALIDATION.FAILED');
        const extension = await postCommand(t, assigned, 'extension-request', await department(t), {
          requestedDueAt: time,
          reason: 'Waiting for the survey',
        });
        expectRefused(extension, 400, 'VALIDATION.FAILED');
      }
    });

    it('still reads a proper time with an offset or Z', async () => {
      const res = await t
        .http()
        .get(`/reports/summary?asOf=${encodeURIComponent('2026-03-01T09:00:00+07:00')}&to=2026-03-02T00:00:00Z`)
        .set('Authorization', bearer(await secretariat(t)));
      expect(res.status).toBe(200);
    });
  });

  describe('Idempotency-Key replay re-checks the caller', () => {
    it('does not replay a department’s answer to the same user as a commune', async () => {
      const id = await raiseAssigned(t);
      const key = 'progress-key-1';
      const asDepartment = await t.token({ role: 'department', department: DEPARTMENT, sub: 'shared-user' });
      const first = await postCommand(t, id, 'progress', asDepartment, VALID_BODY.progress, { 'Idempotency-Key': key });
      expect(first.status).toBe(200);
      const asCommune = await t.token({ role: 'commune', commune: COMMUNE, sub: 'shared-user' });
      const replayed = await postCommand(t, id, 'progress', asCommune, VALID_BODY.progress, { 'Idempotency-Key': key });
      expectRefused(replayed, 409, 'IDEMPOTENCY.KEY_REUSED');
      expect(replayed.body).not.toHaveProperty('revision');
      // The department itself still gets its answer replayed.
      const again = await postCommand(t, id, 'progress', asDepartment, VALID_BODY.progress, { 'Idempotency-Key': key });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    });
  });

  describe('tokens must be bounded in time', () => {
    const claims = { sub: 'clerk-9', role: 'secretariat' };
    const status = async (token: string) => (await t.http().get('/recommendations').set('Authorization', bearer(token))).status;

    it('refuses a token without exp', async () => {
      const res = await t
        .http()
        .get('/recommendations')
        .set('Authorization', bearer(await sign(TEST_SECRET, claims, { expiresIn: null })));
      expectRefused(res, 401, 'AUTH.INVALID_TOKEN');
    });

    it('refuses a lifetime beyond AUTH_MAX_TOKEN_LIFETIME (24h by default)', async () => {
      expect(await status(await sign(TEST_SECRET, claims, { expiresIn: 48 * 3600 }))).toBe(401);
      expect(await status(await sign(TEST_SECRET, claims, { expiresIn: 365 * 24 * 3600 }))).toBe(401);
      expect(await status(await sign(TEST_SECRET, claims, { expiresIn: 23 * 3600 }))).toBe(200);
    });

    it('refuses iat in the future beyond a small skew', async () => {
      const at = Math.floor(Date.now() / 1000);
      const issuedAt = (iat: number) =>
        new SignJWT({ role: 'secretariat', name: 'Clerk' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('clerk-9')
          .setIssuedAt(iat)
          .setExpirationTime(iat + 3600)
          .sign(new TextEncoder().encode(TEST_SECRET));
      expect(await status(await issuedAt(at + 3600))).toBe(401);
      expect(await status(await issuedAt(at + 10))).toBe(200);
    });
  });

  describe('unauthenticated requests cannot wait or learn', () => {
    const FAR_AHEAD = '999999999';

    it('/health tells a stranger up or down only; a caller with a token gets the details', async () => {
      const stranger = await t.http().get('/health');
      expect({ status: stranger.status, body: stranger.body }).toEqual({ status: 200, body: { status: 'ok' } });
      const forged = await t
        .http()
        .get('/health')
        .set('Authorization', `Bearer ${await sign('not-the-secret', { role: 'auditor' })}`);
      expect(forged.body).toEqual({ status: 'ok' });
      const operator = await t.health();
      expect(operator.body).toMatchObject({ status: 'ok', eventStore: 'up', redis: 'up' });
      expect(operator.body.projections).toEqual({ position: expect.any(Number), lag: expect.any(Number) });
    });

    it('a stranger’s ?minPosition= does not hold the connection, on /health or /audit/public-key', async () => {
      for (const path of ['/health', '/audit/public-key']) {
        const res = await t.http().get(`${path}?minPosition=${FAR_AHEAD}`);
        expect(res.status).toBe(200);
        // The wait, when there is one, always ends by saying how far the read models came.
        expect(res.headers['x-read-model-position']).toBeUndefined();
        expect(res.headers['x-read-model-behind']).toBeUndefined();
      }
    });

    it('an authenticated caller still reads its own writes with ?minPosition=', async () => {
      const raised = await postRaise(t, await secretariat(t), raiseBody());
      const res = await t.health(`/health?minPosition=${raised.body.position}`);
      expect(res.status).toBe(200);
      expect(Number(res.headers['x-read-model-position'])).toBeGreaterThanOrEqual(raised.body.position);
      expect(res.headers['x-read-model-behind']).toBeUndefined();
      expect(res.body.projections.lag).toBe(0);
    });
  });

  describe('input: text, dates and due dates', () => {
    it('refuses a title with a null byte, or of spaces only; trims what it keeps', async () => {
      const token = await secretariat(t);
      expectRefused(await postRaise(t, token, raiseBody({ title: 'Headquarters\u0000' })), 400, 'VALIDATION.FAILED');
      expectRefused(await postRaise(t, token, raiseBody({ title: '    ' })), 400, 'VALIDATION.FAILED');
      expectRefused(await postRaise(t, token, raiseBody({ description: 'bell \u0007' })), 400, 'VALIDATION.FAILED');
      const kept = await postRaise(t, token, raiseBody({ title: '  Trụ sở Phường Đông Kinh  ', description: 'Dòng 1\nDòng 2' }));
      expect(kept.status).toBe(201);
      const item = await getItem(t, kept.body.id as string);
      expect(item.body.title).toBe('Trụ sở Phường Đông Kinh');
      expect(item.body.description).toBe('Dòng 1\nDòng 2');
    });

    it('refuses session dates that do not exist', async () => {
      const token = await secretariat(t);
      for (const sessionDate of ['9999-99-99', '2026-02-30', '2025-13-01']) {
        expectRefused(await postRaise(t, token, raiseBody({ sessionDate })), 400, 'VALIDATION.FAILED');
      }
    });

    it('refuses a due date more than five years ahead (year 9999)', async () => {
      const accepted = await raiseAccepted(t);
      const res = await postCommand(t, accepted, 'assign', await secretariat(t), {
        department: DEPARTMENT,
        dueAt: '9999-12-31T17:00:00+07:00',
      });
      expectRefused(res, 400, 'VALIDATION.DUE_DATE_TOO_FAR');
      const assigned = await raiseAssigned(t);
      const extension = await postCommand(t, assigned, 'extension-request', await department(t), {
        requestedDueAt: '2099-01-01T17:00:00+07:00',
        reason: 'A long wait',
      });
      expectRefused(extension, 400, 'VALIDATION.DUE_DATE_TOO_FAR');
    });
  });

  describe('smaller findings', () => {
    it('/reports/overdue pages its items: every group counted, a page listed, the rest behind a cursor', async () => {
      const own = await createTestApp();
      try {
        for (let i = 0; i < 5; i++) await raiseAssigned(own);
        own.clock.set(new Date('2026-06-01T09:00:00+07:00'));
        const token = bearer(await secretariat(own));
        const first = await own.http().get('/reports/overdue?limit=2').set('Authorization', token);
        expect(first.status).toBe(200);
        expect(first.body.total).toBe(5);
        const [group] = first.body.groups;
        expect({ key: group.key, count: group.count, listed: group.items.length }).toEqual({
          key: DEPARTMENT,
          count: 5,
          listed: 2,
        });
        const ids = group.items.map((i: { id: string }) => i.id);
        let cursor: string | null = group.nextCursor;
        while (cursor) {
          const next = await own
            .http()
            .get(`/reports/overdue?limit=2&group=${DEPARTMENT}&cursor=${encodeURIComponent(cursor)}`)
            .set('Authorization', token);
          expect(next.status).toBe(200);
          ids.push(...next.body.groups[0].items.map((i: { id: string }) => i.id));
          cursor = next.body.groups[0].nextCursor;
        }
        expect(new Set(ids).size).toBe(5);
        const bad = await own.http().get('/reports/overdue?limit=100000').set('Authorization', token);
        expectRefused(bad, 400, 'VALIDATION.FAILED');
        // A garbled cursor is the caller's mistake, also when the report is built on the report thread.
        for (const asOf of ['', '&asOf=2026-05-01T00:00:00Z']) {
          const garbled = await own
            .http()
            .get(`/reports/overdue?group=${DEPARTMENT}&cursor=zz%25${asOf}`)
            .set('Authorization', token);
          expectRefused(garbled, 400, 'VALIDATION.CURSOR');
        }
      } finally {
        await own.close();
      }
    });

    it('a connection idle past REQUEST_TIMEOUT is closed at that time with 408', async () => {
      const own = await createTestApp({ env: { REQUEST_TIMEOUT: '2s' } });
      try {
        const server = own.app.getHttpServer() as Server;
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        const started = Date.now();
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
          let text = '';
          socket.on('data', (chunk) => (text += chunk.toString()));
          socket.on('close', () => resolve(text));
          socket.on('error', reject);
        });
        const elapsed = Date.now() - started;
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(answer).toContain('"code":"REQUEST.TIMEOUT"');
        // Node checks deadlines every second here (its default is every 30 s).
        expect(elapsed).toBeGreaterThanOrEqual(1900);
        expect(elapsed).toBeLessThan(6000);
      } finally {
        await own.close();
      }
    });

    it('404 messages do not echo control characters from the path', async () => {
      const token = bearer(await secretariat(t));
      for (const path of ['/recommendations/%00%0a%1b[31mX', '/recommendations/%00%0a%1b[31mX/history', '/nope%00%0a']) {
        const res = await t.http().get(path).set('Authorization', token);
        expect(res.status).toBe(404);
        // eslint-disable-next-line no-control-regex -- looking for control characters is the point
        expect(res.body.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }
    });

    it('expensive requests are bounded: with the gate full, 429 REQUEST.BUSY with Retry-After; reports of now never wait', async () => {
      const gate = t.app.get(ExpensiveGate);
      const held = await Promise.all(Array.from({ length: EXPENSIVE_LIMITS.running }, (_, i) => gate.acquire(`holder-${i}`)));
      const waiting = Array.from({ length: EXPENSIVE_LIMITS.waiting }, (_, i) => gate.acquire(`waiter-${i}`));
      try {
        const auditor = bearer(await t.token({ role: 'auditor', sub: 'auditor-flood' }));
        for (const path of ['/audit/verify', '/audit/events', '/reports/summary?asOf=2026-03-01T00:00:00Z']) {
          const res = await t.http().get(path).set('Authorization', auditor);
          expectRefused(res, 429, 'REQUEST.BUSY');
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
        const live = await t.http().get('/reports/summary').set('Authorization', auditor);
        expect(live.status).toBe(200);
      } finally {
        held.forEach((release) => release());
        for (const next of waiting) (await next)();
      }
      const after = await t
        .http()
        .get('/audit/verify')
        .set('Authorization', bearer(await t.token({ role: 'auditor' })));
      expect(after.status).toBe(200);
    });

    it('a search of a hundred repeated words answers as one word does', async () => {
      const token = bearer(await secretariat(t));
      const one = await t
        .http()
        .get(`/recommendations?q=${encodeURIComponent('a')}`)
        .set('Authorization', token);
      const many = await t
        .http()
        .get(`/recommendations?q=${encodeURIComponent(Array.from({ length: 100 }, () => 'a').join(' '))}`)
        .set('Authorization', token);
      expect(many.status).toBe(200);
      expect(many.body.total).toBe(one.body.total);
    });
  });
});
