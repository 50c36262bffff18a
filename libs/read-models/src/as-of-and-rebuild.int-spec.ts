import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStreamRepository, SqliteEventStore, type EventStore, type RecordedEvent } from '@app/event-store';
import {
  CURRENT_SCHEMA_VERSION,
  decide,
  decideWorkingSession,
  DomainError,
  evolve,
  initialState,
  recommendationStream,
  workingSessionStream,
  type Actor,
  type RecommendationCommand,
  type RecommendationState,
  type SessionRef,
} from '@app/recommendations';
import {
  anAttachment,
  command,
  committee,
  commune,
  department,
  explicitDue,
  secretariat,
  system,
} from '../../recommendations/src/testing/recommendation.builder';
import { ProjectionRunner } from './projection-runner';
import { itemsAsOf, listRecommendations } from './queries/list-recommendations';
import { overdueReport, summaryReport } from './queries/reports';
import { listSessions } from './queries/sessions';
import { openReadModelDb } from './read-model-db';
import { createProjections, rebuildReadModels } from './rebuild';
import { dumpReadModel } from './testing/dump-read-model';

/*
 * Reports of the past and rebuilds, with coordinating departments, contributions, mergers that move
 * parts and leads, explanations and sessions: for random histories decided by the domain and random
 * instants, the asOf summary and overdue reports (from the history and the times the coordination
 * and explanation rows carry) equal those of the log replayed up to that instant, for every scope;
 * and a rebuild in one pass writes every table exactly as the projections fed batch by batch did.
 * Replay a failure with FC_SEED=<seed> npx jest as-of-and-rebuild
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-01-05T02:00:00Z');
const DEPARTMENTS = ['home-affairs', 'finance', 'construction', 'justice'];
const COMMUNES = ['tam-thanh', 'luong-van-tri'];
const SESSION: SessionRef = {
  id: '5d1f6c3a-2b4e-4f8a-9c7d-1e2f3a4b5c6d',
  workingGroup: 1,
  date: '2026-01-05',
  communes: COMMUNES,
};
const READERS: Actor[] = [
  secretariat(),
  department('home-affairs'),
  department('finance'),
  department('justice'),
  commune('tam-thanh'),
];

type Step = { choice: number; department: string; pick: number; hours: number };
const step = fc.record({
  choice: fc.nat(99),
  department: fc.constantFrom(...DEPARTMENTS),
  pick: fc.nat(3),
  hours: fc.oneof(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 24, max: 24 * 8 })),
});
const items = fc.array(
  fc.record({
    commune: fc.constantFrom(...COMMUNES),
    inSession: fc.boolean(),
    at: fc.integer({ min: 0, max: 24 * 30 }),
    steps: fc.array(step, { maxLength: 14 }),
  }),
  { minLength: 1, maxLength: 8 },
);

const others = (lead: string, count: number) => DEPARTMENTS.filter((d) => d !== lead).slice(0, count);

/** What may be done in each state, weighted: a step picks one of those of the item's state. */
const NEXT: Record<string, Array<[string, number]>> = {
  raised: [
    ['accept', 9],
    ['decline', 1],
  ],
  accepted: [
    ['assign', 8],
    ['resolve', 1],
  ],
  assigned: [
    ['contribute', 5],
    ['requestExplanation', 3],
    ['giveExplanation', 3],
    ['transferLead', 1],
    ['transferPart', 2],
    ['return', 1],
    ['resolve', 3],
  ],
  resolved: [
    ['reopen', 2],
    ['giveExplanation', 2],
  ],
};

function kindOf(s: Step, status: string): string | null {
  const options = NEXT[status] ?? [];
  const total = options.reduce((n, [, w]) => n + w, 0);
  let at = s.choice % Math.max(total, 1);
  for (const [kind, weight] of options) {
    if (at < weight) return kind;
    at -= weight;
  }
  return null;
}

