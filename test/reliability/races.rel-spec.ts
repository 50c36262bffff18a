import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditSigner, verifyLog } from '@app/audit';
import { SqliteEventStore } from '@app/event-store';
import { createTestApp, deleteKeys, TEST_SECRET, type TestApp } from '../support/test-app';
import { checkAcks, REDIS_URL } from './support/crash-run';
import { eventsFile, firstOf, readLog, replayProblems, structuralProblems, type LoggedEvent } from './support/event-log';
import { codeOf, fire, ok, roundCommands, type Answer } from './support/interleavings';
import { EVENT_OF, mintTokens, sendRequest, tally, toAck, type Ack, type SentRequest, type Tokens } from './support/load';
import { rng, seedFromEnv, type Rng } from './support/random';
import { ServiceProcess } from './support/service';

/**
 * Races on one item: many commands decided at once must leave a log that is a valid history.
 * - N commands with one If-Match: exactly one wins, the others get 412, one event is appended;
 * - concurrent retries with one Idempotency-Key: one append, the same answer for all;
 * - assign vs resolve vs return vs extend (and more) in random interleavings: every stream
 *   replays through `decide`, revisions have no gap, every 2xx answer is the event at its
 *   revision, and nothing is appended without a 2xx answer;
 * - two processes on ONE data folder (the full service and an API-only process, as README's
 *   "Processes" allows) appending to the same items: expected-revision conflicts between
 *   processes lose no update and leave no gap; If-Match and Idempotency-Key hold across them.
 * Each test prints its seed; `REL_SEED=<seed> -t <name>` replays its choices.
 */
jest.setTimeout(120_000);

const FIRST = 'home-affairs';
const OTHER = 'finance';
const STATUS_ON_REFUSAL = [400, 403, 404, 409, 412];

