import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { ManualClock, type AppConfig } from '@app/common';
import type { RecordedEvent } from '@app/event-store';
import { fold, recommendationStream, type RecommendationEvent } from '@app/recommendations';
import type { RecommendationStream } from '@app/application';
import {
  aRecommendation,
  COORDINATION_DUE_AT,
  DAY,
  DUE_AT,
  plus,
} from '../../../../libs/recommendations/src/testing/recommendation.builder';
import { DeadlineJobs } from './deadline-jobs';
import { coordinationHistory, ReminderScheduler } from './reminder-scheduler';

const ID = 'rec-1';
const LEADS = '3d,1d';

/** A deadlines queue that only notes which job ids were added and removed. */
class NotedQueue {
  added: string[] = [];
  removed: string[] = [];
  add(_name: string, data: { dueAt: string }, options: { jobId: string }) {
    this.added.push(options.jobId);
    return Promise.resolve({ data });
  }
  remove(id: string) {
    this.removed.push(id);
    return Promise.resolve(1);
  }
  clear() {
    this.added = [];
    this.removed = [];
  }
}

/** The scheduler over an item's history: each test hands it the history's events one by one, as the subscription would. */
describe('ReminderScheduler decisions on coordination and explanation events', () => {
  let dataDir: string;
  let queue: NotedQueue;
  let history: RecommendationEvent[];
  let scheduler: ReminderScheduler;

  const recorded = (events: RecommendationEvent[]): RecordedEvent[] =>
    events.map((e, i) => ({
      id: `evt-${i}`,
      stream: recommendationStream(ID),
      type: e.type,
      data: e.data as never,
      metadata: { schemaVersion: 3 },
      revision: BigInt(i),
      position: BigInt(i + 1),
      recordedAt: new Date(),
    }));

  /** Hands the scheduler every event of `events` not handed yet. */
  async function follow(events: RecommendationEvent[]): Promise<void> {
    const from = history.length;
    history = events;
    const handle = (scheduler as unknown as { handle(r: RecordedEvent): Promise<void> }).handle.bind(scheduler);
    for (const event of recorded(events).slice(from)) await handle(event);
  }

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fut-scheduler-'));
    queue = new NotedQueue();
    history = [];
    const config = { REMINDER_LEADS: LEADS, ESCALATION_EVERY: '7d', DATA_DIR: dataDir } as AppConfig;
    const jobs = new DeadlineJobs(queue as unknown as Queue, config, new ManualClock(new Date('2025-08-01T00:00:00Z')));
    const streams = {
      load: () => Promise.resolve({ events: recorded(history), state: fold(history) }),
    } as unknown as RecommendationStream;
    scheduler = new ReminderScheduler(null as never, jobs, streams, config, null as never);
  });

  afterEach(() => {
    (scheduler as unknown as { state: { close(): void } }).state.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const assigned = () => aRecommendation(ID).accepted().assignedTo('home-affairs', { dueAt: DUE_AT });

  it("plans each coordinating department's reminders and first escalation on its own due date, next to the lead's", async () => {
    await follow(assigned().coordinatedBy(['finance', 'health']).build());
    expect(queue.added).toEqual([
      `reminder-${ID}-1-3d`,
      `reminder-${ID}-1-1d`,
      `escalation-${ID}-1-1`,
      `coordination-reminder-${ID}-1-finance-3d`,
      `coordination-reminder-${ID}-1-finance-1d`,
      `coordination-escalation-${ID}-1-finance-1`,
      `coordination-reminder-${ID}-1-health-3d`,
      `coordination-reminder-${ID}-1-health-1d`,
      `coordination-escalation-${ID}-1-health-1`,
    ]);
  });

  it('a contribution removes the jobs of that department only, up to the escalation after the highest reached', async () => {
    const builder = assigned().coordinatedBy(['finance', 'health']);
    await follow(builder.build());
    queue.clear();
    const escalated: RecommendationEvent = {
      type: 'CoordinationEscalated',
      data: {
        assignmentNo: 1,
        department: 'finance',
        level: 1,
        dueAt: COORDINATION_DUE_AT,
        daysOverdue: 0,
        channels: [],
        escalatedAt: COORDINATION_DUE_AT,
      },
    };
    await follow([
      ...builder.build(),
      escalated,
      ...builder
        .contributed('finance', { at: plus(COORDINATION_DUE_AT, DAY) })
        .build()
        .slice(-1),
    ]);
    expect(queue.added).toEqual([]);
    expect(queue.removed.sort()).toEqual(
      [
        `coordination-reminder-${ID}-1-finance-3d`,
        `coordination-reminder-${ID}-1-finance-1d`,
        `coordination-escalation-${ID}-1-finance-1`,
        `coordination-escalation-${ID}-1-finance-2`,
      ].sort(),
    );
  });

  it('a returned or resolved assignment removes the lead’s jobs and those of every department that coordinated it', async () => {
    for (const end of ['returned', 'resolved'] as const) {
      history = [];
      queue.clear();
      const builder = assigned().coordinatedBy(['finance', 'health']);
      await follow(builder.build());
      queue.clear();
      await follow((end === 'returned' ? builder.returned() : builder.resolved()).build());
      expect(queue.removed.filter((id) => id.startsWith('coordination-')).sort()).toEqual(
        [
          `coordination-reminder-${ID}-1-finance-3d`,
          `coordination-reminder-${ID}-1-finance-1d`,
          `coordination-escalation-${ID}-1-finance-1`,
          `coordination-reminder-${ID}-1-health-3d`,
          `coordination-reminder-${ID}-1-health-1d`,
          `coordination-escalation-${ID}-1-health-1`,
        ].sort(),
      );
      expect(queue.removed).toContain(`escalation-${ID}-1-1`);
    }
  });

  it('a part moved by a merger is re-planned for the new department: only what was not sent yet, escalations after the level reached', async () => {
    const builder = assigned().coordinatedBy(['finance']);
    const reminded = (lead: string): RecommendationEvent => ({
      type: 'CoordinationReminderSent',
      data: {
        assignmentNo: 1,
        department: 'finance',
        lead,
        dueAt: COORDINATION_DUE_AT,
        channels: [],
        sentAt: COORDINATION_DUE_AT,
      },
    });
    const escalated: RecommendationEvent = {
      type: 'CoordinationEscalated',
      data: {
        assignmentNo: 1,
        department: 'finance',
        level: 1,
        dueAt: COORDINATION_DUE_AT,
        daysOverdue: 0,
        channels: [],
        escalatedAt: COORDINATION_DUE_AT,
      },
    };
    const moved: RecommendationEvent = {
      type: 'CoordinationTransferred',
      data: {
        assignmentNo: 1,
        fromDepartment: 'finance',
        department: 'planning-investment',
        reason: 'Merged',
        mergerId: 'merger-1',
        transferredAt: plus(COORDINATION_DUE_AT, DAY),
      },
    };
    // Before its due date, with one reminder sent: the other reminder and the first escalation are left.
    await follow([...builder.build(), reminded('3d')]);
    queue.clear();
    await follow([...builder.build(), reminded('3d'), moved]);
    expect(queue.removed).toEqual(
      expect.arrayContaining([`coordination-reminder-${ID}-1-finance-1d`, `coordination-escalation-${ID}-1-finance-1`]),
    );
    expect(queue.added).toEqual([
      `coordination-reminder-${ID}-1-planning-investment-1d`,
      `coordination-escalation-${ID}-1-planning-investment-1`,
    ]);

    // After both reminders and the first escalation: only the second escalation is left.
    history = [];
    await follow([...builder.build(), reminded('3d'), reminded('1d'), escalated]);
    queue.clear();
    await follow([...builder.build(), reminded('3d'), reminded('1d'), escalated, moved]);
    expect(queue.removed).toEqual(expect.arrayContaining([`coordination-escalation-${ID}-1-finance-2`]));
    expect(queue.added).toEqual([`coordination-escalation-${ID}-1-planning-investment-2`]);
  });

  it('a lead moved into a coordinating department takes its part over: that part’s jobs are removed', async () => {
    const builder = assigned().coordinatedBy(['finance', 'health']);
    await follow(builder.build());
    queue.clear();
    await follow(builder.transferred('finance').build());
    expect(queue.removed.sort()).toEqual(
      [
        `coordination-reminder-${ID}-1-finance-3d`,
        `coordination-reminder-${ID}-1-finance-1d`,
        `coordination-escalation-${ID}-1-finance-1`,
      ].sort(),
    );
    expect(queue.added).toEqual([]);
  });

  it('an explanation requested plans its reminders (no escalation); once given, they are removed', async () => {
    const requestedAt = plus(DUE_AT, DAY);
    const builder = assigned().explanationRequested({ at: requestedAt, dueAt: plus(requestedAt, 7 * DAY) });
    await follow(builder.build());
    expect(queue.added.filter((id) => id.startsWith('explanation-'))).toEqual([
      `explanation-reminder-${ID}-1-3d`,
      `explanation-reminder-${ID}-1-1d`,
    ]);
    queue.clear();
    await follow(builder.explained('home-affairs').build());
    expect(queue.removed).toEqual([`explanation-reminder-${ID}-1-3d`, `explanation-reminder-${ID}-1-1d`]);
    expect(queue.added).toEqual([]);
  });
});

describe('coordinationHistory', () => {
  it('names every department that coordinated an assignment, moved in ones included, and the highest escalation reached', () => {
    const events: RecommendationEvent[] = [
      ...aRecommendation(ID).accepted().assignedTo('home-affairs').coordinatedBy(['finance', 'health']).build(),
      {
        type: 'CoordinationEscalated',
        data: {
          assignmentNo: 1,
          department: 'health',
          level: 3,
          dueAt: DUE_AT,
          daysOverdue: 14,
          channels: [],
          escalatedAt: DUE_AT,
        },
      },
      {
        type: 'CoordinationTransferred',
        data: {
          assignmentNo: 1,
          fromDepartment: 'health',
          department: 'culture',
          reason: 'Merged',
          mergerId: 'm',
          transferredAt: DUE_AT,
        },
      },
    ];
    expect(coordinationHistory(events, 1)).toEqual({ parts: ['finance', 'health', 'culture'], highestLevel: 3 });
    expect(coordinationHistory(events, 2)).toEqual({ parts: [], highestLevel: 0 });
  });
});