/** The command a step stands for in `state`, issued by someone allowed to; null when it stands for none. */
function commandFor(s: Step, state: RecommendationState, id: string, now: number): RecommendationCommand | null {
  const base = { recommendationId: id, now: new Date(now).toISOString() };
  const due = (days: number) => explicitDue(new Date(now + days * DAY).toISOString());
  const assigned = state.status === 'assigned' ? state.assignment : null;
  const lastLead = state.status === 'none' ? null : ((assigned ?? state.lastAssignment)?.department ?? null);
  const parts = assigned?.coordinating ?? [];
  const merger = { actor: system(), reason: 'merged', mergerId: `merge-${now}` };
  const coordinating = (lead: string) =>
    others(lead, s.pick % 3).map((department, i) => ({ department, due: i === 0 ? due(3) : null }));
  switch (kindOf(s, state.status)) {
    case 'accept':
      return command('AcceptRecommendation', base);
    case 'decline':
      return command('DeclineRecommendation', base);
    case 'assign':
      return command('AssignRecommendation', {
        ...base,
        department: s.department,
        due: due(6),
        coordinating: coordinating(s.department),
      });
    case 'contribute':
      return parts.length > 0
        ? command('MakeContribution', { ...base, actor: department(parts[s.pick % parts.length].department) })
        : null;
    case 'transferLead':
      return assigned
        ? command('TransferAssignment', { ...base, ...merger, fromDepartment: assigned.department, toDepartment: s.department })
        : null;
    case 'transferPart':
      return parts.length > 0
        ? command('TransferAssignment', {
            ...base,
            ...merger,
            fromDepartment: parts[s.pick % parts.length].department,
            toDepartment: s.department,
          })
        : null;
    case 'return':
      return assigned ? command('ReturnAssignment', { ...base, actor: department(assigned.department) }) : null;
    case 'resolve':
      return command('ResolveRecommendation', {
        ...base,
        actor: assigned ? department(assigned.department) : secretariat(),
        attachments: s.pick === 0 ? [anAttachment(`letter-${id}`)] : [],
      });
    case 'reopen':
      return command('ReopenRecommendation', {
        ...base,
        due: due(8),
        department: state.status === 'resolved' && state.resolution.department === null ? s.department : null,
        coordinating: coordinating(lastLead ?? s.department),
      });
    case 'requestExplanation':
      return command('RequestExplanation', { ...base, actor: committee(), due: due(s.pick + 1) });
    case 'giveExplanation':
      return command('GiveExplanation', {
        ...base,
        actor: department(lastLead ?? s.department),
        attachments: [anAttachment(`explanation-${id}`)],
      });
    default:
      return null;
  }
}

