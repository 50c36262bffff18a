import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { createLogger, Directory, ensureJwtSecret, loadConfig, ManualClock } from '@app/common';
import type { Actor, Due, RecommendationCommand } from '@app/recommendations';
import { AppModule } from '../../server/src/app.module';
import { AcceptRecommendationCommand } from '../../api/src/recommendations/accept-recommendation/accept-recommendation.command';
import { AcknowledgeAssignmentCommand } from '../../api/src/recommendations/acknowledge-assignment/acknowledge-assignment.command';
import { AssignRecommendationCommand } from '../../api/src/recommendations/assign-recommendation/assign-recommendation.command';
import { DeadlineService } from '../../api/src/recommendations/deadline.service';
import { DeclineRecommendationCommand } from '../../api/src/recommendations/decline-recommendation/decline-recommendation.command';
import { ExtendDeadlineCommand } from '../../api/src/recommendations/extend-deadline/extend-deadline.command';
import { RaiseRecommendationCommand } from '../../api/src/recommendations/raise-recommendation/raise-recommendation.command';
import type { CommandResult, RecommendationCommandMessage } from '../../api/src/recommendations/recommendation-command';
import { ReopenRecommendationCommand } from '../../api/src/recommendations/reopen-recommendation/reopen-recommendation.command';
import { ReportProgressCommand } from '../../api/src/recommendations/report-progress/report-progress.command';
import { RequestExtensionCommand } from '../../api/src/recommendations/request-extension/request-extension.command';
import { ResolveRecommendationCommand } from '../../api/src/recommendations/resolve-recommendation/resolve-recommendation.command';
import { ReturnAssignmentCommand } from '../../api/src/recommendations/return-assignment/return-assignment.command';
import { DEMO_PATHS, DEMO_REQUESTS, type DemoPath } from './demo-scenarios';

const DAY = 86_400_000;
const secretariat: Actor = { sub: 'clerk-nguyen', name: 'Nguyen Thi Lan (secretariat)', role: 'secretariat' };
const committee: Actor = { sub: 'committee-hoang', name: 'Hoang Van Minh (standing committee)', role: 'committee' };
const officer = (department: string): Actor => ({
  sub: `officer-${department}`,
  name: `Officer of ${department}`,
  role: 'department',
  department,
});

type Message = new (command: never, context: never) => RecommendationCommandMessage;

/**
 * `npm run cli -- seed-demo [--count 52]`: writes a realistic province through the real command
 * handlers (not by inserting rows), moving a clock through the past months command by command.
 */
