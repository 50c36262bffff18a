import type Database from 'better-sqlite3';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStreamRepository, SqliteEventStore } from '@app/event-store';
import {
  CURRENT_SCHEMA_VERSION,
  RECOMMENDATION_STREAM_PREFIX,
  recommendationStream,
  type RecommendationEvent,
} from '@app/recommendations';
import { spawnTs } from '../../../test/support/child-process';
import { HOUR, SESSION_AT, aRecommendation, commune, plus } from '../../recommendations/src/testing/recommendation.builder';
import { ProjectionRunner } from './projection-runner';
import { openReadModelDb } from './read-model-db';
import { createProjections, rebuildReadModels } from './rebuild';
import { dumpReadModel } from './testing/dump-read-model';

/**
 * ACCEPTANCE: kill the worker between an event and its checkpoint (a process stopped mid-batch)
 * and the restarted projection converges to the same rows as a full rebuild, row for row.
 */

const BATCH = 500;
const CHILD = 'test/support/projection-crash-child.ts';

function checkpointOf(db: Database.Database): number | undefined {
  return (
    db.prepare("SELECT position FROM projection_checkpoints WHERE name = 'recommendations'").get() as
      { position: number } | undefined
  )?.position;
}

/** The lifecycles written for recommendation `i`: mostly ten events, a few short ones. */
function history(i: number, id: string): RecommendationEvent[] {
  const start = plus(SESSION_AT, i * 3 * HOUR);
  const b = aRecommendation(id).raisedBy(commune(i % 2 === 0 ? 'tam-thanh' : 'na-sam'), {
    at: start,
    title: `Recommendation ${i}: nâng cấp trụ sở ${i % 3 === 0 ? 'Lạng Sơn' : 'Gia Lai'}`,
    category: ['staffing', 'headquarters', 'traffic'][i % 3],
  });
  if (i >= 200) return i % 2 === 0 ? b.accepted().resolved().build() : b.declined().build();
  const dept = ['home-affairs', 'finance', 'construction'][i % 3];
  const other = ['finance', 'construction', 'home-affairs'][i % 3];
  return b.travelled(i % 2 === 0 ? 'returned' : 'extended', dept, other).build();
}

function exitOf(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

describe('projection crash: killed mid-batch, restarted, converges to a full rebuild', () => {
  let dir: string;
  let eventsFile: string;
  let store: SqliteEventStore;
  /** Stream of each position, in log order (positions are 1..n, one writer). */
  const log: Array<{ position: number; stream: string }> = [];
  let reference: Record<string, unknown[]>;
  let head: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fut-projection-crash-'));
    eventsFile = join(dir, 'events.sqlite');
    store = new SqliteEventStore({ file: eventsFile, synchronous: 'NORMAL' });
    const repo = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);

    // 200 lifecycles of 10 events and 20 short ones, interleaved step by step so that every
    // batch touches many items; an idempotency record now and then, which the projection ignores.
    const histories = Array.from({ length: 220 }, (_, i) => {
      const id = randomUUID();
      return { stream: recommendationStream(id), events: history(i, id) as Array<{ type: string; data: object }> };
    });
    for (let step = 0; step < 10; step++) {
      const due = histories.filter((h) => h.events.length > step);
      const streams = [...due.map((h) => ({ stream: h.stream, event: h.events[step] }))];
      streams.push({ stream: `idempotency-${randomUUID()}`, event: { type: 'IdempotentRequestRecorded', data: { step } } });
      const loaded = await Promise.all(streams.map((s) => repo.load(s.stream)));
      const results = await Promise.all(
        streams.map((s, k) =>
          repo.append(s.stream, loaded[k], [s.event], {
            actor: { sub: 'secretariat-clerk', role: 'secretariat' },
            occurredAt: new Date().toISOString(),
            correlationId: randomUUID(),
            causationId: randomUUID(),
          }),
        ),
      );
      results.forEach((r, k) => log.push({ position: Number(r.position), stream: streams[k].stream }));
    }
    log.sort((a, b) => a.position - b.position);
    head = Number(await store.headPosition());
    expect(log.map((e) => e.position)).toEqual(Array.from({ length: log.length }, (_, k) => k + 1));
    expect(head).toBe(log.length);
    expect(head).toBeGreaterThan(2000);

    // The reference: a full blue/green rebuild of the whole log into its own data dir.
    const rebuilt = await rebuildReadModels(store, join(dir, 'rebuild'));
    expect(rebuilt.position).toBe(BigInt(head));
    const db = openReadModelDb(rebuilt.file);
    reference = dumpReadModel(db);
    db.close();
    expect(reference.recommendations).toHaveLength(220);
  });

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Rows must show exactly the events up to the checkpoint: one row per item raised by then, each at its last event by then. */
  function expectRowsInStepWith(db: Database.Database, checkpoint: number): void {
    const expected = new Map<string, number>();
    for (const e of log) {
      if (e.position > checkpoint || !e.stream.startsWith(RECOMMENDATION_STREAM_PREFIX)) continue;
      expected.set(e.stream.slice(RECOMMENDATION_STREAM_PREFIX.length), e.position);
    }
    const rows = db.prepare('SELECT id, last_position FROM recommendations').all() as Array<{
      id: string;
      last_position: number;
    }>;
    expect(new Map(rows.map((r) => [r.id, r.last_position]))).toEqual(expected);
    const newest = db.prepare('SELECT max(position) AS p FROM resolutions').get() as { p: number | null };
    expect(newest.p ?? 0).toBeLessThanOrEqual(checkpoint);
  }

  async function crashThenResume(name: string, mode: 'apply' | 'commit', n: number, expectedCheckpoint: number) {
    const file = join(dir, name, 'read-models.sqlite');
    const child = spawnTs(CHILD, [eventsFile, file, mode, String(n)]);
    const { code, signal, stderr } = await exitOf(child);
    if (signal !== 'SIGKILL') throw new Error(`the child was not killed: exit ${code} ${signal}; stderr: ${stderr}`);
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });

    const db = openReadModelDb(file);
    try {
      const checkpoint = checkpointOf(db);
      expect(checkpoint).toBe(expectedCheckpoint);
      expect(checkpoint! % BATCH).toBe(0);
      expectRowsInStepWith(db, checkpoint!);

      const restarted = new ProjectionRunner(store, db, createProjections(), { batchSize: BATCH });
      expect(restarted.position).toBe(BigInt(checkpoint!));
      await restarted.catchUp();
      expect(restarted.position).toBe(BigInt(head));

      const resumed = dumpReadModel(db);
      for (const table of Object.keys(reference))
        expect({ table, rows: resumed[table] }).toEqual({ table, rows: reference[table] });
    } finally {
      db.close();
    }
  }

  it('SIGKILL in the middle of a batch (after the 1,234th event): the checkpoint stayed at the batch boundary, the restart converges', async () => {
    await crashThenResume('mid-batch', 'apply', 1234, 1000);
  });

  it('SIGKILL after the last event of a batch, before its checkpoint was written: the whole batch is redone', async () => {
    await crashThenResume('last-event', 'apply', 1500, 1000);
  });

  it('SIGKILL between two batches (after the second committed): the restart resumes right after it', async () => {
    await crashThenResume('between-batches', 'commit', 1000, 1000);
  });
});