/** Appends `events` with the command's time as the log's time (what asOf reads). */
async function append(
  repo: EventStreamRepository,
  stream: string,
  events: ReadonlyArray<{ type: string; data: object }>,
  at: number,
) {
  const loaded = await repo.load(stream);
  await repo.append(stream, loaded, events, {
    actor: { sub: 'clerk', role: 'secretariat' },
    occurredAt: new Date(at).toISOString(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
  });
}

/** Lives each item through the domain, the clock moving on between commands; returns the last time used. */
async function live(store: EventStore, specs: Array<{ commune: string; inSession: boolean; at: number; steps: Step[] }>) {
  const repo = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  await append(
    repo,
    workingSessionStream(SESSION.id),
    decideWorkingSession(
      {
        type: 'RecordWorkingSession',
        sessionId: SESSION.id,
        actor: secretariat(),
        now: new Date(START).toISOString(),
        workingGroup: SESSION.workingGroup,
        date: SESSION.date,
        communes: SESSION.communes,
        place: null,
        leader: null,
        minutesRef: null,
      },
      { status: 'none' },
    ),
    START,
  );
  let last = START;
  for (const [i, spec] of specs.entries()) {
    const id = `item-${i}`;
    let now = START + spec.at * HOUR;
    const raise = command('RaiseRecommendation', {
      recommendationId: id,
      now: new Date(now).toISOString(),
      commune: spec.commune,
      session: spec.inSession ? SESSION : null,
      workingGroup: spec.inSession ? null : 2,
      sessionDate: null,
    });
    let state = initialState;
    const apply = async (next: RecommendationCommand, at: number) => {
      const events = decide(next, state);
      await append(repo, recommendationStream(id), events, at);
      state = events.reduce(evolve, state);
    };
    await apply(raise, now);
    for (const s of spec.steps) {
      now += s.hours * HOUR;
      const next = commandFor(s, state, id, now);
      if (!next) continue;
      try {
        await apply(next, now);
      } catch (error) {
        // A step the item's state does not allow is simply not part of its history.
        if (!(error instanceof DomainError)) throw error;
      }
    }
    last = Math.max(last, now);
  }
  return last;
}

/** The read models of the log replayed up to `asOf`, the slow and obvious way. */
async function replayUntil(store: EventStore, asOf: Date): Promise<Database.Database> {
  const db = openReadModelDb(':memory:');
  const projections = createProjections();
  for (const p of projections) p.prepare(db);
  const events: RecordedEvent[] = [];
  for (let after = 0n; ;) {
    const page = await store.readAll({ afterPosition: after, maxCount: 1000 });
    if (page.length === 0) break;
    events.push(...page.filter((e) => Date.parse(String(e.metadata.occurredAt)) <= asOf.getTime()));
    after = page[page.length - 1].position;
  }
  db.transaction(() => {
    for (const event of events) for (const p of projections) p.apply(event);
    for (const p of projections) p.endBatch?.();
  })();
  return db;
}

describe('reports of the past and rebuilds with coordinating departments, explanations and sessions', () => {
  it('asOf reports equal the log replayed up to random instants; a rebuild writes every table as the live projections did', async () => {
    await fc.assert(
      fc.asyncProperty(
        items,
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 3, maxLength: 5 }),
        async (specs, marks) => {
          const dir = mkdtempSync(join(tmpdir(), 'fut-practice-'));
          const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), synchronous: 'NORMAL', pollIntervalMs: 10 });
          const db = openReadModelDb(join(dir, 'live.sqlite'));
          try {
            const end = await live(store, specs);
            // Fed in small batches, as the service follows the log.
            await new ProjectionRunner(store, db, createProjections(), { batchSize: 3 }).catchUp();
            for (const mark of marks) {
              const asOf = new Date(START - HOUR + Math.round(((end - START + 2 * HOUR) * mark) / 1000));
              const replayed = await replayUntil(store, asOf);
              try {
                for (const actor of READERS) {
                  const period = { from: new Date(START + 3 * DAY), to: new Date(START + 20 * DAY) };
                  for (const p of [{}, period]) {
                    expect({ asOf, actor: actor.sub, p, summary: summaryReport(db, actor, p, asOf, itemsAsOf(asOf)) }).toEqual({
                      asOf,
                      actor: actor.sub,
                      p,
                      summary: summaryReport(replayed, actor, p, asOf),
                    });
                  }
                  const overdue = overdueReport(db, actor, 'department', asOf, { limit: 500 }, itemsAsOf(asOf));
                  expect({ asOf, actor: actor.sub, overdue }).toEqual({
                    asOf,
                    actor: actor.sub,
                    overdue: overdueReport(replayed, actor, 'department', asOf, { limit: 500 }),
                  });
                }
              } finally {
                replayed.close();
              }
            }
            const rebuilt = await rebuildReadModels(store, dir);
            const fresh = openReadModelDb(rebuilt.file, { readonly: true });
            try {
              expect(dumpReadModel(fresh)).toEqual(dumpReadModel(db));
              // And the live queries read the same from either.
              const now = new Date(end + DAY);
              for (const actor of READERS) {
                for (const involvement of ['lead', 'coordinating'] as const)
                  expect(listRecommendations(fresh, actor, { involvement, limit: 500 }, now)).toEqual(
                    listRecommendations(db, actor, { involvement, limit: 500 }, now),
                  );
                expect(listSessions(fresh, actor, {}, now)).toEqual(listSessions(db, actor, {}, now));
              }
            } finally {
              fresh.close();
            }
          } finally {
            db.close();
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);
});
