import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStreamRepository, SqliteEventStore, type RecordedEvent } from '@app/event-store';
import { CURRENT_SCHEMA_VERSION, recommendationStream, type RecommendationEvent } from '@app/recommendations';
import {
  COORDINATION_DUE_AT,
  DAY,
  DUE_AT,
  HOUR,
  LATER_DUE_AT,
  LETTER,
  SESSION_AT,
  aRecommendation,
  anAttachment,
  commune,
  plus,
} from '../../../recommendations/src/testing/recommendation.builder';
import { ProjectionRunner } from '../projection-runner';
import { openReadModelDb } from '../read-model-db';
import type { Projection } from './projection';
import type { RecommendationRow } from '../queries/list-recommendations';
import { RecommendationsProjection } from './recommendations.projection';
import { dumpReadModel } from '../testing/dump-read-model';

const HOME_AFFAIRS = 'home-affairs';
const FINANCE = 'finance';
const CONSTRUCTION = 'construction';
const SCIENCE = 'science-technology';
const SESSION_ID = '6f1c2a9e-3b1d-4c1e-9a57-0d2f3c4b5a61';
/** What read-model-db.ts stores in due_ms while an item has no due date (it sorts last by the index). */
const NO_DUE_MS = Number.MAX_SAFE_INTEGER;

/** A row as stored: what the queries read, plus the projection's own bookkeeping. */
type Row = RecommendationRow & {
  last_position: number;
  due_set_at: string | null;
  reminders_sent: string;
  escalation_level: number;
};

const notificationFailed = (channel: string): RecommendationEvent => ({
  type: 'NotificationFailed',
  data: {
    assignmentNo: 1,
    department: HOME_AFFAIRS,
    channel,
    notice: 'reminder 3d',
    error: 'SMTP 421',
    failedAt: '2025-09-27T10:00:00.000Z',
  },
});

/** A real event store file and a real read-model file in a temp dir, fed through the real runner. */
class Harness {
  readonly store: SqliteEventStore;
  readonly db: Database.Database;
  readonly repo: EventStreamRepository;
  runner: ProjectionRunner;

  constructor(readonly dir: string) {
    this.store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), synchronous: 'NORMAL', pollIntervalMs: 10 });
    this.db = openReadModelDb(join(dir, 'read-models.sqlite'));
    this.repo = new EventStreamRepository(this.store, CURRENT_SCHEMA_VERSION);
    this.runner = this.newRunner();
  }

  newRunner(projections: Projection[] = [new RecommendationsProjection()], batchSize = 500): ProjectionRunner {
    return new ProjectionRunner(this.store, this.db, projections, { batchSize });
  }

  /**
   * Appends each event on its own (one command each), hash-chained, and returns their positions.
   * `causationId` and `repo` stand in for what caused them and for the schema version they are stored with.
   */
  async record(
    stream: string,
    events: ReadonlyArray<{ type: string; data: object }>,
    options: { causationId?: string; repo?: EventStreamRepository } = {},
  ): Promise<bigint[]> {
    const repo = options.repo ?? this.repo;
    const positions: bigint[] = [];
    for (const event of events) {
      const loaded = await repo.load(stream);
      const result = await repo.append(stream, loaded, [event], {
        actor: { sub: 'secretariat-clerk', role: 'secretariat' },
        occurredAt: new Date().toISOString(),
        correlationId: randomUUID(),
        causationId: options.causationId ?? randomUUID(),
      });
      positions.push(result.position);
    }
    return positions;
  }

  /** The id the store gave the event at `position`. */
  async idAt(position: bigint): Promise<string> {
    const [event] = await this.store.readAll({ fromPosition: position, maxCount: 1 });
    return event.id;
  }

  pending(): unknown[] {
    return this.db.prepare('SELECT * FROM pending_deliveries ORDER BY notice_id, channel').all();
  }

  /** Appends the events of a recommendation's history not yet stored, then projects them. */
  async project(id: string, history: RecommendationEvent[]): Promise<bigint[]> {
    const stream = recommendationStream(id);
    const stored = (await this.repo.load(stream)).events.length;
    const positions = await this.record(stream, history.slice(stored));
    await this.runner.catchUp();
    return positions;
  }

  row(id: string): Row | undefined {
    return this.db.prepare('SELECT * FROM recommendations WHERE id = ?').get(id) as Row | undefined;
  }

  held(id: string): string[] {
    return (
      this.db.prepare('SELECT department FROM recommendation_departments WHERE id = ? ORDER BY department').all(id) as Array<{
        department: string;
      }>
    ).map((r) => r.department);
  }

  /** Departments that held the item, with how: `department:involvement`. */
  involvements(id: string): string[] {
    return (
      this.db
        .prepare('SELECT department, involvement FROM recommendation_departments WHERE id = ? ORDER BY department, involvement')
        .all(id) as Array<{ department: string; involvement: string }>
    ).map((r) => `${r.department}:${r.involvement}`);
  }

  parts(id: string): Part[] {
    return this.db
      .prepare('SELECT * FROM coordination WHERE id = ? ORDER BY assignment_no, started_at, department')
      .all(id) as Part[];
  }

  explanations(id: string): unknown[] {
    return this.db.prepare('SELECT * FROM explanations WHERE id = ? ORDER BY explanation_no').all(id);
  }

  cited(id: string): string[] {
    return (
      this.db.prepare('SELECT attachment_id FROM attachment_refs WHERE id = ? ORDER BY attachment_id').all(id) as Array<{
        attachment_id: string;
      }>
    ).map((r) => r.attachment_id);
  }

  resolutions(id: string): unknown[] {
    return this.db.prepare('SELECT * FROM resolutions WHERE id = ? ORDER BY position').all(id);
  }

  fts(id: string): unknown[] {
    return this.db.prepare('SELECT id, title, description FROM recommendations_fts WHERE id = ?').all(id);
  }

  checkpoint(): number | undefined {
    return (
      this.db.prepare("SELECT position FROM projection_checkpoints WHERE name = 'recommendations'").get() as
        { position: number } | undefined
    )?.position;
  }

  async close(): Promise<void> {
    await this.runner.stop();
    this.db.close();
    await this.store.close();
  }
}

