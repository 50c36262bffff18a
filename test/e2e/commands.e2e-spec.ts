/**
 * API.md's command table, end to end over HTTP on the real app: every row from its allowed status
 * by each allowed role, and every way a command is refused (400, 401, 403, 404, 409, 412, 413),
 * each refusal with the documented error shape and appending nothing. Then the reads a command
 * is seen through (GET /recommendations/:id, its history) and the lifecycle paths of DOMAIN.md.
 */
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'supertest';
import {
  auditor,
  bearer,
  committee,
  COMMUNE,
  department,
  DEPARTMENT,
  DUE_AT,
  getItem,
  LATER_DUE_AT,
  NOW,
  OTHER_COMMUNE,
  OTHER_DEPARTMENT,
  postCommand,
  postRaise,
  probeGlobalPosition,
  raise,
  raiseAccepted,
  raiseAssigned,
  raiseBody,
  raiseDeclined,
  raiseReassigned,
  raiseResolved,
  raiseReturned,
  revisionOf,
  run,
  secretariat,
  commune,
  VALID_BODY,
  type Action,
  type Body,
} from '../support/recommendation-fixtures';
import { createTestApp, TEST_SECRET, type TestApp } from '../support/test-app';

type UserRole = 'secretariat' | 'committee' | 'department' | 'commune' | 'auditor';
type Fixture = (t: TestApp) => Promise<string>;

const ROLES: readonly UserRole[] = ['secretariat', 'committee', 'department', 'commune', 'auditor'];
const ACTIONS: readonly Action[] = [
  'accept',
  'decline',
  'assign',
  'acknowledge',
  'progress',
  'extension-request',
  'extend',
  'return',
  'resolve',
  'reopen',
];
const DEPARTMENT_ACTIONS: readonly Action[] = ['acknowledge', 'progress', 'extension-request', 'return', 'resolve'];
const PAST = '2026-03-01T17:00:00+07:00';
/**
 * API.md fixes no code for a body that is not JSON, only 400 "invalid input": any VALIDATION.* code
 * will do (the filter means VALIDATION.MALFORMED_JSON; Nest hands it VALIDATION.FAILED today).
 */
const MALFORMED_JSON_CODE = expect.stringMatching(/^VALIDATION\./);
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** API.md's "who" column. */
const ALLOWED_ROLES: Record<Action | 'raise', readonly UserRole[]> = {
  raise: ['secretariat', 'commune'],
  accept: ['secretariat'],
  decline: ['secretariat'],
  assign: ['secretariat'],
  acknowledge: ['department'],
  progress: ['department'],
  'extension-request': ['department'],
  extend: ['secretariat', 'committee'],
  return: ['department'],
  resolve: ['department', 'secretariat'],
  reopen: ['committee', 'secretariat'],
};

/** An item in a status each command is allowed from (resolve: from assigned, its main path). */
const ALLOWED_FROM: Record<Action, Fixture> = {
  accept: (t) => raise(t),
  decline: (t) => raise(t),
  assign: (t) => raiseAccepted(t),
  acknowledge: (t) => raiseAssigned(t),
  progress: (t) => raiseAssigned(t),
  'extension-request': (t) => raiseAssigned(t),
  extend: (t) => raiseAssigned(t),
  return: (t) => raiseAssigned(t),
  resolve: (t) => raiseAssigned(t),
  reopen: (t) => raiseResolved(t),
};

/** A token for `role` that is in the item's scope: the assigned department, the raising commune. */
function tokenFor(t: TestApp, role: UserRole): Promise<string> {
  switch (role) {
    case 'secretariat':
      return secretariat(t);
    case 'committee':
      return committee(t);
    case 'department':
      return department(t, DEPARTMENT);
    case 'commune':
      return commune(t, COMMUNE);
    case 'auditor':
      return auditor(t);
  }
}

/** API.md's error shape, all four keys, with the stable code (or a matcher of it). */
function expectError(res: Response, status: number, code: unknown): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { statusCode: status, error: STATUS_CODES[status], code, message: expect.stringMatching(/\S/) },
  });
}

/** The request is refused with `status`/`code`, and the item's stream did not grow. */
async function expectRefusal(
  t: TestApp,
  id: string,
  send: () => Promise<Response>,
  status: number,
  code: unknown,
): Promise<Response> {
  const before = await revisionOf(t, id);
  const res = await send();
  expectError(res, status, code);
  expect(await revisionOf(t, id)).toBe(before);
  return res;
}

/** A refused POST /recommendations appended nothing to the global log. */
async function expectRaiseRefusal(t: TestApp, send: () => Promise<Response>, status: number, code: unknown): Promise<Response> {
  const before = await probeGlobalPosition(t);
  const res = await send();
  expectError(res, status, code);
  // Only the second probe itself may have been appended since the first one.
  expect(await probeGlobalPosition(t)).toBe(before + 1);
  return res;
}

/** API.md's command answer, its ETag, and the read side agreeing with it. */
async function expectAnswer(
  t: TestApp,
  res: Response,
  expected: { id?: string; revision: number; status: string },
  httpStatus = 200,
): Promise<void> {
  expect({ status: res.status, body: res.body }).toEqual({
    status: httpStatus,
    body: {
      id: expected.id ?? expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      revision: expected.revision,
      position: expect.any(Number),
      status: expected.status,
    },
  });
  expect(Number.isInteger(res.body.position) && res.body.position > 0).toBe(true);
  expect(res.headers.etag).toBe(`"${expected.revision}"`);
  const read = await getItem(t, res.body.id);
  expect({ revision: read.body.revision, status: read.body.status }).toEqual({
    revision: expected.revision,
    status: expected.status,
  });
}

const instant = (iso: string) => new Date(iso).toISOString();

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An HS256 token built without the app's helper, so exp and the key are the test's to choose. */
function handMadeToken(options: { secret?: string; exp: number; claims?: Record<string, unknown> }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'secretariat', name: 'Hand-made clerk', ...options.claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('secretariat-hand-made')
    .setIssuedAt(Math.min(now, options.exp - 60))
    .setExpirationTime(options.exp)
    .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}

function useApp(): () => TestApp {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  return () => {
    if (!t) throw new Error('the test app did not start');
    return t;
  };
}

