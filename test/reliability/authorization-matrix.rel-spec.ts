import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Response, Test } from 'supertest';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { setUpAdministrator } from '../support/sessions';
import { createTestApp, TEST_SECRET, type TestApp } from '../support/test-app';
import {
  auditor,
  bearer,
  COMMUNE,
  commune,
  committee,
  department,
  DEPARTMENT,
  DUE_AT,
  NOW,
  raise,
  raiseBody,
  run,
  secretariat,
  VALID_BODY,
  type Action,
} from '../support/recommendation-fixtures';
import { errorShapeProblems } from './support/fuzz-harness';
import { CALLERS, parseMatrix, type Caller, type Expected } from './support/matrix-table';
import {
  decodePayload,
  sign,
  startJwksServer,
  unsignedToken,
  withEditedPayload,
  withFlippedSignature,
  withHeader,
  type Claims,
  type JwksServer,
  type SignOptions,
} from './support/matrix-tokens';

/**
 * Every caller × every route × an item in / out of the caller's scope, against the statuses API.md
 * gives (the table is in ./support/matrix-table.ts, with the choices made where API.md is silent),
 * then the token attacks: expired, `alg: none`, forged claims, bad signatures, issuer and audience,
 * and RS256 through a JWKS.
 */

type ItemState = 'raised' | 'accepted' | 'assigned' | 'resolved' | 'explanation-requested';
/** What a row is tried on: an item in a given state, or a working session. */
type Subject = ItemState | 'session';
type ScopeName = 'in' | 'out';

interface Scope {
  commune: string;
  held: string;
  current: string;
  /** Coordinates the current assignment (its part due with the lead's). */
  coordinating: string;
}

const SCOPES: Record<ScopeName, Scope> = {
  in: { commune: COMMUNE, held: 'construction', current: DEPARTMENT, coordinating: 'industry-trade' },
  out: { commune: 'na-sam', held: 'justice', current: 'health', coordinating: 'education-training' },
};

interface Ctx {
  id: string;
  scope: Scope;
}

interface RouteImpl {
  /** The route answers differently for the in-scope and the out-of-scope item (or commune). */
  scoped: boolean;
  /** The item (or session) the row needs, and whether each cell needs a fresh one (a command may change it). */
  item: Subject | null;
  fresh: boolean;
  /** A command: a refusal must leave the store as it was. */
  command: boolean;
  send: (t: TestApp, token: string | null, ctx: Ctx) => PromiseLike<Response>;
  /** Where the row's cells have `+`/`-`: whether the answer shows the item (by default, in `items`). */
  shows?: (body: unknown, ctx: Ctx) => boolean;
}

/** The administrator signs in with a session: its "token" here is `session:<cookie>|<csrf token>`. */
const SESSION = 'session:';
const auth = (req: Test, token: string | null) => {
  if (token === null) return req;
  if (!token.startsWith(SESSION)) return req.set('Authorization', bearer(token));
  const [cookie, csrf] = token.slice(SESSION.length).split('|');
  return req.set('Cookie', cookie).set('X-CSRF-Token', csrf);
};
let serial = 0;

function commandRoute(action: Action, from: ItemState): RouteImpl {
  return {
    scoped: true,
    item: from,
    fresh: true,
    command: true,
    send: (t, token, { id }) => {
      const req = auth(t.http().post(`/recommendations/${id}/${action}`), token);
      const body = VALID_BODY[action];
      return body === undefined ? req : req.send(body);
    },
  };
}

/** A command of the second wave on an item in state `from`, with its JSON body. */
function postRoute(
  action: string,
  from: ItemState,
  body: object,
  send: (t: TestApp, req: () => Test) => PromiseLike<Response> = (_t, req) => req(),
): RouteImpl {
  return {
    scoped: true,
    item: from,
    fresh: true,
    command: true,
    send: (t, token, { id }) => send(t, () => auth(t.http().post(`/recommendations/${id}/${action}`), token).send(body)),
  };
}

const get =
  (path: (ctx: Ctx) => string) =>
  (t: TestApp, token: string | null, ctx: Ctx): Test =>
    auth(t.http().get(path(ctx)), token);