/** A coordinating department's part as stored. */
interface Part {
  id: string;
  assignment_no: number;
  department: string;
  due_at: string;
  due_ms: number;
  due_set_at: string;
  started_at: string;
  contributed_at: string | null;
  reminders_sent: string;
  escalation_level: number;
  ended_at: string | null;
  end_reason: string | null;
}

/** A projection that delegates to the real one but throws when applying its `failOn`-th event. */
class FailingProjection implements Projection {
  readonly name: string;
  readonly version: number;
  private applied = 0;

  constructor(
    private readonly inner: Projection,
    private readonly failOn: number,
  ) {
    this.name = inner.name;
    this.version = inner.version;
  }

  prepare(db: Database.Database): void {
    this.inner.prepare(db);
  }

  apply(event: RecordedEvent): void {
    this.applied += 1;
    if (this.applied === this.failOn) throw new Error(`apply failed on event ${event.position}`);
    this.inner.apply(event);
  }

  endBatch(): void {
    this.inner.endBatch?.();
  }
}

describe('RecommendationsProjection on real SQLite files, fed by the ProjectionRunner', () => {
  let dir: string;
  let h: Harness;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fut-projection-'));
    h = new Harness(dir);
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the effect of each event', () => {
    it('RecommendationRaised inserts the row, indexes title and description, holds no department', async () => {
      const history = aRecommendation('rec-1')
        .raisedBy(commune('tam-thanh'), { category: 'staffing', title: 'Second IT staff to the commune' })
        .build();
      const [position] = await h.project('rec-1', history);
      expect(h.row('rec-1')).toEqual({
        id: 'rec-1',
        status: 'raised',
        commune: 'tam-thanh',
        working_group: 1,
        session_date: '2025-08-04',
        category: 'staffing',
        title: 'Second IT staff to the commune',
        raised_at: SESSION_AT,
        raised_by: 'tam-thanh-clerk',
        session_id: null,
        department: null,
        assignment_no: null,
        assigned_at: null,
        due_at: null,
        due_ms: NO_DUE_MS,
        due_set_at: null,
        reminders_sent: '',
        escalation_level: 0,
        acknowledged_at: null,
        resolved_at: null,
        on_time: null,
        revision: 0,
        last_position: Number(position),
      });
      expect(h.fts('rec-1')).toEqual([
        {
          id: 'rec-1',
          title: 'Second IT staff to the commune',
          description: 'The ward works from headquarters scattered over several locations.',
        },
      ]);
      expect(h.held('rec-1')).toEqual([]);
      expect(h.resolutions('rec-1')).toEqual([]);
      expect(h.checkpoint()).toBe(Number(position));
    });

    it('RecommendationAccepted moves the status to accepted, with revision and position', async () => {
      const [, position] = await h.project('rec-1', aRecommendation('rec-1').accepted().build());
      expect(h.row('rec-1')).toMatchObject({
        status: 'accepted',
        revision: 1,
        last_position: Number(position),
        department: null,
      });
    });

    it('RecommendationDeclined moves the status to declined', async () => {
      const [, position] = await h.project('rec-1', aRecommendation('rec-1').declined().build());
      expect(h.row('rec-1')).toMatchObject({ status: 'declined', revision: 1, last_position: Number(position) });
      expect(h.held('rec-1')).toEqual([]);
    });

    it('RecommendationAssigned sets the current assignment and records the department as having held it', async () => {
      const builder = aRecommendation('rec-1').accepted();
      const assignedAt = plus(SESSION_AT, 2 * 3_600_000);
      const positions = await h.project('rec-1', builder.assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT }).build());
      expect(h.row('rec-1')).toMatchObject({
        status: 'assigned',
        department: HOME_AFFAIRS,
        assignment_no: 1,
        assigned_at: assignedAt,
        due_at: DUE_AT,
        due_ms: Date.parse(DUE_AT),
        acknowledged_at: null,
        resolved_at: null,
        on_time: null,
        revision: 2,
        last_position: Number(positions[2]),
      });
      expect(h.held('rec-1')).toEqual([HOME_AFFAIRS]);
    });

    it('a due date given with an offset is kept as written, due_ms is its instant', async () => {
      const dueAt = '2025-09-30T17:00:00+07:00';
      await h.project('rec-1', aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS, { dueAt }).build());
      expect(h.row('rec-1')).toMatchObject({ due_at: dueAt, due_ms: Date.parse('2025-09-30T10:00:00.000Z') });
    });

    it('AssignmentAcknowledged records when', async () => {
      const at = '2025-08-05T01:00:00.000Z';
      await h.project('rec-1', aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).acknowledged({ at }).build());
      expect(h.row('rec-1')).toMatchObject({ status: 'assigned', acknowledged_at: at, revision: 3 });
    });

    it('DeadlineExtended moves due_at and due_ms, and restarts reminders from the extension', async () => {
      const builder = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT });
      await h.project('rec-1', builder.build());
      const before = h.row('rec-1')!;
      const positions = await h.project('rec-1', builder.extended({ dueAt: LATER_DUE_AT }).build());
      expect(h.row('rec-1')).toEqual({
        ...before,
        due_at: LATER_DUE_AT,
        due_ms: Date.parse(LATER_DUE_AT),
        due_set_at: expect.any(String),
        reminders_sent: '',
        escalation_level: 0,
        revision: 3,
        last_position: Number(positions[0]),
      });
    });

    it.each([
      ['ProgressReported', (b: ReturnType<typeof aRecommendation>) => b.progressReported()],
      ['ExtensionRequested', (b: ReturnType<typeof aRecommendation>) => b.extensionRequested()],
    ])('%s only moves revision and position', async (_type, step) => {
      const builder = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).acknowledged();
      await h.project('rec-1', builder.build());
      const before = h.row('rec-1')!;
      const positions = await h.project('rec-1', step(builder).build());
      expect(h.row('rec-1')).toEqual({ ...before, revision: 4, last_position: Number(positions[0]) });
      expect(h.held('rec-1')).toEqual([HOME_AFFAIRS]);
      expect(h.resolutions('rec-1')).toEqual([]);
    });

    it('ReminderSent records the lead and DeadlineEscalated the level, for reconciliation', async () => {
      const builder = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).acknowledged();
      await h.project('rec-1', builder.build());
      const before = h.row('rec-1')!;
      await h.project('rec-1', builder.reminded().escalated().build());
      expect(h.row('rec-1')).toMatchObject({
        reminders_sent: '3d,',
        escalation_level: 1,
        status: before.status,
        due_at: before.due_at,
      });
    });

    it('NotificationFailed and NotificationDelivered only move revision and position of the row', async () => {
      const history = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).build();
      await h.project('rec-1', history);
      const before = h.row('rec-1')!;
      const [delivered] = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).delivered(randomUUID()).build().slice(-1);
      const positions = await h.project('rec-1', [...history, notificationFailed('email'), delivered]);
      expect(h.row('rec-1')).toEqual({ ...before, revision: 4, last_position: Number(positions[1]) });
    });

    it('ReminderSent and DeadlineEscalated owe a delivery per channel, until NotificationDelivered or NotificationFailed', async () => {
      const builder = aRecommendation('rec-1')
        .accepted()
        .assignedTo(HOME_AFFAIRS)
        .reminded({ channels: ['webhook', 'email'] });
      const [reminded] = (await h.project('rec-1', builder.build())).slice(-1);
      const reminder = await h.idAt(reminded);
      const [escalated] = (await h.project('rec-1', builder.escalated({ channels: ['webhook'] }).build())).slice(-1);
      const escalation = await h.idAt(escalated);
      const owed = (notice: string, channel: string, position: bigint) => ({
        notice_id: notice,
        channel,
        id: 'rec-1',
        position: Number(position),
      });
      expect(h.pending()).toEqual(
        [owed(reminder, 'email', reminded), owed(reminder, 'webhook', reminded), owed(escalation, 'webhook', escalated)].sort(
          (a, b) => `${a.notice_id} ${a.channel}`.localeCompare(`${b.notice_id} ${b.channel}`),
        ),
      );

      await h.project('rec-1', builder.delivered(reminder, { channel: 'email' }).resolved().build());
      // NotificationFailed names its notice by its causation id.
      const failed = {
        ...notificationFailed('webhook'),
        data: { ...notificationFailed('webhook').data, notice: 'ReminderSent' },
      };
      await h.record(recommendationStream('rec-1'), [failed], { causationId: reminder });
      await h.runner.catchUp();
      expect(h.pending()).toEqual([owed(escalation, 'webhook', escalated)]);
      expect(h.row('rec-1')).toMatchObject({ status: 'resolved', revision: 7 });
    });

    it('a notice stored before schema version 3 owes nothing: no outcome was recorded then', async () => {
      const history = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).reminded().build();
      await h.record(recommendationStream('rec-1'), history.slice(0, -1));
      await h.record(recommendationStream('rec-1'), history.slice(-1), { repo: new EventStreamRepository(h.store, 2) });
      await h.runner.catchUp();
      expect(h.row('rec-1')).toMatchObject({ reminders_sent: '3d,' });
      expect(h.pending()).toEqual([]);
    });

    it('AssignmentReturned brings the item back to accepted; the department stays among those that held it', async () => {
      const history = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).acknowledged().returned().build();
      const positions = await h.project('rec-1', history);
      expect(h.row('rec-1')).toMatchObject({ status: 'accepted', revision: 4, last_position: Number(positions[4]) });
      expect(h.held('rec-1')).toEqual([HOME_AFFAIRS]);
      expect(h.resolutions('rec-1')).toEqual([]);
    });

    it('AssignmentReturned leaves no current assignment on the row (as GET /recommendations/:id shows: assignment null)', async () => {
      const history = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).acknowledged().returned().build();
      await h.project('rec-1', history);
      // Otherwise `?department=home-affairs` still lists it, with a department, due date and
      // acknowledgement it no longer has.
      expect(h.row('rec-1')).toMatchObject({
        status: 'accepted',
        department: null,
        assigned_at: null,
        due_at: null,
        due_ms: NO_DUE_MS,
        acknowledged_at: null,
      });
    });

    it('a returned item answered on the spot keeps no department on the row nor on its resolution', async () => {
      const history = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).returned().resolved().build();
      await h.project('rec-1', history);
      expect(h.row('rec-1')).toMatchObject({ status: 'resolved', department: null, due_at: null, on_time: 1 });
      expect(h.resolutions('rec-1')).toEqual([expect.objectContaining({ department: null, assigned_at: null, due_at: null })]);
      expect(h.held('rec-1')).toEqual([HOME_AFFAIRS]);
    });

    it('RecommendationResolved by the department: status, time, on time, and one resolution row of that assignment', async () => {
      const assignedAt = '2025-08-05T02:00:00.000Z';
      const resolvedAt = '2025-09-20T03:00:00.000Z';
      const history = aRecommendation('rec-1')
        .accepted()
        .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT, at: assignedAt })
        .resolved({ at: resolvedAt })
        .build();
      const positions = await h.project('rec-1', history);
      expect(h.row('rec-1')).toMatchObject({
        status: 'resolved',
        department: HOME_AFFAIRS,
        resolved_at: resolvedAt,
        on_time: 1,
        revision: 3,
        last_position: Number(positions[3]),
      });
      expect(h.resolutions('rec-1')).toEqual([
        {
          id: 'rec-1',
          position: Number(positions[3]),
          department: HOME_AFFAIRS,
          assignment_no: 1,
          assigned_at: assignedAt,
          raised_at: SESSION_AT,
          due_at: DUE_AT,
          resolved_at: resolvedAt,
          on_time: 1,
        },
      ]);
    });

    it('RecommendationResolved after the due date is stored as late (on_time 0) on the row and the resolution', async () => {
      const resolvedAt = plus(DUE_AT, 2 * DAY);
      const history = aRecommendation('rec-1').accepted().assignedTo(HOME_AFFAIRS).resolved({ at: resolvedAt }).build();
      await h.project('rec-1', history);
      expect(h.row('rec-1')).toMatchObject({ status: 'resolved', on_time: 0, resolved_at: resolvedAt });
      expect(h.resolutions('rec-1')).toEqual([expect.objectContaining({ on_time: 0, resolved_at: resolvedAt })]);
    });

    it('RecommendationResolved on the spot (no assignment): a resolution with no department, assignment or due date', async () => {
      const positions = await h.project('rec-1', aRecommendation('rec-1').accepted().resolved().build());
      expect(h.row('rec-1')).toMatchObject({ status: 'resolved', department: null, on_time: 1, due_at: null });
      expect(h.resolutions('rec-1')).toEqual([
        {
          id: 'rec-1',
          position: Number(positions[2]),
          department: null,
          assignment_no: null,
          assigned_at: null,
          raised_at: SESSION_AT,
          due_at: null,
          resolved_at: plus(SESSION_AT, 2 * 3_600_000),
          on_time: 1,
        },
      ]);
      expect(h.held('rec-1')).toEqual([]);
    });

    it('RecommendationReopened assigns again with a new due date and clears the resolution fields; the old resolution row stays', async () => {
      const reopenedAt = '2025-09-25T02:00:00.000Z';
      const history = aRecommendation('rec-1')
        .accepted()
        .assignedTo(HOME_AFFAIRS)
        .acknowledged()
        .resolved({ at: '2025-09-20T02:00:00.000Z' })
        .reopened({ dueAt: LATER_DUE_AT, at: reopenedAt })
        .build();
      const positions = await h.project('rec-1', history);
      expect(h.row('rec-1')).toMatchObject({
        status: 'assigned',
        department: HOME_AFFAIRS,
        assignment_no: 2,
        assigned_at: reopenedAt,
        due_at: LATER_DUE_AT,
        due_ms: Date.parse(LATER_DUE_AT),
        acknowledged_at: null,
        resolved_at: null,
        on_time: null,
        revision: 5,
        last_position: Number(positions[5]),
      });
      expect(h.resolutions('rec-1')).toHaveLength(1);
      expect(h.held('rec-1')).toEqual([HOME_AFFAIRS]);
    });
  });

  it('a full lifecycle raised→accepted→assigned→returned→reassigned→resolved→reopened→resolved', async () => {
    const reassignedAt = '2025-08-10T02:00:00.000Z';
    const reopenedAt = '2025-09-25T02:00:00.000Z';
    const history = aRecommendation('rec-1')
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
      .returned()
      .assignedTo(FINANCE, { dueAt: DUE_AT, at: reassignedAt })
      .resolved({ at: '2025-09-20T02:00:00.000Z' })
      .reopened({ dueAt: LATER_DUE_AT, at: reopenedAt })
      .resolved({ at: '2025-11-05T02:00:00.000Z' })
      .build();
    const positions = await h.project('rec-1', history);

    expect(h.row('rec-1')).toMatchObject({
      status: 'resolved',
      department: FINANCE,
      assignment_no: 3,
      assigned_at: reopenedAt,
      due_at: LATER_DUE_AT,
      resolved_at: '2025-11-05T02:00:00.000Z',
      on_time: 0,
      revision: 7,
      last_position: Number(positions[7]),
    });
    expect(h.held('rec-1')).toEqual([FINANCE, HOME_AFFAIRS]);
    expect(h.resolutions('rec-1')).toEqual([
      {
        id: 'rec-1',
        position: Number(positions[5]),
        department: FINANCE,
        assignment_no: 2,
        assigned_at: reassignedAt,
        raised_at: SESSION_AT,
        due_at: DUE_AT,
        resolved_at: '2025-09-20T02:00:00.000Z',
        on_time: 1,
      },
      {
        id: 'rec-1',
        position: Number(positions[7]),
        department: FINANCE,
        assignment_no: 3,
        assigned_at: reopenedAt,
        raised_at: SESSION_AT,
        due_at: LATER_DUE_AT,
        resolved_at: '2025-11-05T02:00:00.000Z',
        on_time: 0,
      },
    ]);
    expect(h.checkpoint()).toBe(Number(positions[7]));
  });

  it('applying the same events twice changes nothing, table for table, row for row', async () => {
    await h.project(
      'rec-1',
      aRecommendation('rec-1')
        .accepted()
        .assignedTo(HOME_AFFAIRS)
        .returned()
        .assignedTo(FINANCE)
        .resolved()
        .reopened()
        .resolved({ at: plus(LATER_DUE_AT, DAY) })
        .build(),
    );
    await h.project('rec-2', aRecommendation('rec-2').declined().build());
    await h.project('rec-3', aRecommendation('rec-3').accepted().resolved().build());
    const rec4 = aRecommendation('rec-4').accepted().assignedTo(HOME_AFFAIRS).acknowledged().extended().reminded();
    const [reminded] = (await h.project('rec-4', rec4.build())).slice(-1);
    // A delivery closed, then replayed: its notice must not owe it again.
    await h.project(
      'rec-4',
      rec4
        .delivered(await h.idAt(reminded), { channel: 'email' })
        .escalated()
        .build(),
    );
    await h.project('rec-5', aRecommendation('rec-5').raisedBy(commune('na-sam'), { title: 'Lạng Sơn: nâng cấp đường' }).build());
    const head = Number(await h.store.headPosition());
    const before = dumpReadModel(h.db);
    const pending = h.pending();
    expect(before.recommendations).toHaveLength(5);
    expect(before.resolutions).toHaveLength(3);
    expect(pending).toHaveLength(3);

    h.db.exec('UPDATE projection_checkpoints SET position = 0');
    const again = h.newRunner([new RecommendationsProjection()], 7);
    expect(again.position).toBe(0n);
    await again.catchUp();

    expect(again.position).toBe(BigInt(head));
    expect(dumpReadModel(h.db)).toEqual(before);
    expect(h.pending()).toEqual(pending);
  });

  it('events of other streams (idempotency records) make no row but move the checkpoint', async () => {
    const [raised] = await h.project('rec-1', aRecommendation('rec-1').build());
    const before = dumpReadModel(h.db);
    const others = await h.record(`idempotency-${randomUUID()}`, [
      { type: 'IdempotentRequestRecorded', data: { key: 'k-1', status: 201, body: { id: 'rec-1' } } },
      { type: 'IdempotentRequestRecorded', data: { key: 'k-2', status: 201, body: { id: 'rec-1' } } },
    ]);
    await h.runner.catchUp();

    const after = dumpReadModel(h.db);
    expect(h.checkpoint()).toBe(Number(others[1]));
    expect(h.runner.position).toBe(others[1]);
    expect(Number(others[1])).toBeGreaterThan(Number(raised));
    expect({ ...after, projection_checkpoints: [] }).toEqual({ ...before, projection_checkpoints: [] });
  });

  it('a batch whose apply throws leaves neither its rows nor its checkpoint: only the batches before it count', async () => {
    const positions: bigint[] = [];
    for (let i = 1; i <= 4; i++)
      positions.push(...(await h.record(recommendationStream(`rec-${i}`), aRecommendation(`rec-${i}`).accepted().build())));
    // 8 events in batches of 3: [1 2 3] [4 5 6] [7 8]; the 5th apply (in the second batch) throws.
    const failing = h.newRunner([new FailingProjection(new RecommendationsProjection(), 5)], 3);
    await expect(failing.catchUp()).rejects.toThrow(`apply failed on event ${positions[4]}`);

    expect(h.checkpoint()).toBe(Number(positions[2]));
    expect(failing.position).toBe(positions[2]);
    const rows = h.db.prepare('SELECT id, status, last_position FROM recommendations ORDER BY id').all();
    // Events 1–3 (rec-1 raised and accepted, rec-2 raised) are in; event 4 (rec-2 accepted), applied
    // before the failure in the same batch, is rolled back with it.
    expect(rows).toEqual([
      { id: 'rec-1', status: 'accepted', last_position: Number(positions[1]) },
      { id: 'rec-2', status: 'raised', last_position: Number(positions[2]) },
    ]);
    expect(h.db.prepare('SELECT id FROM recommendations_fts ORDER BY id').all()).toEqual([{ id: 'rec-1' }, { id: 'rec-2' }]);

    // A runner started afterwards resumes after the checkpoint and reaches what one clean pass gives.
    await h.newRunner().catchUp();
    const resumed = dumpReadModel(h.db);
    const clean = new Harness(mkdtempSync(join(tmpdir(), 'fut-projection-clean-')));
    try {
      for (let i = 1; i <= 4; i++)
        await clean.record(recommendationStream(`rec-${i}`), aRecommendation(`rec-${i}`).accepted().build());
      await clean.runner.catchUp();
      // Both logs hold the same events at the same positions, so the rows must be identical.
      expect(resumed).toEqual(dumpReadModel(clean.db));
    } finally {
      await clean.close();
      rmSync(clean.dir, { recursive: true, force: true });
    }
  });

  it('the live subscription applies new events and reports the position it reached', async () => {
    h.runner.start();
    const [position] = await h.record(recommendationStream('rec-1'), aRecommendation('rec-1').build());
    await expect(h.runner.waitFor(position, 5_000)).resolves.toBe(true);
    expect(h.row('rec-1')).toMatchObject({ status: 'raised', last_position: Number(position) });
    expect(h.checkpoint()).toBe(Number(position));
  });
});