describe('command table: each command from its allowed status by each allowed role', () => {
  const app = useApp();

  it('POST /recommendations by the secretariat → 201 raised at revision 0', async () => {
    const t = app();
    const res = await postRaise(t, await secretariat(t));
    await expectAnswer(t, res, { revision: 0, status: 'raised' }, 201);
  });

  it('POST /recommendations by a commune for itself → 201 raised, raisedBy the commune user', async () => {
    const t = app();
    const res = await postRaise(t, await commune(t, COMMUNE), raiseBody({ commune: COMMUNE }));
    await expectAnswer(t, res, { revision: 0, status: 'raised' }, 201);
    const read = await getItem(t, res.body.id);
    expect({ commune: read.body.commune, raisedBy: read.body.raisedBy }).toEqual({
      commune: COMMUNE,
      raisedBy: `${COMMUNE}-clerk`,
    });
  });

  interface Row {
    name: string;
    action: Action;
    from: Fixture;
    by: (t: TestApp) => Promise<string>;
    body?: Body;
    to: string;
    revision: number;
  }
  const rows: Row[] = [
    {
      name: 'accept: raised → accepted, by the secretariat',
      action: 'accept',
      from: raise,
      by: secretariat,
      to: 'accepted',
      revision: 1,
    },
    {
      name: 'accept without a note (note is optional)',
      action: 'accept',
      from: raise,
      by: secretariat,
      body: {},
      to: 'accepted',
      revision: 1,
    },
    {
      name: 'decline: raised → declined, by the secretariat',
      action: 'decline',
      from: raise,
      by: secretariat,
      to: 'declined',
      revision: 1,
    },
    {
      name: 'assign: accepted → assigned, by the secretariat',
      action: 'assign',
      from: raiseAccepted,
      by: secretariat,
      to: 'assigned',
      revision: 2,
    },
    {
      name: 'acknowledge (no body): assigned → assigned, by the assigned department',
      action: 'acknowledge',
      from: raiseAssigned,
      by: (t) => department(t, DEPARTMENT),
      to: 'assigned',
      revision: 3,
    },
    {
      name: 'progress: assigned → assigned, by the assigned department',
      action: 'progress',
      from: raiseAssigned,
      by: (t) => department(t, DEPARTMENT),
      to: 'assigned',
      revision: 3,
    },
    {
      name: 'extension-request: assigned → assigned, by the assigned department',
      action: 'extension-request',
      from: raiseAssigned,
      by: (t) => department(t, DEPARTMENT),
      to: 'assigned',
      revision: 3,
    },
    {
      name: 'extend: assigned → assigned, by the secretariat',
      action: 'extend',
      from: raiseAssigned,
      by: secretariat,
      to: 'assigned',
      revision: 3,
    },
    {
      name: 'extend: assigned → assigned, by the committee',
      action: 'extend',
      from: raiseAssigned,
      by: committee,
      to: 'assigned',
      revision: 3,
    },
    {
      name: 'return: assigned → accepted, by the assigned department',
      action: 'return',
      from: raiseAssigned,
      by: (t) => department(t, DEPARTMENT),
      to: 'accepted',
      revision: 3,
    },
    {
      name: 'resolve: assigned → resolved, by the assigned department',
      action: 'resolve',
      from: raiseAssigned,
      by: (t) => department(t, DEPARTMENT),
      to: 'resolved',
      revision: 3,
    },
    {
      name: 'resolve: accepted → resolved, by the secretariat (answered on the spot)',
      action: 'resolve',
      from: raiseAccepted,
      by: secretariat,
      to: 'resolved',
      revision: 2,
    },
    {
      name: 'reopen: resolved → assigned, by the committee',
      action: 'reopen',
      from: raiseResolved,
      by: committee,
      to: 'assigned',
      revision: 4,
    },
    {
      name: 'reopen: resolved → assigned, by the secretariat',
      action: 'reopen',
      from: raiseResolved,
      by: secretariat,
      to: 'assigned',
      revision: 4,
    },
  ];

  it.each(rows)('$name → 200', async ({ action, from, by, body, to, revision }) => {
    const t = app();
    const id = await from(t);
    const res = await postCommand(t, id, action, await by(t), body ?? VALID_BODY[action]);
    await expectAnswer(t, res, { id, revision, status: to });
  });

  it('positions grow along the global log, one per event', async () => {
    const t = app();
    const sec = await secretariat(t);
    const raised = await postRaise(t, sec);
    const accepted = await postCommand(t, raised.body.id, 'accept', sec, {});
    expect(accepted.body.position).toBe(raised.body.position + 1);
  });
});