const read = (path: (ctx: Ctx) => string, scoped = true): RouteImpl => ({
  scoped,
  item: scoped ? 'assigned' : null,
  fresh: false,
  command: false,
  send: get(path),
});

/** A report row shows the item when its department (the item's current one) appears with it counted. */
const report = (path: string, shows: (body: unknown, ctx: Ctx) => boolean): RouteImpl => ({
  ...read(() => path),
  shows,
});
type SummaryBody = { departments?: Array<{ department: string; open: number }> };
type OverdueBody = {
  groups?: Array<{ key: string; count: number; items: Array<{ id: string }>; nextCursor: string | null }>;
};
const summaryShows = (body: unknown, { scope }: Ctx) =>
  ((body as SummaryBody).departments ?? []).some((d) => d.department === scope.current && d.open > 0);
const overdueShows = (body: unknown, { id }: Ctx) =>
  ((body as OverdueBody).groups ?? []).some((g) => g.items.some((item) => item.id === id));

/** A page of one: the item's department is there, one item listed, a cursor when it holds more. */
const overduePageShows = (body: unknown, { scope }: Ctx) =>
  ((body as OverdueBody).groups ?? []).some(
    (g) => g.key === scope.current && g.items.length === 1 && g.count > 1 === (g.nextCursor !== null),
  );