describe('RecommendationsProjection: sessions, coordinating departments, explanations and attachments', () => {
  let dir: string;
  let h: Harness;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fut-projection-practice-'));
    h = new Harness(dir);
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Assigned to home-affairs (at 04:00, due DUE_AT) with finance and construction coordinating (requested at 05:00). */
  const coordinated = (id = 'rec-1') =>
    aRecommendation(id).accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT }).coordinatedBy([FINANCE, CONSTRUCTION]);
  const REQUESTED_AT = plus(SESSION_AT, 3 * HOUR);
  const openPart = (department: string, fields: Partial<Part> = {}): Part => ({
    id: 'rec-1',
    assignment_no: 1,
    department,
    due_at: COORDINATION_DUE_AT,
    due_ms: Date.parse(COORDINATION_DUE_AT),
    due_set_at: REQUESTED_AT,
    started_at: REQUESTED_AT,
    contributed_at: null,
    reminders_sent: '',
    escalation_level: 0,
    ended_at: null,
    end_reason: null,
    ...fields,
  });

  it('RaisedInSession records the session on the row, with the working group and date it gives', async () => {
    const history = aRecommendation('rec-1').inSession(SESSION_ID, { workingGroup: 3, sessionDate: '2025-08-05' }).build();
    const positions = await h.project('rec-1', history);
    expect(h.row('rec-1')).toMatchObject({
      session_id: SESSION_ID,
      working_group: 3,
      session_date: '2025-08-05',
      status: 'raised',
      revision: 1,
      last_position: Number(positions[1]),
    });
  });

  it('CoordinationRequested: each department holds the item as coordinating and gets its own part; the lead stays', async () => {
    const positions = await h.project('rec-1', coordinated().build());
    expect(h.involvements('rec-1')).toEqual([`${CONSTRUCTION}:coordinating`, `${FINANCE}:coordinating`, `${HOME_AFFAIRS}:lead`]);
    expect(h.held('rec-1')).toEqual([CONSTRUCTION, FINANCE, HOME_AFFAIRS]);
    expect(h.parts('rec-1')).toEqual([openPart(CONSTRUCTION), openPart(FINANCE)]);
    expect(h.row('rec-1')).toMatchObject({
      status: 'assigned',
      department: HOME_AFFAIRS,
      due_at: DUE_AT,
      revision: 3,
      last_position: Number(positions[3]),
    });
  });

  it("ContributionMade keeps the first contribution's time; a part's reminders and escalations are its own, and owe deliveries", async () => {
    const first = plus(SESSION_AT, 10 * DAY);
    const builder = coordinated()
      .contributed(FINANCE, { at: first })
      .contributed(FINANCE, { at: plus(first, DAY) })
      .coordinationReminded(CONSTRUCTION, { lead: '3d' })
      .coordinationReminded(CONSTRUCTION, { lead: '1d' })
      .coordinationEscalated(CONSTRUCTION, { level: 2 })
      .coordinationEscalated(CONSTRUCTION, { level: 1 });
    const positions = await h.project('rec-1', builder.build());
    expect(h.parts('rec-1')).toEqual([
      openPart(CONSTRUCTION, { reminders_sent: '3d,1d,', escalation_level: 2 }),
      openPart(FINANCE, { contributed_at: first }),
    ]);
    expect(h.row('rec-1')).toMatchObject({
      reminders_sent: '',
      escalation_level: 0,
      revision: 9,
      last_position: Number(positions[9]),
    });
    expect(h.pending()).toHaveLength(4);
  });

  it('CoordinationTransferred moves the part to the department that took it over: same due date, contribution and reminders', async () => {
    const at = plus(SESSION_AT, 5 * DAY);
    await h.project(
      'rec-1',
      coordinated().coordinationReminded(FINANCE).coordinationTransferred(FINANCE, SCIENCE, { at }).build(),
    );
    expect(h.parts('rec-1')).toEqual([
      openPart(CONSTRUCTION),
      openPart(FINANCE, { reminders_sent: '3d,', ended_at: at, end_reason: 'transferred' }),
      openPart(SCIENCE, { reminders_sent: '3d,', started_at: at }),
    ]);
    expect(h.involvements('rec-1')).toContain(`${SCIENCE}:coordinating`);
    expect(h.involvements('rec-1')).toContain(`${FINANCE}:coordinating`);
  });

  it('a department that handed its part over and takes one over again has a row for each time', async () => {
    const away = plus(SESSION_AT, 5 * DAY);
    const back = plus(SESSION_AT, 6 * DAY);
    const history = coordinated()
      .coordinationTransferred(FINANCE, SCIENCE, { at: away })
      .coordinationTransferred(CONSTRUCTION, FINANCE, { at: back })
      .build();
    await h.project('rec-1', history);
    expect(h.parts('rec-1')).toEqual([
      openPart(CONSTRUCTION, { ended_at: back, end_reason: 'transferred' }),
      openPart(FINANCE, { ended_at: away, end_reason: 'transferred' }),
      openPart(SCIENCE, { started_at: away }),
      openPart(FINANCE, { started_at: back }),
    ]);
  });

  it("CoordinationTransferred into a department already on the assignment ends the part: it merges with that one's own", async () => {
    const history = coordinated()
      .contributed(CONSTRUCTION)
      .coordinationTransferred(FINANCE, CONSTRUCTION, { at: plus(SESSION_AT, 5 * DAY) })
      .coordinationTransferred(CONSTRUCTION, HOME_AFFAIRS, { at: plus(SESSION_AT, 6 * DAY) })
      .build();
    await h.project('rec-1', history);
    expect(h.parts('rec-1')).toEqual([
      openPart(CONSTRUCTION, {
        contributed_at: plus(SESSION_AT, 4 * HOUR),
        ended_at: plus(SESSION_AT, 6 * DAY),
        end_reason: 'transferred',
      }),
      openPart(FINANCE, { ended_at: plus(SESSION_AT, 5 * DAY), end_reason: 'transferred' }),
    ]);
    expect(h.involvements('rec-1')).toEqual([`${CONSTRUCTION}:coordinating`, `${FINANCE}:coordinating`, `${HOME_AFFAIRS}:lead`]);
  });

  it('AssignmentTransferred to a coordinating department ends its part: it leads the assignment now', async () => {
    const at = plus(SESSION_AT, 5 * DAY);
    await h.project('rec-1', coordinated().transferred(FINANCE, { at }).build());
    expect(h.row('rec-1')).toMatchObject({ department: FINANCE, status: 'assigned' });
    expect(h.parts('rec-1')).toEqual([openPart(CONSTRUCTION), openPart(FINANCE, { ended_at: at, end_reason: 'transferred' })]);
    expect(h.involvements('rec-1')).toEqual([
      `${CONSTRUCTION}:coordinating`,
      `${FINANCE}:coordinating`,
      `${FINANCE}:lead`,
      `${HOME_AFFAIRS}:lead`,
    ]);
  });

  it.each<[string, (b: ReturnType<typeof coordinated>, at: string) => ReturnType<typeof coordinated>, string]>([
    ['AssignmentReturned', (b, at) => b.returned({ at }), 'returned'],
    ['RecommendationResolved', (b, at) => b.resolved({ at }), 'resolved'],
  ])('%s ends every open part with the assignment, contributed or not', async (_type, end, reason) => {
    const at = plus(SESSION_AT, 20 * DAY);
    const contributedAt = plus(SESSION_AT, 4 * HOUR);
    await h.project('rec-1', end(coordinated().contributed(FINANCE), at).build());
    expect(h.parts('rec-1')).toEqual([
      openPart(CONSTRUCTION, { ended_at: at, end_reason: reason }),
      openPart(FINANCE, { contributed_at: contributedAt, ended_at: at, end_reason: reason }),
    ]);
  });

  it('a new assignment has parts of its own; those of the earlier one stay ended', async () => {
    const returnedAt = plus(SESSION_AT, 2 * DAY);
    const builder = coordinated()
      .returned({ at: returnedAt })
      .assignedTo(SCIENCE, { dueAt: LATER_DUE_AT })
      .coordinatedBy([FINANCE]);
    await h.project('rec-1', builder.build());
    expect(h.parts('rec-1')).toEqual([
      openPart(CONSTRUCTION, { ended_at: returnedAt, end_reason: 'returned' }),
      openPart(FINANCE, { ended_at: returnedAt, end_reason: 'returned' }),
      openPart(FINANCE, {
        assignment_no: 2,
        due_set_at: plus(returnedAt, 2 * HOUR),
        started_at: plus(returnedAt, 2 * HOUR),
      }),
    ]);
  });

  it('ExplanationRequested, ExplanationReminderSent and ExplanationGiven keep one row per explanation, answered even after resolution', async () => {
    const requestedAt = plus(DUE_AT, DAY);
    const dueAt = plus(requestedAt, 7 * DAY);
    const answeredAt = plus(dueAt, DAY);
    const builder = aRecommendation('rec-1')
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
      .explanationRequested({ at: requestedAt, dueAt })
      .explanationReminded({ lead: '1d' })
      .resolved()
      .explained(HOME_AFFAIRS, { at: answeredAt, attachments: [anAttachment('explanation-letter')] });
    const positions = await h.project('rec-1', builder.build());
    expect(h.explanations('rec-1')).toEqual([
      {
        id: 'rec-1',
        explanation_no: 1,
        assignment_no: 1,
        department: HOME_AFFAIRS,
        requested_at: requestedAt,
        due_at: dueAt,
        due_ms: Date.parse(dueAt),
        answered_at: answeredAt,
        on_time: 0,
        reminders_sent: '1d,',
      },
    ]);
    expect(h.row('rec-1')).toMatchObject({ status: 'resolved', revision: 6, last_position: Number(positions[6]) });
    expect(h.cited('rec-1')).toEqual(['explanation-letter']);
  });

  it('DocumentsAttached, ContributionMade and ExplanationGiven record which files the item cites', async () => {
    const builder = aRecommendation('rec-1')
      .documentsAttached('raise', [anAttachment('minutes-page'), anAttachment('photo')])
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
      .coordinatedBy([FINANCE])
      .contributed(FINANCE, { attachments: [anAttachment('budget-note')] })
      .progressReported()
      .documentsAttached('progress', [anAttachment('photo')])
      .explanationRequested()
      .explained(HOME_AFFAIRS, { attachments: [anAttachment('explanation')] })
      .resolved()
      .documentsAttached('resolution', [anAttachment('letter')], { document: LETTER });
    await h.project('rec-1', builder.build());
    expect(h.cited('rec-1')).toEqual(['budget-note', 'explanation', 'letter', 'minutes-page', 'photo']);
    expect(h.row('rec-1')).toMatchObject({ status: 'resolved', revision: 11 });
  });

  it('applying the same events twice changes nothing, in the new tables too', async () => {
    await h.project(
      'rec-1',
      coordinated()
        .inSession(SESSION_ID)
        .contributed(FINANCE, { attachments: [anAttachment('part')] })
        .coordinationReminded(CONSTRUCTION)
        .coordinationEscalated(CONSTRUCTION)
        .coordinationTransferred(CONSTRUCTION, SCIENCE)
        .explanationRequested()
        .explanationReminded()
        .explained(HOME_AFFAIRS)
        .resolved()
        .documentsAttached('resolution', [anAttachment('letter')], { document: LETTER })
        .reopened({ dueAt: plus(LATER_DUE_AT, 30 * DAY) })
        .coordinatedBy([FINANCE], { dueAt: LATER_DUE_AT })
        .transferred(FINANCE)
        .build(),
    );
    await h.project('rec-2', coordinated('rec-2').returned().build());
    const before = dumpReadModel(h.db);
    const pending = h.pending();
    expect(before.coordination).toHaveLength(6);
    expect(before.explanations).toHaveLength(1);
    expect(before.attachment_refs).toHaveLength(2);

    h.db.exec('UPDATE projection_checkpoints SET position = 0');
    await h.newRunner([new RecommendationsProjection()], 3).catchUp();
    expect(dumpReadModel(h.db)).toEqual(before);
    expect(h.pending()).toEqual(pending);
  });
});
