import type { Response } from 'supertest';
import type { TestApp } from './test-app';

/**
 * Recommendations brought to a given status through the REAL HTTP routes, as the people of
 * API.md's command table would: nothing is written to the store behind the API's back.
 * Every helper throws with the route, status and body when a step is refused, so a broken
 * fixture reads as such and not as a confusing assertion further on.
 */

/** The test app's default "now" (a Monday): every fixed date below is relative to it. */
export const NOW = '2026-03-02T09:00:00+07:00';
/** A deadline comfortably after {@link NOW}. */
export const DUE_AT = '2026-04-30T17:00:00+07:00';
/** A deadline after {@link DUE_AT}: for extensions and reopening. */
export const LATER_DUE_AT = '2026-05-29T17:00:00+07:00';

export const COMMUNE = 'tam-thanh';
export const OTHER_COMMUNE = 'luong-van-tri';
export const DEPARTMENT = 'home-affairs';
export const OTHER_DEPARTMENT = 'finance';

export type Action =
  'accept' | 'decline' | 'assign' | 'acknowledge' | 'progress' | 'extension-request' | 'extend' | 'return' | 'resolve' | 'reopen';

export interface CommandAnswer {
  id: string;
  revision: number;
  position: number;
  status: string;
}

export type Body = Record<string, unknown>;

/** A body each command accepts from its allowed status (acknowledge takes none). */
export const VALID_BODY: Record<Action, Body | undefined> = {
  accept: { note: 'The working group will transfer it to the competent department.' },
  decline: { reason: 'Already settled by the 2025 staffing decision.' },
  assign: { department: DEPARTMENT, dueAt: DUE_AT, instructions: "Propose the plan to the Provincial People's Committee." },
  acknowledge: undefined,
  progress: { note: 'Draft plan sent to the ward for comments.' },
  'extension-request': { requestedDueAt: LATER_DUE_AT, reason: "Waiting for the Ministry's guidance on job positions." },
  extend: { dueAt: LATER_DUE_AT, reason: 'Approved: the survey needs another month.' },
  return: { reason: 'Outside our competence: land allocation belongs to Agriculture and Environment.' },
  resolve: { resolution: 'Decision 123/QD-UBND seconds two IT staff to the ward for six months.' },
  reopen: { reason: 'The response does not say when the headquarters will be built.', dueAt: LATER_DUE_AT },
};

export function raiseBody(overrides: Body = {}): Body {
  return {
    commune: COMMUNE,
    title: 'Invest in a centralized headquarters for Tam Thanh and Luong Van Tri',
    description: 'The two wards work from four separate buildings since the merger.',
    category: 'headquarters',
    ...overrides,
  };
}

export const bearer = (token: string) => `Bearer ${token}`;

export const secretariat = (t: TestApp) => t.token({ role: 'secretariat', sub: 'secretariat-1' });
export const committee = (t: TestApp) => t.token({ role: 'committee', sub: 'committee-1' });
export const auditor = (t: TestApp) => t.token({ role: 'auditor', sub: 'auditor-1' });
export const department = (t: TestApp, code = DEPARTMENT) =>
  t.token({ role: 'department', department: code, sub: `${code}-officer` });
export const commune = (t: TestApp, code = COMMUNE) => t.token({ role: 'commune', commune: code, sub: `${code}-clerk` });

/** POST a command on an item, with an optional JSON body and extra headers. */
export function postCommand(
  t: TestApp,
  id: string,
  action: Action,
  token: string | null,
  body?: Body,
  headers: Record<string, string> = {},
): Promise<Response> {
  let req = t.http().post(`/recommendations/${id}/${action}`);
  if (token !== null) req = req.set('Authorization', bearer(token));
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return body === undefined ? req : req.send(body);
}

export function postRaise(t: TestApp, token: string | null, body: Body = raiseBody(), headers: Record<string, string> = {}) {
  let req = t.http().post('/recommendations');
  if (token !== null) req = req.set('Authorization', bearer(token));
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req.send(body);
}

export async function getItem(t: TestApp, id: string, token?: string, query = ''): Promise<Response> {
  return t
    .http()
    .get(`/recommendations/${id}${query}`)
    .set('Authorization', bearer(token ?? (await secretariat(t))));
}

/** The item's current revision, read as the secretariat (who sees everything). */
export async function revisionOf(t: TestApp, id: string): Promise<number> {
  const res = await getItem(t, id);
  succeeded(res, `GET /recommendations/${id}`);
  return (res.body as { revision: number }).revision;
}

function succeeded(res: Response, what: string): CommandAnswer {
  if (res.status < 200 || res.status > 299) {
    throw new Error(`fixture step ${what} was refused: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as CommandAnswer;
}

/** Runs a command that must succeed, and returns its answer. */
export async function run(t: TestApp, id: string, action: Action, token: string, body: Body | undefined = VALID_BODY[action]) {
  return succeeded(await postCommand(t, id, action, token, body), `POST /recommendations/${id}/${action}`);
}

/** raised */
export async function raise(t: TestApp, overrides: Body = {}): Promise<string> {
  return succeeded(await postRaise(t, await secretariat(t), raiseBody(overrides)), 'POST /recommendations').id;
}

/** raised → declined */
export async function raiseDeclined(t: TestApp): Promise<string> {
  const id = await raise(t);
  await run(t, id, 'decline', await secretariat(t));
  return id;
}

/** raised → accepted */
export async function raiseAccepted(t: TestApp, overrides: Body = {}): Promise<string> {
  const id = await raise(t, overrides);
  await run(t, id, 'accept', await secretariat(t));
  return id;
}

/** raised → accepted → assigned to `to` */
export async function raiseAssigned(t: TestApp, to = DEPARTMENT, dueAt = DUE_AT): Promise<string> {
  const id = await raiseAccepted(t);
  await run(t, id, 'assign', await secretariat(t), { department: to, dueAt });
  return id;
}

/** … → assigned to `to` → resolved by `to` */
export async function raiseResolved(t: TestApp, to = DEPARTMENT): Promise<string> {
  const id = await raiseAssigned(t, to);
  await run(t, id, 'resolve', await department(t, to));
  return id;
}

/** … → assigned to `to` → returned by `to`: accepted again, and `to` has held it */
export async function raiseReturned(t: TestApp, to = DEPARTMENT): Promise<string> {
  const id = await raiseAssigned(t, to);
  await run(t, id, 'return', await department(t, to));
  return id;
}

/** … → assigned to `first` → returned → assigned to `then` */
export async function raiseReassigned(t: TestApp, first = DEPARTMENT, then = OTHER_DEPARTMENT): Promise<string> {
  const id = await raiseReturned(t, first);
  await run(t, id, 'assign', await secretariat(t), { department: then, dueAt: DUE_AT });
  return id;
}

/**
 * Raises a throwaway item and returns its place in the global log: two probes around a refused
 * POST /recommendations prove it appended nothing (there is no item revision to compare).
 */
export async function probeGlobalPosition(t: TestApp): Promise<number> {
  const res = await postRaise(t, await secretariat(t), raiseBody({ title: 'position probe' }));
  return succeeded(res, 'POST /recommendations (position probe)').position;
}