const UNKNOWN_ID = randomUUID();
const AS_OF = new Date(new Date(NOW).getTime() + 3_600_000).toISOString();
/** A day after the items' due date: as of then, both are overdue. */
const PAST_DUE = new Date(new Date(DUE_AT).getTime() + 86_400_000).toISOString();
/** A well-formed cursor that points past every item: an empty page, whoever asks. */
const OTHER_CURSOR = Buffer.from(JSON.stringify({ v: 8_000_000_000_000, id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' })).toString(
  'base64url',
);
let listMinPosition = 0n;
/** Two weeks after {@link PAST_DUE}: the date an explanation is required by. */
const EXPLAIN_BY = new Date(new Date(PAST_DUE).getTime() + 14 * 86_400_000).toISOString();

/**
 * Runs `fn` with the app's clock at {@link PAST_DUE} (the items are then overdue), and puts the
 * clock back after. Explanations are requested, and given, only then.
 */
async function whileOverdue<T>(t: TestApp, fn: () => PromiseLike<T>): Promise<T> {
  const was = t.clock.now();
  t.clock.set(PAST_DUE);
  try {
    return await fn();
  } finally {
    t.clock.set(was);
  }
}

/** A one-page PDF as small as a PDF gets: enough for the type to be found from the bytes. */
const TINY_PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const sessionsShows = (body: unknown, { id }: Ctx) =>
  ((body as { items?: Array<{ id: string }> }).items ?? []).some((session) => session.id === id);

const ROUTES: Record<string, RouteImpl> = {
  raise: {
    scoped: true,
    item: null,
    fresh: false,
    command: true,
    send: (t, token, { scope }) => auth(t.http().post('/recommendations'), token).send(raiseBody({ commune: scope.commune })),
  },
  'accept(raised)': commandRoute('accept', 'raised'),
  'decline(raised)': commandRoute('decline', 'raised'),
  'assign(accepted)': commandRoute('assign', 'accepted'),
  'acknowledge(assigned)': commandRoute('acknowledge', 'assigned'),
  'progress(assigned)': commandRoute('progress', 'assigned'),
  'extension-request(assigned)': commandRoute('extension-request', 'assigned'),
  'extend(assigned)': commandRoute('extend', 'assigned'),
  'return(assigned)': commandRoute('return', 'assigned'),
  'resolve(assigned)': commandRoute('resolve', 'assigned'),
  'resolve(accepted)': commandRoute('resolve', 'accepted'),
  'reopen(resolved)': commandRoute('reopen', 'resolved'),
  list: read(() => `/recommendations?limit=500&minPosition=${listMinPosition}`),
  item: read(({ id }) => `/recommendations/${id}`),
  'item-asOf': read(({ id }) => `/recommendations/${id}?asOf=${encodeURIComponent(AS_OF)}`),
  history: read(({ id }) => `/recommendations/${id}/history`),
  'item-unknown-id': read(() => `/recommendations/${UNKNOWN_ID}`, false),
  'history-unknown-id': read(() => `/recommendations/${UNKNOWN_ID}/history`, false),
  'reports-overdue': read(() => '/reports/overdue', false),
  'reports-summary': read(() => '/reports/summary', false),
  'reports-summary-asOf': report(`/reports/summary?asOf=${encodeURIComponent(AS_OF)}`, summaryShows),
  'reports-overdue-asOf': report(
    `/reports/overdue?groupBy=department&limit=500&asOf=${encodeURIComponent(PAST_DUE)}`,
    overdueShows,
  ),
  'reports-overdue-page': report(
    `/reports/overdue?groupBy=department&limit=1&asOf=${encodeURIComponent(PAST_DUE)}`,
    overduePageShows,
  ),
  'reports-overdue-cursor': read(
    () => `/reports/overdue?groupBy=department&group=${DEPARTMENT}&cursor=${OTHER_CURSOR}&asOf=${encodeURIComponent(PAST_DUE)}`,
    false,
  ),
  'audit-events': read(() => '/audit/events', false),
  'audit-verify': read(() => '/audit/verify', false),
  'audit-public-key': read(() => '/audit/public-key', false),
  directory: read(() => '/directory', false),
  health: read(() => '/health', false),
  'directory-asOf': read(() => `/directory?asOf=${encodeURIComponent(NOW)}`, false),
  'auth-me': read(() => '/auth/me', false),
  'admin-users': read(() => '/admin/users', false),
  'admin-users-create': {
    scoped: false,
    item: null,
    fresh: false,
    command: true,
    send: (t, token) =>
      auth(t.http().post('/admin/users'), token).send({
        username: `officer.${++serial}`,
        name: 'Cán bộ',
        role: 'department',
        department: DEPARTMENT,
        password: 'một mật khẩu đủ dài',
      }),
  },
  'admin-directory-add': {
    scoped: false,
    item: null,
    fresh: false,
    command: true,
    send: (t, token) =>
      auth(t.http().post('/admin/directory/categories'), token).send({ code: `loai-${++serial}`, name: 'Loại mới' }),
  },
  'admin-directory-rename': {
    scoped: false,
    item: null,
    fresh: false,
    command: true,
    send: (t, token) =>
      auth(t.http().post('/admin/directory/categories/roads/rename'), token).send({ name: `Hạ tầng giao thông ${++serial}` }),
  },
  'jobs-unknown': read(() => '/jobs/merger-unknown', false),
  'contribution(assigned)': postRoute('contribution', 'assigned', {
    note: 'Industry and Trade confirms the market site is in the 2026 trade infrastructure plan.',
  }),
  'explanation-request(overdue)': postRoute(
    'explanation-request',
    'assigned',
    { reason: 'Overdue without an extension request: explain in writing.', dueAt: EXPLAIN_BY },
    whileOverdue,
  ),
  'explanation(explanation-requested)': postRoute(
    'explanation',
    'explanation-requested',
    { text: 'The plan waited for the land survey, delayed by the floods.' },
    whileOverdue,
  ),
  'sessions-record': {
    scoped: false,
    item: null,
    fresh: false,
    command: true,
    send: (t, token) =>
      auth(t.http().post('/sessions'), token).send({ workingGroup: 1, date: '2026-02-27', communes: [COMMUNE] }),
  },
  'sessions-list': {
    ...read(() => '/sessions'),
    item: 'session',
    // The sessions are a read model: wait until it holds the one just recorded.
    send: async (t, token) => {
      const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
      return auth(t.http().get(`/sessions?minPosition=${head}`), token);
    },
    shows: sessionsShows,
  },
  'attachments-upload': {
    scoped: false,
    item: null,
    fresh: false,
    command: true,
    send: (t, token) =>
      auth(t.http().post('/attachments'), token).attach('file', TINY_PDF, {
        filename: 'bien-ban.pdf',
        contentType: 'application/pdf',
      }),
  },
};

/**
 * Brings an item of `scope` to `state` over HTTP, with the history the table assumes (held by
 * `held`, then `current` leading with `coordinating`); for `explanation-requested`, assigned and
 * overdue, the committee has required an explanation.
 */
async function buildItem(t: TestApp, state: ItemState, scope: Scope): Promise<string> {
  const s = await secretariat(t);
  const id = await raise(t, { commune: scope.commune });
  if (state === 'raised') return id;
  await run(t, id, 'accept', s);
  await run(t, id, 'assign', s, { department: scope.held, dueAt: DUE_AT });
  await run(t, id, 'return', await department(t, scope.held));
  await run(t, id, 'assign', s, {
    department: scope.current,
    dueAt: DUE_AT,
    coordinating: [{ department: scope.coordinating }],
  });
  if (state === 'assigned') return id;
  if (state === 'explanation-requested') {
    const token = await committee(t);
    const res = await whileOverdue(t, () =>
      auth(t.http().post(`/recommendations/${id}/explanation-request`), token).send({
        reason: 'Overdue without an extension request: explain in writing.',
        dueAt: EXPLAIN_BY,
      }),
    );
    if (res.status !== 200) throw new Error(`fixture step explanation-request was refused: ${res.status} ${res.text}`);
    return id;
  }
  if (state === 'accepted') {
    await run(t, id, 'return', await department(t, scope.current));
    return id;
  }
  await run(t, id, 'resolve', await department(t, scope.current));
  return id;
}

/** A working session of `scope`'s commune alone, recorded by the secretariat. */
async function buildSession(t: TestApp, scope: Scope): Promise<string> {
  const res = await auth(t.http().post('/sessions'), await secretariat(t)).send({
    workingGroup: 1,
    date: '2026-02-20',
    communes: [scope.commune],
  });
  if (res.status !== 201) throw new Error(`fixture step POST /sessions was refused: ${res.status} ${res.text}`);
  return (res.body as { id: string }).id;
}

const build = (t: TestApp, subject: Subject, scope: Scope) =>
  subject === 'session' ? buildSession(t, scope) : buildItem(t, subject, scope);

async function callerToken(t: TestApp, caller: Caller): Promise<string | null> {
  switch (caller) {
    case 'secretariat':
      return secretariat(t);
    case 'committee':
      return committee(t);
    case 'auditor':
      return auditor(t);
    case 'dept-in':
      return department(t, DEPARTMENT);
    case 'dept-out':
      return department(t, 'finance');
    case 'dept-held':
      return department(t, 'construction');
    case 'dept-coord':
      return department(t, 'industry-trade');
    case 'commune-own':
      return commune(t, COMMUNE);
    case 'commune-other':
      return commune(t, 'luong-van-tri');
    case 'admin': {
      const admin = await setUpAdministrator(t);
      return `${SESSION}${admin.cookie}|${admin.csrf}`;
    }
    case 'none':
      return null;
  }
}

const show = (e: Expected) => `${e.status}${e.listed === undefined ? '' : e.listed ? ' (listed)' : ' (not listed)'}`;

let cellsChecked = 0;
let attacksChecked = 0;

afterAll(() => {
  console.log(
    `authorization matrix: ${cellsChecked} cells checked (${parseMatrix().length} routes × ${CALLERS.length} callers × ` +
      `in/out-of-scope item where it applies); token attacks: ${attacksChecked} requests checked`,
  );
});

describe('authorization matrix', () => {
  let t: TestApp;
  let store: EventStore;
  /** Items (and sessions) the read rows share, built once each. */
  const shared = new Map<string, string>();
  const sharedOf = async (subject: Subject, scopeName: ScopeName) => {
    const key = `${subject}:${scopeName}`;
    if (!shared.has(key)) shared.set(key, await build(t, subject, SCOPES[scopeName]));
    return shared.get(key)!;
  };
  const tokens = {} as Record<Caller, string | null>;

  beforeAll(async () => {
    // The administrator's session must outlive the moves of the clock past the items' due date.
    t = await createTestApp({
      env: { THROTTLE_LIMIT: '1000000000', LOG_LEVEL: 'error', SESSION_IDLE: '400d', SESSION_MAX: '400d' },
    });
    store = t.app.get<EventStore>(EVENT_STORE);
    for (const caller of CALLERS) tokens[caller] = await callerToken(t, caller);
    await sharedOf('assigned', 'in');
    await sharedOf('assigned', 'out');
  });

  afterAll(async () => t?.close());

  it('has a route for every row of the table and a row for every route', () => {
    expect(parseMatrix().map((r) => r.name)).toEqual(Object.keys(ROUTES));
  });

  describe.each(parseMatrix().map((row) => [row.name, row] as const))('%s', (name, row) => {
    it(`answers every caller as API.md says`, async () => {
      const route = ROUTES[name];
      const mismatches: string[] = [];
      listMinPosition = await store.headPosition();
      for (const scopeName of route.scoped ? (['in', 'out'] as const) : (['in'] as const)) {
        for (const caller of CALLERS) {
          const expected = row.cells[caller][scopeName];
          let id = '';
          if (route.item)
            id = route.fresh ? await build(t, route.item, SCOPES[scopeName]) : await sharedOf(route.item, scopeName);
          const before = await store.headPosition();
          const res: Response = await route.send(t, tokens[caller], { id, scope: SCOPES[scopeName] });
          const after = await store.headPosition();
          cellsChecked++;
          const where = `${name} × ${caller}${route.scoped ? ` × ${scopeName}-scope item` : ''}`;
          const code = (res.body as { code?: string } | undefined)?.code ?? '';
          if (res.status !== expected.status) {
            mismatches.push(`${where}: API.md → ${show(expected)}, app → ${res.status} ${code}`);
            continue;
          }
          if (expected.listed !== undefined) {
            const ctx = { id, scope: SCOPES[scopeName] };
            const listed = route.shows
              ? route.shows(res.body, ctx)
              : ((res.body as { items: Array<{ id: string }> }).items ?? []).some((item) => item.id === id);
            if (listed !== expected.listed)
              mismatches.push(`${where}: API.md → ${show(expected)}, app → ${listed ? 'listed' : 'not listed'}`);
          }
          if (res.status >= 400) {
            const problems = errorShapeProblems({
              status: res.status,
              contentType: String(res.headers['content-type'] ?? ''),
              etag: undefined,
              text: res.text ?? '',
              json: res.body,
            });
            if (problems.length > 0) mismatches.push(`${where}: error shape: ${problems.join('; ')}`);
            if (route.command && after !== before)
              mismatches.push(`${where}: refused with ${res.status} yet appended (${before} → ${after})`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    }, 60_000);
  });
});

/** The answer to a request with `authorization` on a route that needs a token, and whether the log moved. */
async function attempt(
  t: TestApp,
  authorization: string,
  path: string,
  body?: object,
): Promise<{ status: number; code: string; appended: boolean }> {
  const store = t.app.get<EventStore>(EVENT_STORE);
  const before = await store.headPosition();
  const req = body
    ? t.http().post(path).set('Authorization', authorization).send(body)
    : t.http().get(path).set('Authorization', authorization);
  const res = await req;
  attacksChecked++;
  return {
    status: res.status,
    code: (res.body as { code?: string }).code ?? '',
    appended: (await store.headPosition()) !== before,
  };
}

const REFUSED = { status: 401, code: 'AUTH.INVALID_TOKEN', appended: false };

describe('token attacks (HS256 with AUTH_JWT_SECRET)', () => {
  let t: TestApp;
  let assignedId: string;
  let finance: string;

  beforeAll(async () => {
    t = await createTestApp();
    assignedId = await buildItem(t, 'assigned', SCOPES.in);
    finance = await sign(TEST_SECRET, { sub: 'finance-officer', role: 'department', department: 'finance' });
  });
  afterAll(async () => t?.close());

  it('lets a genuine token through (the control)', async () => {
    const token = await sign(TEST_SECRET, { sub: 'home-affairs-officer', role: 'department', department: DEPARTMENT });
    expect(await attempt(t, bearer(token), `/recommendations/${assignedId}`)).toMatchObject({ status: 200 });
  });

  const attacks: Array<[string, () => Promise<string>]> = [
    [
      'an expired token',
      () => sign(TEST_SECRET, { sub: 'home-affairs-officer', role: 'department', department: DEPARTMENT }, { expiresIn: -60 }),
    ],
    ['a token not valid yet (nbf in an hour)', () => sign(TEST_SECRET, { sub: 'x', role: 'secretariat' }, { notBeforeIn: 3600 })],
    ['alg: none, no signature', async () => unsignedToken({ sub: 'x', role: 'department', department: DEPARTMENT })],
    ['alg: None with a stray signature', async () => unsignedToken({ sub: 'x', role: 'secretariat' }, 'stray')],
    ['a real token re-headed alg: none', async () => withHeader(finance, { alg: 'none', typ: 'JWT' })],
    ['a real token re-headed HS512', async () => withHeader(finance, { alg: 'HS512', typ: 'JWT' })],
    [
      'a department claim edited in the payload, old signature kept',
      async () => withEditedPayload(finance, (p) => ({ ...p, department: DEPARTMENT, sub: 'home-affairs-officer' })),
    ],
    [
      'a role edited in the payload, old signature kept',
      async () => withEditedPayload(finance, (p) => ({ ...p, role: 'secretariat' })),
    ],
    [
      'an expiry pushed back in the payload, old signature kept',
      async () => {
        const expired = await sign(TEST_SECRET, { sub: 'x', role: 'department', department: DEPARTMENT }, { expiresIn: -60 });
        return withEditedPayload(expired, (p) => ({ ...p, exp: Math.floor(Date.now() / 1000) + 3600 }));
      },
    ],
    [
      'the forged department re-signed with a wrong secret',
      () => sign(`${TEST_SECRET}!`, { sub: 'x', role: 'department', department: DEPARTMENT }),
    ],
    [
      'one flipped bit in the signature',
      async () => withFlippedSignature(await sign(TEST_SECRET, { sub: 'x', role: 'department', department: DEPARTMENT })),
    ],
    ['a truncated token', async () => (await sign(TEST_SECRET, { sub: 'x', role: 'secretariat' })).slice(0, -4)],
    ['HS512 signed with the right secret', () => sign(TEST_SECRET, { sub: 'x', role: 'secretariat' }, { alg: 'HS512' })],
    ['role system (the service itself)', () => sign(TEST_SECRET, { sub: 'x', role: 'system' })],
    ['an unknown role', () => sign(TEST_SECRET, { sub: 'x', role: 'admin' })],
    ['a department token without its department', () => sign(TEST_SECRET, { sub: 'x', role: 'department' })],
    ['a commune token without its commune', () => sign(TEST_SECRET, { sub: 'x', role: 'commune' })],
    ['a token without subject', () => sign(TEST_SECRET, { role: 'secretariat' })],
    ['a token without exp (never expires)', () => sign(TEST_SECRET, { sub: 'x', role: 'secretariat' }, { expiresIn: null })],
    [
      'a lifetime of 48 hours, beyond AUTH_MAX_TOKEN_LIFETIME (24h)',
      () => sign(TEST_SECRET, { sub: 'x', role: 'secretariat' }, { expiresIn: 48 * 3600 }),
    ],
    [
      'iat ten minutes in the future',
      () => sign(TEST_SECRET, { sub: 'x', role: 'secretariat' }, { issuedAtIn: 600, expiresIn: 3600 }),
    ],
  ];

  it.each(attacks)('refuses %s with 401 on a read and on a command, appending nothing', async (_label, make) => {
    const token = await make();
    expect(await attempt(t, bearer(token), `/recommendations/${assignedId}`)).toEqual(REFUSED);
    expect(await attempt(t, bearer(token), `/recommendations/${assignedId}/acknowledge`, {})).toEqual(REFUSED);
  });

  it.each([
    ['no token at all', ''],
    ['an empty bearer', 'Bearer '],
    ['Basic credentials', 'Basic c2VjcmV0YXJpYXQ6cGFzcw=='],
    ['two bearer tokens', 'Bearer a.b.c, Bearer d.e.f'],
  ])('refuses %s with 401', async (_label, header) => {
    const res = await attempt(t, header, `/recommendations/${assignedId}/acknowledge`, {});
    expect(res).toMatchObject({ status: 401, appended: false });
  });

  it('reads the department from the signed token only: the finance officer cannot act on home-affairs’ item', async () => {
    expect(await attempt(t, bearer(finance), `/recommendations/${assignedId}/acknowledge`, {})).toMatchObject({
      status: 404,
      appended: false,
    });
    expect(decodePayload(finance).department).toBe('finance');
  });
});

describe('token attacks with AUTH_ISSUER and AUTH_AUDIENCE configured', () => {
  const ISSUER = 'https://id.langson.example.gov.vn';
  const AUDIENCE = 'follow-up-tracker';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => t?.close());

  const claims: Claims = { sub: 'clerk-1', role: 'secretariat' };

  it.each<[string, number, SignOptions]>([
    ['the right issuer and audience', 200, { issuer: ISSUER, audience: AUDIENCE }],
    ['the audience among others', 200, { issuer: ISSUER, audience: ['portal', AUDIENCE] }],
    ['no issuer', 401, { audience: AUDIENCE }],
    ['no audience', 401, { issuer: ISSUER }],
    ['neither (a token minted for another deployment)', 401, {}],
    ['another issuer', 401, { issuer: 'https://evil.example', audience: AUDIENCE }],
    ['another audience', 401, { issuer: ISSUER, audience: 'other-service' }],
    ['an issuer differing in case', 401, { issuer: ISSUER.toUpperCase(), audience: AUDIENCE }],
    ['right claims but expired', 401, { issuer: ISSUER, audience: AUDIENCE, expiresIn: -60 }],
  ])('a token with %s → %d', async (_label, status, options) => {
    const token = await sign(TEST_SECRET, claims, options);
    expect((await attempt(t, bearer(token), '/directory')).status).toBe(status);
  });

  it('refuses an issuer edited into a token signed without one', async () => {
    const token = await sign(TEST_SECRET, claims, {});
    const forged = withEditedPayload(token, (p) => ({ ...p, iss: ISSUER, aud: AUDIENCE }));
    expect(await attempt(t, bearer(forged), '/directory')).toMatchObject({ status: 401 });
  });
});

describe('RS256 through AUTH_JWKS_URL', () => {
  let t: TestApp;
  let jwks: JwksServer;
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  let publicPem: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'langson-1', alg: 'RS256', use: 'sig' };
    publicPem = await exportSPKI(pair.publicKey);
    jwks = await startJwksServer([publicJwk]);
    // AUTH_JWT_SECRET stays set (the test app sets it): the JWKS must take over, not add a second way in.
    t = await createTestApp({ env: { AUTH_JWKS_URL: jwks.url } });
  });
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });

  const claims: Claims = { sub: 'clerk-1', role: 'secretariat' };

  it('lets a valid RS256 token through, with the key fetched from the JWKS', async () => {
    const token = await sign(privateKey, claims, { alg: 'RS256', kid: 'langson-1' });
    expect(await attempt(t, bearer(token), '/directory')).toMatchObject({ status: 200 });
    expect(jwks.hits()).toBeGreaterThan(0);
  });

  it.each<[string, () => Promise<string>]>([
    ['HS256 signed with AUTH_JWT_SECRET', () => sign(TEST_SECRET, claims)],
    ['HS256 signed with the public key PEM (algorithm confusion)', () => sign(publicPem, claims, { kid: 'langson-1' })],
    ['HS256 signed with the JWK modulus', () => sign(String(publicJwk.n), claims, { kid: 'langson-1' })],
    ['HS256 signed with the JWKS document', () => sign(JSON.stringify({ keys: [publicJwk] }), claims, { kid: 'langson-1' })],
    ['alg: none', async () => unsignedToken(claims)],
    [
      'RS256 signed by another key under the same kid',
      async () => sign((await generateKeyPair('RS256')).privateKey, claims, { alg: 'RS256', kid: 'langson-1' }),
    ],
    ['RS256 with a kid the JWKS does not have', () => sign(privateKey, claims, { alg: 'RS256', kid: 'unknown-kid' })],
    ['RS256 expired', () => sign(privateKey, claims, { alg: 'RS256', kid: 'langson-1', expiresIn: -60 })],
    [
      'RS256 with the role edited in the payload',
      async () =>
        withEditedPayload(
          await sign(privateKey, { sub: 'x', role: 'commune', commune: COMMUNE }, { alg: 'RS256', kid: 'langson-1' }),
          (p) => ({
            ...p,
            role: 'secretariat',
          }),
        ),
    ],
  ])('refuses %s with 401', async (_label, make) => {
    expect(await attempt(t, bearer(await make()), '/directory')).toEqual(REFUSED);
  });
});