describe('400: invalid input is refused and appends nothing', () => {
  const app = useApp();

  interface RaiseCase {
    name: string;
    body: Body;
    code: string;
    /** What the message must name, so that the 400 is for this reason and no other. */
    mentions: string;
  }
  const raiseCases: RaiseCase[] = [
    { name: 'an unknown field', body: raiseBody({ priority: 'high' }), code: 'VALIDATION.FAILED', mentions: 'priority' },
    { name: 'no title', body: raiseBody({ title: undefined }), code: 'VALIDATION.FAILED', mentions: 'title' },
    { name: 'no commune', body: raiseBody({ commune: undefined }), code: 'VALIDATION.FAILED', mentions: 'commune' },
    { name: 'no description', body: raiseBody({ description: undefined }), code: 'VALIDATION.FAILED', mentions: 'description' },
    { name: 'no category', body: raiseBody({ category: undefined }), code: 'VALIDATION.FAILED', mentions: 'category' },
    { name: 'an empty title', body: raiseBody({ title: '' }), code: 'VALIDATION.FAILED', mentions: 'title' },
    { name: 'a number as title', body: raiseBody({ title: 42 }), code: 'VALIDATION.FAILED', mentions: 'title' },
    {
      name: 'a string as workingGroup (no silent coercion)',
      body: raiseBody({ workingGroup: '1' }),
      code: 'VALIDATION.FAILED',
      mentions: 'workingGroup',
    },
    {
      name: 'a sessionDate that is not YYYY-MM-DD',
      body: raiseBody({ sessionDate: '12/08/2025' }),
      code: 'VALIDATION.FAILED',
      mentions: 'sessionDate',
    },
    {
      name: 'an unknown commune code',
      body: raiseBody({ commune: 'atlantis' }),
      code: 'DIRECTORY.UNKNOWN_CODE',
      mentions: 'atlantis',
    },
    {
      name: 'an unknown category code',
      body: raiseBody({ category: 'space-program' }),
      code: 'DIRECTORY.UNKNOWN_CODE',
      mentions: 'space-program',
    },
    {
      name: 'an unknown working group (the directory has no No. 6)',
      body: raiseBody({ workingGroup: 6 }),
      code: 'DIRECTORY.UNKNOWN_CODE',
      mentions: '6',
    },
  ];

  it.each(raiseCases)('POST /recommendations with $name → 400 $code', async ({ body, code, mentions }) => {
    const t = app();
    const sec = await secretariat(t);
    const sent = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const res = await expectRaiseRefusal(t, () => postRaise(t, sec, sent), 400, code);
    expect(res.body.message).toContain(mentions);
  });

  it('POST /recommendations with malformed JSON → 400', async () => {
    const t = app();
    const sec = await secretariat(t);
    await expectRaiseRefusal(
      t,
      () =>
        t
          .http()
          .post('/recommendations')
          .set('Authorization', bearer(sec))
          .set('Content-Type', 'application/json')
          .send('{"commune": "tam-thanh",'),
      400,
      MALFORMED_JSON_CODE,
    );
  });

  interface CommandCase {
    name: string;
    action: Action;
    from: Fixture;
    by: UserRole;
    body: Body;
    code: string;
    mentions: string;
  }
  const v = VALID_BODY;
  const commandCases: CommandCase[] = [
    {
      name: 'accept with an unknown field',
      action: 'accept',
      from: raise,
      by: 'secretariat',
      body: { ...v.accept, reason: 'x' },
      code: 'VALIDATION.FAILED',
      mentions: 'reason',
    },
    {
      name: 'accept with a number as note',
      action: 'accept',
      from: raise,
      by: 'secretariat',
      body: { note: 5 },
      code: 'VALIDATION.FAILED',
      mentions: 'note',
    },
    {
      name: 'decline without a reason',
      action: 'decline',
      from: raise,
      by: 'secretariat',
      body: {},
      code: 'VALIDATION.FAILED',
      mentions: 'reason',
    },
    {
      name: 'decline with an empty reason',
      action: 'decline',
      from: raise,
      by: 'secretariat',
      body: { reason: '' },
      code: 'VALIDATION.FAILED',
      mentions: 'reason',
    },
    {
      name: 'assign with an unknown department code',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: 'ministry-of-magic', dueAt: DUE_AT },
      code: 'DIRECTORY.UNKNOWN_CODE',
      mentions: 'ministry-of-magic',
    },
    {
      name: 'assign without a department',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { dueAt: DUE_AT },
      code: 'VALIDATION.FAILED',
      mentions: 'department',
    },
    {
      name: 'assign without dueAt or dueInWorkingDays',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: DEPARTMENT },
      code: 'VALIDATION.FAILED',
      mentions: 'dueAt',
    },
    {
      name: 'assign with dueAt in the past',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: DEPARTMENT, dueAt: PAST },
      code: 'RECOMMENDATION.DUE_DATE_NOT_IN_FUTURE',
      mentions: '2026-03-01T17:00:00+07:00',
    },
    {
      name: 'assign with dueAt equal to now (not in the future)',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: DEPARTMENT, dueAt: NOW },
      code: 'RECOMMENDATION.DUE_DATE_NOT_IN_FUTURE',
      mentions: '2026-03-02T09:00:00+07:00',
    },
    {
      name: 'assign with dueAt without an offset',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: DEPARTMENT, dueAt: '2026-04-30T17:00:00' },
      code: 'VALIDATION.FAILED',
      mentions: 'dueAt',
    },
    {
      name: 'assign with dueAt as a bare date',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: DEPARTMENT, dueAt: '2026-04-30' },
      code: 'VALIDATION.FAILED',
      mentions: 'dueAt',
    },
    {
      name: 'assign with both dueAt and dueInWorkingDays',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: DEPARTMENT, dueAt: DUE_AT, dueInWorkingDays: 10 },
      code: 'VALIDATION.FAILED',
      mentions: 'dueInWorkingDays',
    },
    {
      name: 'assign with a string as dueInWorkingDays',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: DEPARTMENT, dueInWorkingDays: '10' },
      code: 'VALIDATION.FAILED',
      mentions: 'dueInWorkingDays',
    },
    {
      name: 'assign with zero working days',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { department: DEPARTMENT, dueInWorkingDays: 0 },
      code: 'VALIDATION.FAILED',
      mentions: 'dueInWorkingDays',
    },
    {
      name: 'assign with an unknown field',
      action: 'assign',
      from: raiseAccepted,
      by: 'secretariat',
      body: { ...v.assign, priority: 'urgent' },
      code: 'VALIDATION.FAILED',
      mentions: 'priority',
    },
    {
      name: 'acknowledge with an unknown field',
      action: 'acknowledge',
      from: raiseAssigned,
      by: 'department',
      body: { note: 'seen' },
      code: 'VALIDATION.FAILED',
      mentions: 'note',
    },
    {
      name: 'progress without a note',
      action: 'progress',
      from: raiseAssigned,
      by: 'department',
      body: {},
      code: 'VALIDATION.FAILED',
      mentions: 'note',
    },
    {
      name: 'progress with an array as note',
      action: 'progress',
      from: raiseAssigned,
      by: 'department',
      body: { note: ['a'] },
      code: 'VALIDATION.FAILED',
      mentions: 'note',
    },
    {
      name: 'extension-request with requestedDueAt in the past',
      action: 'extension-request',
      from: raiseAssigned,
      by: 'department',
      body: { ...v['extension-request'], requestedDueAt: PAST },
      code: 'RECOMMENDATION.DUE_DATE_NOT_IN_FUTURE',
      mentions: '2026-03-01T17:00:00+07:00',
    },
    {
      name: 'extension-request with requestedDueAt without an offset',
      action: 'extension-request',
      from: raiseAssigned,
      by: 'department',
      body: { ...v['extension-request'], requestedDueAt: '2026-05-29T17:00:00' },
      code: 'VALIDATION.FAILED',
      mentions: 'requestedDueAt',
    },
    {
      name: 'extension-request without a reason',
      action: 'extension-request',
      from: raiseAssigned,
      by: 'department',
      body: { requestedDueAt: LATER_DUE_AT },
      code: 'VALIDATION.FAILED',
      mentions: 'reason',
    },
    {
      name: 'extend with dueAt in the past',
      action: 'extend',
      from: raiseAssigned,
      by: 'committee',
      body: { ...v.extend, dueAt: PAST },
      code: 'RECOMMENDATION.DUE_DATE_NOT_IN_FUTURE',
      mentions: '2026-03-01T17:00:00+07:00',
    },
    {
      name: 'extend with dueAt without an offset',
      action: 'extend',
      from: raiseAssigned,
      by: 'committee',
      body: { ...v.extend, dueAt: '2026-05-29 17:00' },
      code: 'VALIDATION.FAILED',
      mentions: 'dueAt',
    },
    {
      name: 'extend without a reason',
      action: 'extend',
      from: raiseAssigned,
      by: 'committee',
      body: { dueAt: LATER_DUE_AT },
      code: 'VALIDATION.FAILED',
      mentions: 'reason',
    },
    {
      name: 'return without a reason',
      action: 'return',
      from: raiseAssigned,
      by: 'department',
      body: {},
      code: 'VALIDATION.FAILED',
      mentions: 'reason',
    },
    {
      name: 'resolve without a resolution',
      action: 'resolve',
      from: raiseAssigned,
      by: 'department',
      body: {},
      code: 'VALIDATION.FAILED',
      mentions: 'resolution',
    },
    {
      name: 'resolve with a number as resolution',
      action: 'resolve',
      from: raiseAssigned,
      by: 'department',
      body: { resolution: 123 },
      code: 'VALIDATION.FAILED',
      mentions: 'resolution',
    },
    {
      name: 'reopen with dueAt in the past',
      action: 'reopen',
      from: raiseResolved,
      by: 'committee',
      body: { ...v.reopen, dueAt: PAST },
      code: 'RECOMMENDATION.DUE_DATE_NOT_IN_FUTURE',
      mentions: '2026-03-01T17:00:00+07:00',
    },
    {
      name: 'reopen without dueAt',
      action: 'reopen',
      from: raiseResolved,
      by: 'committee',
      body: { reason: 'Not satisfactory.' },
      code: 'VALIDATION.FAILED',
      mentions: 'dueAt',
    },
    {
      name: 'reopen without a reason',
      action: 'reopen',
      from: raiseResolved,
      by: 'committee',
      body: { dueAt: LATER_DUE_AT },
      code: 'VALIDATION.FAILED',
      mentions: 'reason',
    },
    {
      name: 'reopen naming an unknown department code',
      action: 'reopen',
      from: raiseResolved,
      by: 'committee',
      body: { ...v.reopen, department: 'ministry-of-magic' },
      code: 'DIRECTORY.UNKNOWN_CODE',
      mentions: 'ministry-of-magic',
    },
  ];

  it.each(commandCases)('$name → 400 $code', async ({ action, from, by, body, code, mentions }) => {
    const t = app();
    const id = await from(t);
    const token = await tokenFor(t, by);
    const res = await expectRefusal(t, id, () => postCommand(t, id, action, token, body), 400, code);
    expect(res.body.message).toContain(mentions);
  });

  it('a command with malformed JSON → 400', async () => {
    const t = app();
    const id = await raiseAssigned(t);
    const token = await department(t);
    await expectRefusal(
      t,
      id,
      () =>
        t
          .http()
          .post(`/recommendations/${id}/progress`)
          .set('Authorization', bearer(token))
          .set('Content-Type', 'application/json')
          .send('{"note": "Draft plan sent'),
      400,
      MALFORMED_JSON_CODE,
    );
  });

  it.each(['abc', '"three"', '"-1"'])('If-Match: %s (not a revision) → 400 VALIDATION.IF_MATCH', async (ifMatch) => {
    const t = app();
    const id = await raise(t);
    const sec = await secretariat(t);
    await expectRefusal(
      t,
      id,
      () => postCommand(t, id, 'accept', sec, v.accept, { 'If-Match': ifMatch }),
      400,
      'VALIDATION.IF_MATCH',
    );
  });
});

