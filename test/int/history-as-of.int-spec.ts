import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplication, type CommandInput } from '@app/application';
import { replayUntil } from '../../libs/audit/src/testing/replay-until';
import { Directory, ManualClock, provinceCalendar } from '@app/common';
import {
  activeReadModelFile,
  createProjections,
  itemsAsOf,
  openReadModelDb,
  overdueReport,
  ProjectionRunner,
  rebuildReadModels,
  summaryReport,
} from '@app/read-models';
import type { Actor } from '@app/recommendations';
import { dumpReadModel } from '../../libs/read-models/src/testing/dump-read-model';
import { commune, department, secretariat } from '../../libs/recommendations/src/testing/recommendation.builder';
import { tempSqliteStore } from '../support/temp-sqlite-store';

/*
 * ACCEPTANCE (time travel without replay): for random histories and random instants, the asOf
 * reports read from the history the projection keeps equal the reports of the log replayed up to
 * that instant — for every role's scope — and a rebuild writes the same history rows.
 * Replay a failure with FC_SEED=<seed> npx jest history-as-of.
 */

const HOUR = 3_600_000;
const START = Date.parse('2026-01-05T02:00:00Z');
const DEPARTMENTS = ['home-affairs', 'finance', 'construction'];
const COMMUNES = ['tam-thanh', 'luong-van-tri'];
const READERS: Actor[] = [secretariat(), department('home-affairs'), department('finance'), commune('tam-thanh')];
const officer = (code: string): Actor => department(code);

type Step = { kind: string; department: string; hours: number };
const step = fc.record({
  kind: fc.constantFrom('accept', 'decline', 'assign', 'ack', 'progress', 'extend', 'return', 'resolve', 'reopen'),
  department: fc.constantFrom(...DEPARTMENTS),
  hours: fc.integer({ min: 1, max: 24 * 20 }),
});
const history = fc.array(
  fc.record({
    commune: fc.constantFrom(...COMMUNES),
    at: fc.integer({ min: 0, max: 24 * 60 }),
    steps: fc.array(step, { maxLength: 7 }),
  }),
  { minLength: 1, maxLength: 10 },
);

describe('asOf reports from history', () => {
  it('equal the log replayed up to random instants, for every scope; a rebuild gives the same history', async () => {
    await fc.assert(
      fc.asyncProperty(
        history,
        fc.array(fc.integer({ min: -24, max: 24 * 180 }), { minLength: 4, maxLength: 6 }),
        async (items, hours) => {
          const { store, cleanup } = await tempSqliteStore();
          const dataDir = mkdtempSync(join(tmpdir(), 'fut-history-'));
          const clock = new ManualClock(new Date(START));
          const app = createApplication(store, { directory: Directory.load(), calendar: provinceCalendar(), clock });
          try {
            for (const item of items) await live(app.commands, clock, item);
            const db = openReadModelDb(activeReadModelFile(dataDir));
            try {
              await new ProjectionRunner(store, db, createProjections()).catchUp();
              for (const h of hours) {
                const asOf = new Date(START + h * HOUR);
                const replayed = await replayUntil(store, asOf);
                try {
                  for (const actor of READERS) {
                    const summary = summaryReport(db, actor, {}, asOf, itemsAsOf(asOf));
                    expect({ asOf, actor: actor.sub, summary }).toEqual({
                      asOf,
                      actor: actor.sub,
                      summary: summaryReport(replayed, actor, {}, asOf),
                    });
                    for (const groupBy of ['department', 'commune'] as const) {
                      const overdue = overdueReport(db, actor, groupBy, asOf, { limit: 500 }, itemsAsOf(asOf));
                      expect({ asOf, actor: actor.sub, overdue }).toEqual({
                        asOf,
                        actor: actor.sub,
                        overdue: overdueReport(replayed, actor, groupBy, asOf, { limit: 500 }),
                      });
                    }
                  }
                } finally {
                  replayed.close();
                }
              }
              const rebuilt = await rebuildReadModels(store, dataDir);
              const fresh = openReadModelDb(rebuilt.file, { readonly: true });
              try {
                expect(dumpReadModel(fresh).recommendation_history).toEqual(dumpReadModel(db).recommendation_history);
              } finally {
                fresh.close();
              }
            } finally {
              db.close();
            }
          } finally {
            await cleanup();
            rmSync(dataDir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});

/** One item's life through the application layer, the clock moving forward between commands. */
async function live(
  commands: ReturnType<typeof createApplication>['commands'],
  clock: ManualClock,
  item: { commune: string; at: number; steps: Step[] },
): Promise<void> {
  clock.set(new Date(Math.max(clock.now().getTime(), START + item.at * HOUR)));
  const raise: CommandInput = {
    type: 'RaiseRecommendation',
    commune: item.commune,
    title: 'Repair the ward road',
    description: 'Potholes after the rains.',
    category: 'headquarters',
    workingGroup: 1,
    sessionDate: null,
  };
  const { id } = await commands.execute(raise, secretariat());
  let holder: string | null = null;
  for (const s of item.steps) {
    clock.set(new Date(clock.now().getTime() + s.hours * HOUR));
    const due = { dueAt: new Date(clock.now().getTime() + 10 * 24 * HOUR).toISOString() };
    const inputs: Record<string, [CommandInput, Actor]> = {
      accept: [{ type: 'AcceptRecommendation', recommendationId: id, note: null }, secretariat()],
      decline: [{ type: 'DeclineRecommendation', recommendationId: id, reason: 'Out of scope' }, secretariat()],
      assign: [
        { type: 'AssignRecommendation', recommendationId: id, department: s.department, due, instructions: null },
        secretariat(),
      ],
      ack: [{ type: 'AcknowledgeAssignment', recommendationId: id }, officer(holder ?? s.department)],
      progress: [{ type: 'ReportProgress', recommendationId: id, note: 'Survey done' }, officer(holder ?? s.department)],
      extend: [
        {
          type: 'ExtendDeadline',
          recommendationId: id,
          due: { dueAt: new Date(clock.now().getTime() + 30 * 24 * HOUR).toISOString() },
          reason: 'Waiting',
        },
        secretariat(),
      ],
      return: [{ type: 'ReturnAssignment', recommendationId: id, reason: 'Not ours' }, officer(holder ?? s.department)],
      resolve: [
        { type: 'ResolveRecommendation', recommendationId: id, resolution: 'Done' },
        holder ? officer(holder) : secretariat(),
      ],
      reopen: [
        { type: 'ReopenRecommendation', recommendationId: id, reason: 'Not done', due, department: holder ? null : s.department },
        secretariat(),
      ],
    };
    const [input, actor] = inputs[s.kind];
    try {
      await commands.execute(input, actor);
      if (input.type === 'AssignRecommendation') holder = input.department;
      if (input.type === 'ReopenRecommendation' && input.department) holder = input.department;
      if (input.type === 'ReturnAssignment') holder = null;
    } catch {
      // A step the item's state does not allow is simply not part of its history.
    }
  }
}