export async function seedDemoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { count: { type: 'string', default: '52' } } });
  const count = Math.max(40, Number(values.count));
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  ensureJwtSecret(config);
  const now = Date.now();
  const clock = new ManualClock(new Date(now));
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ roles: ['api'], config, clock, logger: createLogger(config.LOG_LEVEL) }),
    { logger: false },
  );
  try {
    const bus = app.get(CommandBus);
    const deadlines = app.get(DeadlineService);
    const directory = app.get(Directory);
    const communes = directory.data.communes.filter((c) => c.workingGroup !== undefined);
    const tally = new Map<DemoPath, number>();
    for (let i = 0; i < count; i++) {
      const commune = communes[(i * 7) % communes.length];
      const request = DEMO_REQUESTS[i % DEMO_REQUESTS.length];
      const path = DEMO_PATHS[i % DEMO_PATHS.length];
      tally.set(path, (tally.get(path) ?? 0) + 1);
      // Sessions spread over the past six months; each path keeps every step in the past.
      const session = now - (180 - i * 2) * DAY;
      const id = randomUUID();
      let at = session;
      const run = async (Kind: Message, actor: Actor, fields: Record<string, unknown>, stepDays: number) => {
        at += stepDays * DAY;
        clock.set(new Date(at));
        const base = { recommendationId: id, actor, now: new Date(at).toISOString() };
        const context = { actor, now: new Date(at), correlationId: `demo-${id}`, requestId: randomUUID(), ifMatch: null };
        const message = new Kind({ ...base, ...fields } as never, context as never);
        return bus.execute<RecommendationCommandMessage, CommandResult>(message);
      };
      const explicit = (dueMs: number): Due => ({ dueAt: new Date(dueMs).toISOString(), basis: { method: 'explicit' } });
      const working = (days: number): Due => deadlines.due({ dueInWorkingDays: days }, new Date(at));
      const type = (name: RecommendationCommand['type']) => ({ type: name });

      await run(
        RaiseRecommendationCommand,
        secretariat,
        {
          ...type('RaiseRecommendation'),
          commune: commune.code,
          title: request.title,
          description: request.description,
          category: request.category,
          workingGroup: commune.workingGroup ?? null,
          sessionDate: new Date(session).toISOString().slice(0, 10),
        },
        0,
      );
      if (path === 'just-raised') continue;
      if (path === 'declined') {
        await run(
          DeclineRecommendationCommand,
          secretariat,
          { ...type('DeclineRecommendation'), reason: "Within the commune's own authority: the commune resolves it itself." },
          2,
        );
        continue;
      }
      await run(
        AcceptRecommendationCommand,
        secretariat,
        { ...type('AcceptRecommendation'), note: 'The working group will transfer it to the competent authority.' },
        2,
      );
      if (path === 'accepted-waiting') continue;
      if (path === 'answered-on-the-spot') {
        await run(
          ResolveRecommendationCommand,
          secretariat,
          {
            ...type('ResolveRecommendation'),
            resolution: 'Answered at the session by the department leaders in the working group.',
          },
          0,
        );
        continue;
      }
      const dept = request.department;
      const future = (days: number) => explicit(now + days * DAY);
      const firstDue = path === 'in-progress' || path === 'extended' ? future(20 + (i % 10)) : working(20);
      await run(
        AssignRecommendationCommand,
        secretariat,
        { ...type('AssignRecommendation'), department: dept, due: firstDue, instructions: 'Report progress every two weeks.' },
        3,
      );
      await run(AcknowledgeAssignmentCommand, officer(dept), type('AcknowledgeAssignment'), 1);
      if (path === 'returned-and-reassigned') {
        await run(
          ReturnAssignmentCommand,
          officer(dept),
          { ...type('ReturnAssignment'), reason: `Outside our competence: belongs to ${request.otherDepartment}.` },
          4,
        );
        const other = request.otherDepartment;
        await run(
          AssignRecommendationCommand,
          secretariat,
          { ...type('AssignRecommendation'), department: other, due: working(15), instructions: null },
          2,
        );
        await run(
          ReportProgressCommand,
          officer(other),
          { ...type('ReportProgress'), note: 'Survey done; proposal drafted.' },
          6,
        );
        await run(
          ResolveRecommendationCommand,
          officer(other),
          { ...type('ResolveRecommendation'), resolution: "Settled by decision of the Provincial People's Committee." },
          5,
        );
        continue;
      }
      await run(
        ReportProgressCommand,
        officer(dept),
        { ...type('ReportProgress'), note: 'Draft plan sent to the commune for comments.' },
        7,
      );
      if (path === 'overdue-now' || path === 'in-progress') continue;
      if (path === 'extended') {
        const requested = new Date(now + 45 * DAY).toISOString();
        await run(
          RequestExtensionCommand,
          officer(dept),
          { ...type('RequestExtension'), requestedDueAt: requested, reason: "Waiting for the ministry's guidance." },
          3,
        );
        await run(
          ExtendDeadlineCommand,
          committee,
          { ...type('ExtendDeadline'), due: explicit(now + 45 * DAY), reason: 'Agreed: the guidance is expected next month.' },
          2,
        );
        continue;
      }
      // resolved-on-time resolves 5 days after progress (well before 20 working days); late ones wait past the due date.
      const lateDays = path === 'resolved-late' ? 30 : 5;
      await run(
        ResolveRecommendationCommand,
        officer(dept),
        { ...type('ResolveRecommendation'), resolution: 'Written response sent: the request is settled.' },
        lateDays,
      );
      if (path === 'reopened') {
        await run(
          ReopenRecommendationCommand,
          committee,
          {
            ...type('ReopenRecommendation'),
            reason: 'The response gives no date for the work.',
            due: future(25),
            department: null,
          },
          3,
        );
      }
    }
    const summary = [...tally.entries()].map(([path, n]) => `${path}: ${n}`).join(', ');
    process.stdout.write(`seeded ${count} recommendations through the command handlers (${summary})\n`);
  } finally {
    await app.close();
  }
}