describe('401: no token or a bad one', () => {
  const app = useApp();
  let id = '';
  beforeAll(async () => {
    id = await raise(app());
  });

  /** Each case is an accept the secretariat could make, but with the credential below. */
  const acceptWith = (t: TestApp, authorization: string | null) => {
    const req = t.http().post(`/recommendations/${id}/accept`);
    return (authorization === null ? req : req.set('Authorization', authorization)).send(VALID_BODY.accept);
  };
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

  it('a hand-made token with the right secret and a future exp is accepted (control for the cases below)', async () => {
    const t = app();
    const res = await getItem(t, id, await handMadeToken({ exp: inAnHour() }));
    expect(res.status).toBe(200);
  });

  const cases: Array<{ name: string; authorization: (t: TestApp) => Promise<string | null>; code: string }> = [
    { name: 'no Authorization header', authorization: async () => null, code: 'AUTH.MISSING_TOKEN' },
    {
      name: 'a Basic credential instead of a bearer token',
      authorization: async () => 'Basic c2VjcmV0YXJpYXQ6cGFzcw==',
      code: 'AUTH.MISSING_TOKEN',
    },
    { name: 'a garbage token', authorization: async () => 'Bearer not.a.jwt', code: 'AUTH.INVALID_TOKEN' },
    {
      name: 'an expired token',
      authorization: async () => bearer(await handMadeToken({ exp: Math.floor(Date.now() / 1000) - 60 })),
      code: 'AUTH.INVALID_TOKEN',
    },
    {
      name: 'a token signed with another secret',
      authorization: async () =>
        bearer(await handMadeToken({ exp: inAnHour(), secret: 'another-secret-that-is-also-long-enough-0123456789' })),
      code: 'AUTH.INVALID_TOKEN',
    },
    {
      name: 'a token with alg "none" and no signature',
      authorization: async () => {
        const now = Math.floor(Date.now() / 1000);
        const payload = { sub: 'secretariat-1', name: 'Clerk', role: 'secretariat', iat: now, exp: now + 3600 };
        return bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`);
      },
      code: 'AUTH.INVALID_TOKEN',
    },
    {
      name: "an auditor's token whose payload was edited to role secretariat",
      authorization: async (t) => {
        const [header, payload, signature] = (await auditor(t)).split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
        return bearer(`${header}.${b64url({ ...claims, role: 'secretariat' })}.${signature}`);
      },
      code: 'AUTH.INVALID_TOKEN',
    },
    {
      name: 'a token with an unknown role',
      authorization: async (t) => bearer(await t.token({ role: 'mayor' })),
      code: 'AUTH.INVALID_TOKEN',
    },
    {
      name: 'a department token without a department claim',
      authorization: async (t) => bearer(await t.token({ role: 'department' })),
      code: 'AUTH.INVALID_TOKEN',
    },
    {
      name: 'a commune token without a commune claim',
      authorization: async (t) => bearer(await t.token({ role: 'commune' })),
      code: 'AUTH.INVALID_TOKEN',
    },
  ];

  it.each(cases)('a command with $name → 401 $code', async ({ authorization, code }) => {
    const t = app();
    const header = await authorization(t);
    await expectRefusal(t, id, () => acceptWith(t, header), 401, code);
  });

  it('POST /recommendations without a token → 401, nothing raised', async () => {
    const t = app();
    await expectRaiseRefusal(t, () => postRaise(t, null), 401, 'AUTH.MISSING_TOKEN');
  });

  it('GET /recommendations/:id without a token → 401 (reads need a token too)', async () => {
    const t = app();
    expectError(await t.http().get(`/recommendations/${id}`), 401, 'AUTH.MISSING_TOKEN');
  });
});

describe('403: a role not allowed, or a caller acting outside its rights', () => {
  const app = useApp();

  const matrix = ACTIONS.flatMap((action) =>
    ROLES.filter((role) => !ALLOWED_ROLES[action].includes(role)).map((role) => ({ action, role })),
  );

  it.each(matrix)('$action by $role → 403 AUTH.ROLE_NOT_ALLOWED', async ({ action, role }) => {
    const t = app();
    const id = await ALLOWED_FROM[action](t);
    const token = await tokenFor(t, role);
    await expectRefusal(t, id, () => postCommand(t, id, action, token, VALID_BODY[action]), 403, 'AUTH.ROLE_NOT_ALLOWED');
  });

  const raiseMatrix = ROLES.filter((role) => !ALLOWED_ROLES.raise.includes(role));
  it.each(raiseMatrix)('POST /recommendations by %s → 403 AUTH.ROLE_NOT_ALLOWED, nothing raised', async (role) => {
    const t = app();
    const token = await tokenFor(t, role);
    await expectRaiseRefusal(t, () => postRaise(t, token), 403, 'AUTH.ROLE_NOT_ALLOWED');
  });

  it('a commune raising for another commune → 403 RECOMMENDATION.OTHER_COMMUNE, nothing raised', async () => {
    const t = app();
    const token = await commune(t, COMMUNE);
    await expectRaiseRefusal(
      t,
      () => postRaise(t, token, raiseBody({ commune: OTHER_COMMUNE })),
      403,
      'RECOMMENDATION.OTHER_COMMUNE',
    );
  });

  it.each(DEPARTMENT_ACTIONS)(
    '%s by a department that held the item before (returned, now with another) → 403 RECOMMENDATION.NOT_ASSIGNED_TO_CALLER',
    async (action) => {
      const t = app();
      const id = await raiseReassigned(t, DEPARTMENT, OTHER_DEPARTMENT);
      const former = await department(t, DEPARTMENT);
      await expectRefusal(
        t,
        id,
        () => postCommand(t, id, action, former, VALID_BODY[action]),
        403,
        'RECOMMENDATION.NOT_ASSIGNED_TO_CALLER',
      );
    },
  );

  it('…while that former department may still read the item (it is in its scope: 403, not 404)', async () => {
    const t = app();
    const id = await raiseReassigned(t, DEPARTMENT, OTHER_DEPARTMENT);
    const res = await getItem(t, id, await department(t, DEPARTMENT));
    expect({ status: res.status, department: res.body.assignment?.department }).toEqual({
      status: 200,
      department: OTHER_DEPARTMENT,
    });
  });

  it('resolve of an assigned item by the secretariat → 403 (only the assigned department resolves it)', async () => {
    const t = app();
    const id = await raiseAssigned(t);
    const sec = await secretariat(t);
    await expectRefusal(
      t,
      id,
      () => postCommand(t, id, 'resolve', sec, VALID_BODY.resolve),
      403,
      'RECOMMENDATION.NOT_ASSIGNED_TO_CALLER',
    );
  });

  it('resolve of an accepted item by the department that returned it → 403 (only the secretariat answers on the spot)', async () => {
    const t = app();
    const id = await raiseReturned(t, DEPARTMENT);
    const dep = await department(t, DEPARTMENT);
    await expectRefusal(
      t,
      id,
      () => postCommand(t, id, 'resolve', dep, VALID_BODY.resolve),
      403,
      'RECOMMENDATION.NOT_ASSIGNED_TO_CALLER',
    );
  });
});

describe('404: unknown ids and items outside the caller’s scope', () => {
  const app = useApp();

  /** A role allowed to issue each command, so the 404 is about the id and nothing else. */
  const allowedCaller: Record<Action, UserRole> = {
    accept: 'secretariat',
    decline: 'secretariat',
    assign: 'secretariat',
    acknowledge: 'department',
    progress: 'department',
    'extension-request': 'department',
    extend: 'committee',
    return: 'department',
    resolve: 'secretariat',
    reopen: 'committee',
  };

  it.each(ACTIONS)('%s on an unknown UUID → 404 RECOMMENDATION.NOT_FOUND', async (action) => {
    const t = app();
    const token = await tokenFor(t, allowedCaller[action]);
    const res = await postCommand(t, randomUUID(), action, token, VALID_BODY[action]);
    expectError(res, 404, 'RECOMMENDATION.NOT_FOUND');
  });

  it('a command on an unknown UUID creates no stream (GET still 404)', async () => {
    const t = app();
    const id = randomUUID();
    await postCommand(t, id, 'accept', await secretariat(t), VALID_BODY.accept);
    expectError(await getItem(t, id), 404, 'RECOMMENDATION.NOT_FOUND');
  });

  it.each([
    ['GET /recommendations/:id', ''],
    ['GET /recommendations/:id/history', '/history'],
  ])('%s of an unknown UUID → 404 RECOMMENDATION.NOT_FOUND', async (_, suffix) => {
    const t = app();
    const res = await t
      .http()
      .get(`/recommendations/${randomUUID()}${suffix}`)
      .set('Authorization', bearer(await secretariat(t)));
    expectError(res, 404, 'RECOMMENDATION.NOT_FOUND');
  });

  it.each([
    ['POST /recommendations/not-a-uuid/accept', 'post', '/recommendations/not-a-uuid/accept'],
    ['GET /recommendations/not-a-uuid', 'get', '/recommendations/not-a-uuid'],
    ['GET /recommendations/12345/history', 'get', '/recommendations/12345/history'],
  ] as const)('%s (an id that is not a UUID) → 404 RECOMMENDATION.NOT_FOUND', async (_, method, path) => {
    const t = app();
    const req = method === 'post' ? t.http().post(path).send(VALID_BODY.accept) : t.http().get(path);
    expectError(await req.set('Authorization', bearer(await secretariat(t))), 404, 'RECOMMENDATION.NOT_FOUND');
  });

  it.each(DEPARTMENT_ACTIONS)(
    '%s by a department the item was never assigned to → 404 RECOMMENDATION.NOT_FOUND',
    async (action) => {
      const t = app();
      const id = await raiseAssigned(t, DEPARTMENT);
      const stranger = await department(t, OTHER_DEPARTMENT);
      await expectRefusal(t, id, () => postCommand(t, id, action, stranger, VALID_BODY[action]), 404, 'RECOMMENDATION.NOT_FOUND');
    },
  );

  it.each([
    ['GET /recommendations/:id', ''],
    ['GET /recommendations/:id/history', '/history'],
  ])('%s by a department the item was never assigned to → 404', async (_, suffix) => {
    const t = app();
    const id = await raiseAssigned(t, DEPARTMENT);
    const res = await t
      .http()
      .get(`/recommendations/${id}${suffix}`)
      .set('Authorization', bearer(await department(t, OTHER_DEPARTMENT)));
    expectError(res, 404, 'RECOMMENDATION.NOT_FOUND');
  });

  it('the assigned department reads the same item → 200 (the 404 above is scope, not breakage)', async () => {
    const t = app();
    const id = await raiseAssigned(t, DEPARTMENT);
    expect((await getItem(t, id, await department(t, DEPARTMENT))).status).toBe(200);
  });

  it("a commune reading another commune's item → 404", async () => {
    const t = app();
    const id = await raise(t, { commune: COMMUNE });
    expectError(await getItem(t, id, await commune(t, OTHER_COMMUNE)), 404, 'RECOMMENDATION.NOT_FOUND');
  });

  it('a commune reading its own item → 200', async () => {
    const t = app();
    const id = await raise(t, { commune: COMMUNE });
    const res = await getItem(t, id, await commune(t, COMMUNE));
    expect({ status: res.status, id: res.body.id }).toEqual({ status: 200, id });
  });
});

describe('409: a command from a status it is not allowed from', () => {
  const app = useApp();

  const statuses: Record<string, Fixture> = {
    raised: raise,
    accepted: raiseAccepted,
    declined: raiseDeclined,
    assigned: (t) => raiseAssigned(t),
    resolved: (t) => raiseResolved(t),
    'accepted (returned by the department)': (t) => raiseReturned(t),
  };
  const cases: Array<{ action: Action; by: UserRole; from: string }> = [
    ...['accepted', 'declined', 'assigned', 'resolved'].map((from) => ({
      action: 'accept' as const,
      by: 'secretariat' as const,
      from,
    })),
    ...['accepted', 'declined', 'assigned', 'resolved'].map((from) => ({
      action: 'decline' as const,
      by: 'secretariat' as const,
      from,
    })),
    ...['raised', 'declined', 'assigned', 'resolved'].map((from) => ({
      action: 'assign' as const,
      by: 'secretariat' as const,
      from,
    })),
    // A department sees only items it holds or held, so these start from such items (else 404).
    ...DEPARTMENT_ACTIONS.flatMap((action) =>
      ['accepted (returned by the department)', 'resolved'].map((from) => ({ action, by: 'department' as const, from })),
    ).filter((c) => !(c.action === 'resolve' && c.from.startsWith('accepted'))),
    ...['raised', 'accepted', 'declined', 'resolved'].map((from) => ({
      action: 'extend' as const,
      by: 'committee' as const,
      from,
    })),
    ...['raised', 'declined', 'resolved'].map((from) => ({ action: 'resolve' as const, by: 'secretariat' as const, from })),
    ...['raised', 'accepted', 'declined', 'assigned'].map((from) => ({
      action: 'reopen' as const,
      by: 'committee' as const,
      from,
    })),
  ];

  it.each(cases)('$action by $by from $from → 409 RECOMMENDATION.INVALID_TRANSITION', async ({ action, by, from }) => {
    const t = app();
    const id = await statuses[from](t);
    const token = await tokenFor(t, by);
    await expectRefusal(
      t,
      id,
      () => postCommand(t, id, action, token, VALID_BODY[action]),
      409,
      'RECOMMENDATION.INVALID_TRANSITION',
    );
  });

  it('acknowledge twice → 409 RECOMMENDATION.ALREADY_ACKNOWLEDGED', async () => {
    const t = app();
    const id = await raiseAssigned(t);
    const dep = await department(t);
    expect((await postCommand(t, id, 'acknowledge', dep)).status).toBe(200);
    await expectRefusal(t, id, () => postCommand(t, id, 'acknowledge', dep), 409, 'RECOMMENDATION.ALREADY_ACKNOWLEDGED');
  });
});

describe('412: If-Match', () => {
  const app = useApp();

  it('a current If-Match is honoured → 200 with the next revision', async () => {
    const t = app();
    const id = await raise(t);
    const res = await postCommand(t, id, 'accept', await secretariat(t), VALID_BODY.accept, { 'If-Match': '"0"' });
    await expectAnswer(t, res, { id, revision: 1, status: 'accepted' });
  });

  it('two clerks assign from the same revision: the second gets 412 RECOMMENDATION.STALE_REVISION, nothing appended', async () => {
    const t = app();
    const id = await raiseAccepted(t);
    const etag = (await getItem(t, id)).headers.etag as string;
    expect(etag).toBe('"1"');
    const clerkA = await t.token({ role: 'secretariat', sub: 'clerk-a' });
    const clerkB = await t.token({ role: 'secretariat', sub: 'clerk-b' });
    const first = await postCommand(t, id, 'assign', clerkA, { department: DEPARTMENT, dueAt: DUE_AT }, { 'If-Match': etag });
    await expectAnswer(t, first, { id, revision: 2, status: 'assigned' });
    await expectRefusal(
      t,
      id,
      () => postCommand(t, id, 'assign', clerkB, { department: OTHER_DEPARTMENT, dueAt: DUE_AT }, { 'If-Match': etag }),
      412,
      'RECOMMENDATION.STALE_REVISION',
    );
    expect((await getItem(t, id)).body.assignment.department).toBe(DEPARTMENT);
  });

  it('a stale If-Match on a command that would otherwise succeed (progress) → 412, nothing appended', async () => {
    const t = app();
    const id = await raiseAssigned(t);
    const dep = await department(t);
    await expectRefusal(
      t,
      id,
      () => postCommand(t, id, 'progress', dep, VALID_BODY.progress, { 'If-Match': '"1"' }),
      412,
      'RECOMMENDATION.STALE_REVISION',
    );
  });

  it('an If-Match ahead of the item → 412, nothing appended', async () => {
    const t = app();
    const id = await raise(t);
    const sec = await secretariat(t);
    await expectRefusal(
      t,
      id,
      () => postCommand(t, id, 'accept', sec, VALID_BODY.accept, { 'If-Match': '"7"' }),
      412,
      'RECOMMENDATION.STALE_REVISION',
    );
  });
});

describe('413: a body over the limit', () => {
  const app = useApp();

  it('a command body over 100kb → 413 REQUEST.TOO_LARGE, nothing appended', async () => {
    const t = app();
    const id = await raise(t);
    const sec = await secretariat(t);
    await expectRefusal(
      t,
      id,
      () => postCommand(t, id, 'decline', sec, { reason: 'x'.repeat(150_000) }),
      413,
      'REQUEST.TOO_LARGE',
    );
  });

  it('POST /recommendations over 100kb → 413 REQUEST.TOO_LARGE, nothing raised', async () => {
    const t = app();
    const sec = await secretariat(t);
    await expectRaiseRefusal(
      t,
      () => postRaise(t, sec, raiseBody({ description: 'x'.repeat(150_000) })),
      413,
      'REQUEST.TOO_LARGE',
    );
  });
});

describe('GET /recommendations/:id', () => {
  const app = useApp();
  beforeEach(() => app().clock.set(NOW));

  it("shows every field of API.md's item, with the ETag of its revision", async () => {
    const t = app();
    const sec = await secretariat(t);
    const body = raiseBody({ workingGroup: 1, sessionDate: '2025-08-12', category: 'staffing' });
    const id = (await postRaise(t, sec, body)).body.id as string;
    t.clock.set('2026-03-02T10:00:00+07:00');
    await run(t, id, 'accept', sec);
    t.clock.set('2026-03-02T11:00:00+07:00');
    await run(t, id, 'assign', sec, { department: DEPARTMENT, dueAt: DUE_AT, instructions: 'Propose a staffing plan.' });

    const res = await getItem(t, id);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toEqual(
      expect.objectContaining({
        id,
        revision: 2,
        status: 'assigned',
        commune: COMMUNE,
        workingGroup: 1,
        sessionDate: '2025-08-12',
        title: body.title,
        description: body.description,
        category: 'staffing',
        raisedAt: expect.stringMatching(ISO_WITH_OFFSET),
        raisedBy: 'secretariat-1',
        assignment: expect.objectContaining({
          department: DEPARTMENT,
          dueAt: DUE_AT,
          assignedAt: expect.stringMatching(ISO_WITH_OFFSET),
          acknowledgedAt: null,
          extensions: [],
        }),
        resolution: null,
        overdue: false,
        daysOverdue: 0,
      }),
    );
    expect(instant(res.body.raisedAt)).toBe(instant(NOW));
    expect(instant(res.body.assignment.assignedAt)).toBe(instant('2026-03-02T11:00:00+07:00'));
  });

  it('a raised item has no assignment and no resolution yet', async () => {
    const t = app();
    const res = await getItem(t, await raise(t));
    expect(res.body).toEqual(
      expect.objectContaining({
        status: 'raised',
        revision: 0,
        workingGroup: null,
        sessionDate: null,
        assignment: null,
        resolution: null,
      }),
    );
    expect(res.headers.etag).toBe('"0"');
  });

  it('is overdue once the clock passes dueAt, and no longer once resolved (late: onTime false)', async () => {
    const t = app();
    const id = await raiseAssigned(t, DEPARTMENT, DUE_AT);

    t.clock.set(DUE_AT);
    expect((await getItem(t, id)).body).toMatchObject({ overdue: false, daysOverdue: 0 });

    t.clock.set('2026-05-03T09:00:00+07:00'); // 2 days 16 hours after 30 April 17:00
    expect((await getItem(t, id)).body).toMatchObject({ overdue: true, daysOverdue: 2 });

    await run(t, id, 'resolve', await department(t));
    const res = await getItem(t, id);
    expect(res.body).toMatchObject({ status: 'resolved', overdue: false, daysOverdue: 0 });
    expect(res.body.resolution).toEqual({
      text: VALID_BODY.resolve?.resolution,
      resolvedAt: expect.stringMatching(ISO_WITH_OFFSET),
      resolvedBy: `${DEPARTMENT}-officer`,
      onTime: false,
      department: DEPARTMENT,
      // Extension (second wave): the official letter that answered; none was given here.
      document: null,
    });
    expect(instant(res.body.resolution.resolvedAt)).toBe(instant('2026-05-03T09:00:00+07:00'));
  });

  it('?asOf= gives the item as it was then, overdueness included', async () => {
    const t = app();
    const sec = await secretariat(t);
    const id = await raise(t); // 09:00
    t.clock.set('2026-03-02T10:00:00+07:00');
    await run(t, id, 'accept', sec);
    t.clock.set('2026-03-02T11:00:00+07:00');
    await run(t, id, 'assign', sec, { department: DEPARTMENT, dueAt: DUE_AT });
    t.clock.set('2026-05-03T09:00:00+07:00');
    await run(t, id, 'resolve', await department(t));

    const asOf = async (time: string) => getItem(t, id, undefined, `?asOf=${encodeURIComponent(time)}`);
    expect((await asOf('2026-03-02T09:30:00+07:00')).body).toMatchObject({ status: 'raised', revision: 0, assignment: null });
    expect((await asOf('2026-03-02T10:30:00+07:00')).body).toMatchObject({ status: 'accepted', revision: 1, assignment: null });
    expect((await asOf('2026-05-02T09:00:00+07:00')).body).toMatchObject({
      status: 'assigned',
      revision: 2,
      assignment: expect.objectContaining({ department: DEPARTMENT }),
      resolution: null,
      overdue: true,
      daysOverdue: 1,
    });
    expect((await getItem(t, id)).body).toMatchObject({ status: 'resolved', revision: 3 });
  });

  it('?asOf= before the item was raised → 404; a time that is not ISO 8601 → 400', async () => {
    const t = app();
    const id = await raise(t);
    expectError(
      await getItem(t, id, undefined, `?asOf=${encodeURIComponent('2026-03-01T09:00:00+07:00')}`),
      404,
      'RECOMMENDATION.NOT_FOUND',
    );
    expectError(await getItem(t, id, undefined, '?asOf=last-tuesday'), 400, 'VALIDATION.FAILED');
  });
});

describe('GET /recommendations/:id/history', () => {
  const app = useApp();

  it('lists every event with revision, position, type, data, actor, occurredAt, correlationId, causationId', async () => {
    const t = app();
    t.clock.set(NOW);
    const sec = await secretariat(t);
    const dep = await department(t);
    const answers: Array<{ position: number }> = [];
    const times: string[] = [];
    const correlations = ['session-2025-08-12-wg1', 'accept-1', 'assign-1', 'progress-1', 'resolve-1'];
    const step = async (time: string, send: () => Promise<Response>) => {
      t.clock.set(time);
      times.push(time);
      const res = await send();
      expect(res.status).toBeLessThan(300);
      answers.push(res.body);
      return res;
    };

    const id = (await step(NOW, () => postRaise(t, sec, raiseBody(), { 'X-Correlation-Id': correlations[0] }))).body.id as string;
    await step('2026-03-02T10:00:00+07:00', () =>
      postCommand(t, id, 'accept', sec, VALID_BODY.accept, { 'X-Correlation-Id': correlations[1] }),
    );
    await step('2026-03-02T11:00:00+07:00', () =>
      postCommand(t, id, 'assign', sec, { department: DEPARTMENT, dueAt: DUE_AT }, { 'X-Correlation-Id': correlations[2] }),
    );
    await step('2026-03-10T08:00:00+07:00', () =>
      postCommand(t, id, 'progress', dep, VALID_BODY.progress, { 'X-Correlation-Id': correlations[3] }),
    );
    await step('2026-03-20T15:00:00+07:00', () =>
      postCommand(t, id, 'resolve', dep, VALID_BODY.resolve, { 'X-Correlation-Id': correlations[4] }),
    );

    const res = await t.http().get(`/recommendations/${id}/history`).set('Authorization', bearer(sec));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"4"');
    const events = res.body.events as Array<Record<string, unknown>>;
    expect(events.map((e) => e.type)).toEqual([
      'RecommendationRaised',
      'RecommendationAccepted',
      'RecommendationAssigned',
      'ProgressReported',
      'RecommendationResolved',
    ]);
    events.forEach((event, i) => {
      expect(event).toEqual({
        revision: i,
        position: answers[i].position,
        type: expect.any(String),
        data: expect.any(Object),
        actor: expect.any(Object),
        occurredAt: expect.stringMatching(ISO_WITH_OFFSET),
        correlationId: correlations[i],
        causationId: expect.stringMatching(/\S/),
      });
      expect(instant(event.occurredAt as string)).toBe(instant(times[i]));
    });
    expect(new Set(events.map((e) => e.causationId)).size).toBe(events.length);
    expect(events[0].actor).toMatchObject({ sub: 'secretariat-1', role: 'secretariat' });
    expect(events[3].actor).toMatchObject({ sub: `${DEPARTMENT}-officer`, role: 'department', department: DEPARTMENT });
    expect(events[0].data).toMatchObject({ commune: COMMUNE, title: raiseBody().title, category: 'headquarters' });
    expect(events[2].data).toMatchObject({ department: DEPARTMENT, dueAt: DUE_AT });
    expect(events[3].data).toMatchObject({ note: VALID_BODY.progress?.note });
    expect(events[4].data).toMatchObject({ resolution: VALID_BODY.resolve?.resolution, onTime: true });
  });

  it('without X-Correlation-Id each event still gets a correlation id', async () => {
    const t = app();
    const id = await raise(t);
    const res = await t
      .http()
      .get(`/recommendations/${id}/history`)
      .set('Authorization', bearer(await secretariat(t)));
    expect(res.body.events[0].correlationId).toEqual(expect.stringMatching(/\S/));
  });
});

describe('lifecycle paths', () => {
  const app = useApp();

  /** Runs a command that must move the item one revision on, to `status`. */
  async function expectStep(t: TestApp, id: string, action: Action, token: string, body: Body | undefined, status: string) {
    const before = await revisionOf(t, id);
    const res = await postCommand(t, id, action, token, body);
    await expectAnswer(t, res, { id, revision: before + 1, status });
    return (await getItem(t, id)).body;
  }

  it('raised → declined', async () => {
    const t = app();
    t.clock.set(NOW);
    const id = await raise(t);
    const item = await expectStep(t, id, 'decline', await secretariat(t), VALID_BODY.decline, 'declined');
    expect(item).toMatchObject({ revision: 1, assignment: null, resolution: null, overdue: false });
  });

  it('raised → accepted → resolved on the spot by the secretariat (onTime true, no assignment)', async () => {
    const t = app();
    t.clock.set(NOW);
    const sec = await secretariat(t);
    const id = await raise(t);
    await expectStep(t, id, 'accept', sec, VALID_BODY.accept, 'accepted');
    t.clock.set('2026-03-02T09:30:00+07:00');
    const item = await expectStep(
      t,
      id,
      'resolve',
      sec,
      { resolution: 'Answered at the session: two IT staff seconded.' },
      'resolved',
    );
    expect(item).toMatchObject({
      revision: 2,
      assignment: null,
      resolution: { text: 'Answered at the session: two IT staff seconded.', resolvedBy: 'secretariat-1', onTime: true },
      overdue: false,
    });
  });

  describe('accepted → assigned → acknowledge → progress → extension-request → extend (committee) → resolved late', () => {
    let id = '';
    const firstDue = '2026-03-31T17:00:00+07:00';
    const newDue = '2026-04-15T17:00:00+07:00';

    it('assigned with an explicit dueAt', async () => {
      const t = app();
      t.clock.set(NOW);
      id = await raiseAccepted(t);
      const item = await expectStep(
        t,
        id,
        'assign',
        await secretariat(t),
        { department: DEPARTMENT, dueAt: firstDue },
        'assigned',
      );
      expect(item.assignment).toMatchObject({
        department: DEPARTMENT,
        dueAt: firstDue,
        acknowledgedAt: null,
        dueBasis: { method: 'explicit' },
      });
    });

    it('acknowledged by the department (no body)', async () => {
      const t = app();
      t.clock.set('2026-03-03T08:00:00+07:00');
      const item = await expectStep(t, id, 'acknowledge', await department(t), undefined, 'assigned');
      expect(instant(item.assignment.acknowledgedAt)).toBe(instant('2026-03-03T08:00:00+07:00'));
    });

    it('progress reported', async () => {
      const t = app();
      t.clock.set('2026-03-16T08:00:00+07:00');
      await expectStep(t, id, 'progress', await department(t), VALID_BODY.progress, 'assigned');
    });

    it('an extension requested: the deadline does not move yet', async () => {
      const t = app();
      t.clock.set('2026-03-25T08:00:00+07:00');
      const item = await expectStep(
        t,
        id,
        'extension-request',
        await department(t),
        { requestedDueAt: newDue, reason: 'Survey late.' },
        'assigned',
      );
      expect(item.assignment.dueAt).toBe(firstDue);
      expect(item.assignment.extensionRequests).toEqual([
        expect.objectContaining({ requestedDueAt: newDue, reason: 'Survey late.' }),
      ]);
    });

    it('the committee extends the deadline', async () => {
      const t = app();
      t.clock.set('2026-03-26T08:00:00+07:00');
      const item = await expectStep(t, id, 'extend', await committee(t), { dueAt: newDue, reason: 'Approved.' }, 'assigned');
      expect(item.assignment.dueAt).toBe(newDue);
      expect(item.assignment.extensions).toEqual([
        expect.objectContaining({ previousDueAt: firstDue, dueAt: newDue, reason: 'Approved.' }),
      ]);
      expect(item.overdue).toBe(false);
    });

    it('past the new deadline it is overdue; resolved then, it is resolved late (onTime false)', async () => {
      const t = app();
      t.clock.set('2026-04-17T10:00:00+07:00');
      expect((await getItem(t, id)).body).toMatchObject({ overdue: true, daysOverdue: 1 });
      const item = await expectStep(t, id, 'resolve', await department(t), VALID_BODY.resolve, 'resolved');
      expect(item).toMatchObject({ overdue: false, resolution: { resolvedBy: `${DEPARTMENT}-officer`, onTime: false } });
    });
  });

  describe('assigned → returned → accepted → assigned to another department → resolved → reopened (same department) → resolved', () => {
    let id = '';

    it('assigned to Home Affairs (assignment 1)', async () => {
      const t = app();
      t.clock.set(NOW);
      id = await raiseAccepted(t);
      const item = await expectStep(t, id, 'assign', await secretariat(t), { department: DEPARTMENT, dueAt: DUE_AT }, 'assigned');
      expect(item.assignment).toMatchObject({ department: DEPARTMENT, assignmentNo: 1 });
    });

    it('returned by Home Affairs: accepted again, no current assignment', async () => {
      const t = app();
      const item = await expectStep(t, id, 'return', await department(t, DEPARTMENT), VALID_BODY.return, 'accepted');
      expect(item.assignment).toBeNull();
    });

    it('assigned to Finance (assignment 2)', async () => {
      const t = app();
      const item = await expectStep(
        t,
        id,
        'assign',
        await secretariat(t),
        { department: OTHER_DEPARTMENT, dueAt: DUE_AT },
        'assigned',
      );
      expect(item.assignment).toMatchObject({ department: OTHER_DEPARTMENT, assignmentNo: 2 });
    });

    it('resolved by Finance on time', async () => {
      const t = app();
      t.clock.set('2026-04-01T09:00:00+07:00');
      const item = await expectStep(t, id, 'resolve', await department(t, OTHER_DEPARTMENT), VALID_BODY.resolve, 'resolved');
      expect(item.resolution).toMatchObject({ resolvedBy: `${OTHER_DEPARTMENT}-officer`, onTime: true });
    });

    it('reopened by the committee: back to Finance with the new due date (assignment 3)', async () => {
      const t = app();
      t.clock.set('2026-04-10T09:00:00+07:00');
      const item = await expectStep(
        t,
        id,
        'reopen',
        await committee(t),
        { reason: 'No date for the works.', dueAt: LATER_DUE_AT },
        'assigned',
      );
      expect(item).toMatchObject({ resolution: null, overdue: false });
      expect(item.assignment).toMatchObject({
        department: OTHER_DEPARTMENT,
        assignmentNo: 3,
        dueAt: LATER_DUE_AT,
        acknowledgedAt: null,
      });
    });

    it('resolved again by Finance', async () => {
      const t = app();
      t.clock.set('2026-05-04T09:00:00+07:00');
      const item = await expectStep(t, id, 'resolve', await department(t, OTHER_DEPARTMENT), VALID_BODY.resolve, 'resolved');
      expect(item.resolution).toMatchObject({ onTime: true });
      const history = await t
        .http()
        .get(`/recommendations/${id}/history`)
        .set('Authorization', bearer(await secretariat(t)));
      expect((history.body.events as Array<{ type: string }>).map((e) => e.type)).toEqual([
        'RecommendationRaised',
        'RecommendationAccepted',
        'RecommendationAssigned',
        'AssignmentReturned',
        'RecommendationAssigned',
        'RecommendationResolved',
        'RecommendationReopened',
        'RecommendationResolved',
      ]);
    });
  });

  it('assign with dueInWorkingDays: dueAt at the end of the 5th working day, +07:00, basis workingDays', async () => {
    const t = app();
    t.clock.set(NOW); // Monday 2 March 2026
    const id = await raiseAccepted(t);
    const item = await expectStep(
      t,
      id,
      'assign',
      await secretariat(t),
      { department: DEPARTMENT, dueInWorkingDays: 5 },
      'assigned',
    );
    expect(item.assignment.dueAt).toMatch(/\+07:00$/);
    // Tue 3 … Fri 6, skip the weekend, Mon 9.
    expect(item.assignment.dueAt).toBe('2026-03-09T23:59:59+07:00');
    expect(item.assignment.dueBasis).toMatchObject({ method: 'workingDays', workingDays: 5, timeZone: 'Asia/Ho_Chi_Minh' });
  });
});