/** The item after raise → accept → assign to `first`: revision 2. */
async function assignedItem(url: string, tokens: Tokens, first: string, dueAt: string): Promise<string> {
  const send = async (req: Omit<SentRequest, 'client' | 'token'> & { token?: string }) => {
    const answer = await sendRequest(url, { client: 0, token: tokens.secretariat, ...req });
    if (answer.status >= 300) throw new Error(`setup ${req.path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as { id: string };
  };
  const { id } = await send({
    action: 'raise',
    id: null,
    path: '/recommendations',
    body: {
      commune: 'tam-thanh',
      title: 'Second IT staff to the ward',
      description: 'One officer covers 14 systems.',
      category: 'staffing',
    },
  });
  await send({ action: 'accept', id, path: `/recommendations/${id}/accept`, body: {} });
  await send({ action: 'assign', id, path: `/recommendations/${id}/assign`, body: { department: first, dueAt } });
  return id;
}

const streamOf = (log: LoggedEvent[], id: string) => log.filter((e) => e.stream === `recommendation-${id}`);

/** Every whole-log check: acknowledged answers are the events at their revision, gap-free streams, a valid history. */
function expectValidLog(log: LoggedEvent[], acks: Ack[]): void {
  expect(firstOf(checkAcks(acks, log))).toEqual([]);
  expect(firstOf(structuralProblems(log))).toEqual([]);
  expect(firstOf(replayProblems(log))).toEqual([]);
}

describe('races on one item (in-process app)', () => {
  let t: TestApp;
  let url: string;
  let tokens: Tokens;
  const acks: Ack[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    tokens = await mintTokens(TEST_SECRET);
  });
  afterAll(() => t?.close());

  const now = () => t.clock.now().getTime();
  const dueIn = (days: number) => new Date(now() + days * 86_400_000).toISOString();
  const record = (answers: Answer[]) => {
    for (const a of answers.filter(ok)) acks.push(toAck(a.request, a.body, false));
  };

  it('N concurrent commands with one If-Match: exactly one wins, the others get 412, one event is appended', async () => {
    const seed = seedFromEnv();
    const r = rng(seed);
    console.log(`[races: If-Match] seed=${seed}`);
    for (let round = 0; round < 6; round++) {
      const id = await assignedItem(url, tokens, FIRST, dueIn(30));
      // Each of these is allowed at revision 2 on its own; only one can be decided at revision 2.
      const options: Array<() => Omit<SentRequest, 'client' | 'id' | 'path'>> = [
        () => ({ action: 'progress', token: tokens.department[FIRST], body: { note: `report ${r.int(1, 1e6)}` } }),
        () => ({ action: 'acknowledge', token: tokens.department[FIRST], body: {} }),
        () => ({
          action: 'extension-request',
          token: tokens.department[FIRST],
          body: { requestedDueAt: dueIn(90), reason: 'Survey.' },
        }),
        () => ({
          action: 'extend',
          token: r.chance(0.5) ? tokens.committee : tokens.secretariat,
          body: { dueAt: dueIn(r.int(31, 80)), reason: 'More time.' },
        }),
        () => ({ action: 'return', token: tokens.department[FIRST], body: { reason: 'Outside our competence.' } }),
        () => ({ action: 'resolve', token: tokens.department[FIRST], body: { resolution: 'Done.' } }),
      ];
      const requests: SentRequest[] = Array.from({ length: 24 }, () => {
        const c = r.pick(options)();
        return { ...c, client: 0, id, path: `/recommendations/${id}/${c.action}`, ifMatch: 2 };
      });
      const answers = await fire(r, requests, [url], 3);
      record(answers);
      const winners = answers.filter(ok);
      expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array<number>(23).fill(412)]);
      expect(
        tally(
          answers.filter((a) => !ok(a)),
          codeOf,
        ),
      ).toEqual({ 'RECOMMENDATION.STALE_REVISION': 23 });
      const events = streamOf(readLog(t.dataDir), id);
      expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      expect(events[3].type).toBe(EVENT_OF[winners[0].request.action]);
      expect(events[3].position).toBe((winners[0].body as { position: number }).position);
    }
  });

  it('concurrent retries with one Idempotency-Key append once and all get the first answer', async () => {
    const seed = seedFromEnv();
    const r = rng(seed);
    console.log(`[races: Idempotency-Key] seed=${seed}`);
    const raise: SentRequest = {
      client: 0,
      action: 'raise',
      id: null,
      path: '/recommendations',
      token: tokens.secretariat,
      body: {
        commune: 'luong-van-tri',
        title: 'Upgrade the road to the ward centre',
        description: '3 km of dirt road.',
        category: 'roads',
      },
      idempotencyKey: `raise-${seed}`,
    };
    const raised = await fire(r, Array<SentRequest>(16).fill(raise), [url], 3);
    expect(raised.map((a) => a.status)).toEqual(Array<number>(16).fill(201));
    expect(new Set(raised.map((a) => JSON.stringify(a.body))).size).toBe(1);
    record(raised.slice(0, 1));
    const id = (raised[0].body as { id: string }).id;

    const accept: SentRequest = {
      client: 0,
      action: 'accept',
      id,
      path: `/recommendations/${id}/accept`,
      token: tokens.secretariat,
      body: {},
      idempotencyKey: `accept-${seed}`,
    };
    const assign: SentRequest = {
      ...accept,
      action: 'assign',
      path: `/recommendations/${id}/assign`,
      body: { department: FIRST, dueAt: dueIn(30) },
      idempotencyKey: `assign-${seed}`,
    };
    const progress: SentRequest = {
      ...accept,
      action: 'progress',
      path: `/recommendations/${id}/progress`,
      token: tokens.department[FIRST],
      body: { note: 'Draft sent.' },
      idempotencyKey: `progress-${seed}`,
    };
    const resolve: SentRequest = {
      ...progress,
      action: 'resolve',
      path: `/recommendations/${id}/resolve`,
      body: { resolution: 'Done.' },
      idempotencyKey: `resolve-${seed}`,
    };
    for (const request of [accept, assign, progress, resolve]) {
      const answers = await fire(r, Array<SentRequest>(16).fill(request), [url], 3);
      expect(answers.map((a) => a.status)).toEqual(Array<number>(16).fill(200));
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      record(answers.slice(0, 1));
    }
    const log = readLog(t.dataDir);
    expect(streamOf(log, id).map((e) => `${e.revision} ${e.type}`)).toEqual([
      '0 RecommendationRaised',
      '1 RecommendationAccepted',
      '2 RecommendationAssigned',
      '3 ProgressReported',
      '4 RecommendationResolved',
    ]);
    // One stored answer per key, not one per retry.
    expect(
      log.filter((e) => e.type === 'IdempotentRequestCompleted' && String(e.metadata.idempotencyKey).endsWith(`-${seed}`)),
    ).toHaveLength(5);
  });

  /**
   * A key reused for a different request must be refused (409 IDEMPOTENCY.KEY_REUSED, as it is
   * when the requests come one after the other), never answered 2xx for a command that was not
   * applied: that would be an acknowledged command missing from the log.
   */
  it('one Idempotency-Key reused at once for different requests: a 2xx only for the request that was applied', async () => {
    const seed = seedFromEnv();
    const r = rng(seed);
    console.log(`[races: Idempotency-Key reused] seed=${seed}`);
    const wrong: string[] = [];
    for (let round = 0; round < 10; round++) {
      const id = await assignedItem(url, tokens, FIRST, dueIn(30));
      const key = `reused-${seed}-${round}`;
      const base = { client: 0, id, token: tokens.department[FIRST], idempotencyKey: key };
      const requests: SentRequest[] = r.shuffle([
        { ...base, action: 'resolve', path: `/recommendations/${id}/resolve`, body: { resolution: 'Done.' } },
        { ...base, action: 'return', path: `/recommendations/${id}/return`, body: { reason: 'Not ours.' } },
        { ...base, action: 'progress', path: `/recommendations/${id}/progress`, body: { note: 'Half done.' } },
      ]);
      const answers = await fire(r, requests, [url], 2);
      const events = streamOf(readLog(t.dataDir), id);
      expect(events).toHaveLength(4);
      for (const a of answers.filter(ok)) {
        const at = events.find((e) => e.revision === (a.body as { revision: number }).revision);
        if (at?.type !== EVENT_OF[a.request.action])
          wrong.push(
            `round ${round}: POST ${a.request.action} answered ${a.status} ${JSON.stringify(a.body)} but the log has ${at?.type}`,
          );
      }
      expect(answers.filter((a) => !ok(a)).every((a) => codeOf(a) === 'IDEMPOTENCY.KEY_REUSED')).toBe(true);
    }
    expect(wrong).toEqual([]);
  });

  it('assign vs resolve vs return vs extend in random interleavings: the log is a valid history, nothing appended without a 2xx', async () => {
    const seed = seedFromEnv();
    const r = rng(seed);
    console.log(`[races: interleavings] seed=${seed}`);
    const statuses: Answer[] = [];
    for (let round = 0; round < 15; round++) {
      // Four items at a time, each with its own burst of commands.
      const ids = await Promise.all([0, 1, 2, 3].map(() => assignedItem(url, tokens, FIRST, dueIn(30))));
      const bursts = ids.map((id) => roundCommands(r, id, tokens, { first: FIRST, other: OTHER, revision: 2, now: now() }));
      const answers = (await Promise.all(bursts.map((b) => fire(r, b, [url])))).flat();
      record(answers);
      statuses.push(...answers);
      const log = readLog(t.dataDir);
      for (const id of ids) {
        const sent = answers.filter((a) => a.request.id === id);
        // Every event after the setup is the answer to exactly one request that got a 2xx.
        expect(streamOf(log, id)).toHaveLength(3 + sent.filter(ok).length);
      }
    }
    console.log(
      `[races: interleavings] answers ${JSON.stringify(tally(statuses, (a) => `${a.request.action} ${a.status} ${codeOf(a)}`.trim()))}`,
    );
    expect(statuses.filter((a) => !ok(a) && !STATUS_ON_REFUSAL.includes(a.status))).toEqual([]);
    expectValidLog(readLog(t.dataDir), acks);
  });

  it('the whole log of this app replays through decide and has no gap', () => {
    const log = readLog(t.dataDir);
    expect(log.length).toBeGreaterThan(0);
    expectValidLog(log, acks);
  });
});

describe('two processes appending to the same items (one data folder)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fut-rel-races-'));
  const prefix = `relr${process.pid}`;
  let full: ServiceProcess | null = null;
  let apiOnly: ServiceProcess | null = null;
  let tokens: Tokens;

  afterAll(async () => {
    await full?.kill();
    await apiOnly?.kill();
    await deleteKeys(REDIS_URL, `${prefix}:*`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('expected-revision conflicts across processes lose no update and leave no gap; If-Match and Idempotency-Key hold across them', async () => {
    const seed = seedFromEnv();
    const r: Rng = rng(seed);
    console.log(`[races: two processes] seed=${seed}`);
    const env = {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: TEST_SECRET,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      REMINDERS: 'off',
      THROTTLE_LIMIT: '100000000',
      LOG_LEVEL: 'warn',
    };
    tokens = await mintTokens(TEST_SECRET);
    // One after the other: the first creates the files (and the audit key) the second opens.
    full = await ServiceProcess.start(env);
    apiOnly = await ServiceProcess.start(env, { entry: 'apps/api/src/main.ts' });
    const urls = [full.url, apiOnly.url];
    const dueIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const acks: Ack[] = [];
    const all: Answer[] = [];
    const keep = (answers: Answer[]) => {
      all.push(...answers);
      for (const a of answers.filter(ok)) acks.push(toAck(a.request, a.body, false));
      return answers;
    };
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => assignedItem(urls[i % 2], tokens, FIRST, dueIn(30))));

    // 1. No If-Match: both processes decide on the same revision, one append conflicts and is
    //    decided again on the new state. Every 2xx is an event; nothing else is appended.
    const progress = ids.flatMap((id) =>
      Array.from({ length: 16 }, (_, i): SentRequest => ({
        client: 0,
        action: 'progress',
        id,
        path: `/recommendations/${id}/progress`,
        token: tokens.department[FIRST],
        body: { note: `report ${i}` },
      })),
    );
    const unconditioned = keep(await fire(r, progress, urls, 2));
    let log = readLog(dataDir);
    for (const id of ids) {
      const answered = unconditioned.filter((a) => a.request.id === id && ok(a));
      expect(streamOf(log, id)).toHaveLength(3 + answered.length);
      expect(new Set(answered.map((a) => (a.body as { revision: number }).revision)).size).toBe(answered.length);
    }
    console.log(
      `[races: two processes] no If-Match: ${JSON.stringify(tally(unconditioned, (a) => `${a.status} ${codeOf(a)} via ${a.target === 0 ? 'full' : 'api-only'}`))}`,
    );
    // A refusal after repeated conflicts is allowed (409, nothing appended); a lost update is not.
    expect(unconditioned.filter((a) => !ok(a) && codeOf(a) !== 'RECOMMENDATION.CONCURRENT_UPDATE')).toEqual([]);
    expect(unconditioned.filter(ok).length).toBeGreaterThan(progress.length / 2);

    // 2. One If-Match sent to both processes: exactly one wins per item.
    log = readLog(dataDir);
    const conditioned = keep(
      await fire(
        r,
        ids.flatMap((id) => {
          const revision = streamOf(log, id).length - 1;
          return Array.from({ length: 10 }, (_, i): SentRequest => ({
            client: 0,
            action: 'progress',
            id,
            path: `/recommendations/${id}/progress`,
            token: tokens.department[FIRST],
            body: { note: `conditional ${i}` },
            ifMatch: revision,
          }));
        }),
        urls,
        2,
      ),
    );
    for (const id of ids) {
      const answers = conditioned.filter((a) => a.request.id === id);
      expect(answers.filter(ok)).toHaveLength(1);
      expect(
        tally(
          answers.filter((a) => !ok(a)),
          codeOf,
        ),
      ).toEqual({ 'RECOMMENDATION.STALE_REVISION': 9 });
    }

    // 3. One Idempotency-Key retried against both processes at once: one append, one answer.
    const retried = keep(
      await fire(
        r,
        ids.flatMap((id) =>
          Array<SentRequest>(6).fill({
            client: 0,
            action: 'progress',
            id,
            path: `/recommendations/${id}/progress`,
            token: tokens.department[FIRST],
            body: { note: 'sent once, retried everywhere' },
            idempotencyKey: `both-${seed}-${id}`,
          }),
        ),
        urls,
        2,
      ),
    );
    log = readLog(dataDir);
    for (const id of ids) {
      const answers = retried.filter((a) => a.request.id === id);
      expect(answers.map((a) => a.status)).toEqual(Array<number>(6).fill(200));
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      expect(streamOf(log, id).filter((e) => e.metadata.idempotencyKey === `both-${seed}-${id}`)).toHaveLength(1);
    }

    // 4. Assign vs resolve vs return vs extend, spread over both processes.
    for (let round = 0; round < 6; round++) {
      const items = await Promise.all([0, 1, 2, 3].map((i) => assignedItem(urls[i % 2], tokens, FIRST, dueIn(30))));
      const bursts = items.map((id) =>
        roundCommands(r, id, tokens, { first: FIRST, other: OTHER, revision: 2, now: Date.now() }),
      );
      const answers = keep((await Promise.all(bursts.map((b) => fire(r, b, urls)))).flat());
      log = readLog(dataDir);
      for (const id of items)
        expect(streamOf(log, id)).toHaveLength(3 + answers.filter((a) => a.request.id === id && ok(a)).length);
    }
    expect(all.filter((a) => !ok(a) && !STATUS_ON_REFUSAL.includes(a.status))).toEqual([]);

    await full.kill();
    await apiOnly.kill();
    log = readLog(dataDir);
    expectValidLog(log, acks);
    const store = new SqliteEventStore({ file: eventsFile(dataDir) });
    try {
      const audit = await verifyLog(store, { publicKey: AuditSigner.fromConfig(undefined, dataDir).publicKey });
      expect(audit.failures.slice(0, 10)).toEqual([]);
      expect(audit.events).toBe(log.length);
    } finally {
      await store.close();
    }
    console.log(
      `[races: two processes] ${acks.length} acknowledged, ${log.length} events in the log, all replayed through decide`,
    );
  });
});
