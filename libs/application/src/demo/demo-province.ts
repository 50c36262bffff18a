import { randomUUID } from 'node:crypto';
import type { Directory } from '@app/common';
import type { Actor } from '@app/recommendations';
import type { CommandInput, DeadlineInput } from '../command-input';
import type { RecommendationCommands } from '../recommendation-commands';
import type { WorkingSessions } from '../working-sessions';
import { DEMO_PATHS, DEMO_REQUESTS, type DemoPath } from './demo-scenarios';

const DAY = 86_400_000;
const secretariat: Actor = { sub: 'clerk-nguyen', name: 'Nguyễn Thị Lan (văn phòng)', role: 'secretariat' };
const committee: Actor = { sub: 'committee-hoang', name: 'Hoàng Văn Minh (thường trực)', role: 'committee' };
const officer = (department: string): Actor => ({
  sub: `officer-${department}`,
  name: `Cán bộ ${department}`,
  role: 'department',
  department,
});

/**
 * A realistic province written through the real commands (not by inserting rows), moving a clock
 * through the past six months command by command: sessions, decisions, assignments, progress,
 * extensions, returns, resolutions on time and late, reopenings. Returns how many items took each path.
 */
export async function seedDemoProvince(
  commands: RecommendationCommands,
  directory: Directory,
  options: { count: number; now: number; sessions?: WorkingSessions },
): Promise<Map<DemoPath, number>> {
  const { count, now } = options;
  const communes = directory.data.communes.filter((c) => c.workingGroup !== undefined);
  const sessionOf = options.sessions ? await recordSeedSessions(options.sessions, directory) : new Map<number, string>();
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
    const run = async (actor: Actor, input: CommandInput, stepDays: number) => {
      at += stepDays * DAY;
      return commands.execute({ ...input, recommendationId: id }, actor, {
        now: new Date(at),
        correlationId: `demo-${id}`,
      });
    };
    const explicit = (dueMs: number): DeadlineInput => ({ dueAt: new Date(dueMs).toISOString() });
    const working = (days: number): DeadlineInput => ({ dueInWorkingDays: days });

    await run(
      secretariat,
      {
        type: 'RaiseRecommendation',
        commune: commune.code,
        title: request.title,
        description: request.description,
        category: request.category,
        ...(commune.workingGroup !== undefined && sessionOf.has(commune.workingGroup)
          ? { workingGroup: null, sessionDate: null, sessionId: sessionOf.get(commune.workingGroup) }
          : { workingGroup: commune.workingGroup ?? null, sessionDate: new Date(session).toISOString().slice(0, 10) }),
      },
      0,
    );
    if (path === 'just-raised') continue;
    if (path === 'declined') {
      await run(
        secretariat,
        { type: 'DeclineRecommendation', reason: "Within the commune's own authority: the commune resolves it itself." },
        2,
      );
      continue;
    }
    await run(
      secretariat,
      { type: 'AcceptRecommendation', note: 'The working group will transfer it to the competent authority.' },
      2,
    );
    if (path === 'accepted-waiting') continue;
    if (path === 'answered-on-the-spot') {
      await run(
        secretariat,
        {
          type: 'ResolveRecommendation',
          resolution: 'Answered at the session by the department leaders in the working group.',
        },
        0,
      );
      continue;
    }
    const dept = request.department;
    const future = (days: number) => explicit(now + days * DAY);
    const firstDue = path === 'in-progress' || path === 'extended' ? future(20 + (i % 10)) : working(20);
    // Items in progress have a coordinating department (phối hợp) that gives its part by an earlier date.
    const coordinating =
      path === 'in-progress' ? [{ department: request.otherDepartment, dueAt: new Date(now + 10 * DAY).toISOString() }] : [];
    await run(
      secretariat,
      {
        type: 'AssignRecommendation',
        department: dept,
        due: firstDue,
        instructions: 'Report progress every two weeks.',
        coordinating,
      },
      3,
    );
    await run(officer(dept), { type: 'AcknowledgeAssignment' }, 1);
    if (path === 'returned-and-reassigned') {
      await run(
        officer(dept),
        { type: 'ReturnAssignment', reason: `Outside our competence: belongs to ${request.otherDepartment}.` },
        4,
      );
      const other = request.otherDepartment;
      await run(secretariat, { type: 'AssignRecommendation', department: other, due: working(15), instructions: null }, 2);
      await run(officer(other), { type: 'ReportProgress', note: 'Survey done; proposal drafted.' }, 6);
      await run(
        officer(other),
        { type: 'ResolveRecommendation', resolution: "Settled by decision of the Provincial People's Committee." },
        5,
      );
      continue;
    }
    await run(officer(dept), { type: 'ReportProgress', note: 'Draft plan sent to the commune for comments.' }, 7);
    if (path === 'in-progress') {
      if (i % 2 === 0)
        await run(
          officer(request.otherDepartment),
          { type: 'MakeContribution', note: 'Our part: figures and a draft opinion sent to the lead department.' },
          2,
        );
      continue;
    }
    if (path === 'overdue-now') {
      // The committee requires a written explanation (giải trình) of every other overdue item, due in five days.
      if (i % 2 === 0) {
        const yesterday = Math.max(0, Math.floor((now - DAY - at) / DAY));
        await run(
          committee,
          {
            type: 'RequestExplanation',
            reason: 'Overdue without an extension request: explain the delay in writing.',
            due: explicit(now + 5 * DAY),
          },
          yesterday,
        );
      }
      continue;
    }
    if (path === 'extended') {
      const requested = new Date(now + 45 * DAY).toISOString();
      await run(
        officer(dept),
        { type: 'RequestExtension', requestedDueAt: requested, reason: "Waiting for the ministry's guidance." },
        3,
      );
      await run(
        committee,
        { type: 'ExtendDeadline', due: explicit(now + 45 * DAY), reason: 'Agreed: the guidance is expected next month.' },
        2,
      );
      continue;
    }
    // resolved-on-time resolves 5 days after progress (well before 20 working days); late ones wait past the due date.
    const lateDays = path === 'resolved-late' ? 30 : 5;
    await run(
      officer(dept),
      { type: 'ResolveRecommendation', resolution: 'Written response sent: the request is settled.' },
      lateDays,
    );
    if (path === 'reopened') {
      await run(
        committee,
        {
          type: 'ReopenRecommendation',
          reason: 'The response gives no date for the work.',
          due: future(25),
          department: null,
        },
        3,
      );
    }
  }
  return tally;
}

/** 4 August 2025: the working groups of the Provincial Party Standing Committee met their communes (the seed articles). */
export const SEED_SESSION_DATE = '2025-08-04';

/**
 * The sessions of 4 August 2025, one per working group of the directory with its communes and
 * leader; recorded with ids derived from the group, so seeding again finds the same sessions.
 */
export async function recordSeedSessions(sessions: WorkingSessions, directory: Directory): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  for (const group of directory.data.workingGroups) {
    const communes = directory.data.communes.filter((c) => c.workingGroup === group.number).map((c) => c.code);
    if (communes.length === 0) continue;
    const { id } = await sessions.record(
      {
        workingGroup: group.number,
        date: SEED_SESSION_DATE,
        communes,
        place: null,
        leader: group.leader,
        minutesRef: null,
      },
      secretariat,
      { idSeed: `demo-session-${SEED_SESSION_DATE}-${group.number}`, now: new Date(`${SEED_SESSION_DATE}T10:00:00Z`) },
    );
    ids.set(group.number, id);
  }
  return ids;
}
