import Database from 'better-sqlite3';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EventStreamRepository, SqliteEventStore, eventHash, genesisHash, type EventContext } from '@app/event-store';
import {
  attachmentStream,
  CURRENT_SCHEMA_VERSION,
  recommendationStream,
  type AttachmentRef,
  type RecommendationEvent,
} from '@app/recommendations';
import { AttachmentStore } from '@app/attachments';
import { samplePdf, samplePng } from '../../attachments/src/testing/sample-files';
import {
  HOUR,
  SESSION_AT,
  aRecommendation,
  commune,
  department,
  plus,
  secretariat,
} from '../../recommendations/src/testing/recommendation.builder';
import { writeCheckpoint, type CheckpointResult } from './checkpoint';
import { EMPTY_ROOT, nextRoot } from './root-hash';
import { AuditSigner } from './signing-key';
import { CHECKPOINT_STREAM, verifyLog, type HeldCheckpoint, type VerifyFailure, type VerifyReport } from './verify-log';

/**
 * ACCEPTANCE: an auditor can prove the log intact. A real SQLite event store is written through
 * EventStreamRepository (hash chains in the metadata) and checkpointed with writeCheckpoint; each
 * tamper test then edits a copy of the closed file directly with better-sqlite3, the way someone
 * with access to the disk would, and verifyLog must name what changed.
 */

const LONG = 30;
const SHORT = 6;
/** Steps written before checkpoint A; the rest before checkpoint B. */
const STEPS_BEFORE_A = 8;

const ALTERED = /altered/;
const MISSING_OR_OUT_OF_ORDER = /missing or out of order/;
const CHANGED_SINCE_CHECKPOINT = /changed since it was checkpointed/;
const BAD_SIGNATURE = /signature is not valid/;

/** Ten events for the long ones (two lifecycles); two or three for the short ones. */
function history(i: number, id: string): RecommendationEvent[] {
  const b = aRecommendation(id).raisedBy(commune(i % 2 === 0 ? 'tam-thanh' : 'na-sam'), {
    at: plus(SESSION_AT, i * 3 * HOUR),
    title: `Recommendation ${i}: nâng cấp trụ sở`,
    category: ['staffing', 'headquarters', 'traffic'][i % 3],
  });
  if (i >= LONG) return i % 2 === 0 ? b.accepted().resolved().build() : b.declined().build();
  const dept = ['home-affairs', 'finance', 'construction'][i % 3];
  const other = ['finance', 'construction', 'home-affairs'][i % 3];
  return b.travelled(i % 2 === 0 ? 'returned' : 'extended', dept, other).build();
}

interface Item {
  stream: string;
  events: RecommendationEvent[];
  start: string;
}

function contextAt(occurredAt: string): EventContext {
  const actor = secretariat();
  return { actor: { ...actor }, occurredAt, correlationId: randomUUID(), causationId: randomUUID() };
}

/** Writes steps [from, to) of every item, one event per append, all items of a step in flight together. */
async function writeSteps(store: SqliteEventStore, items: Item[], from: number, to: number): Promise<void> {
  const repo = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  for (let step = from; step < to; step++) {
    await Promise.all(
      items
        .filter((item) => item.events.length > step)
        .map(async (item) => {
          const loaded = await repo.load(item.stream);
          await repo.append(item.stream, loaded, [item.events[step]], contextAt(plus(item.start, step * HOUR)));
        }),
    );
  }
}

function copyDb(from: string, to: string): void {
  mkdirSync(join(to, '..'), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

async function withStore<T>(file: string, work: (store: SqliteEventStore) => Promise<T>): Promise<T> {
  const store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function held(checkpoint: CheckpointResult): HeldCheckpoint {
  return {
    position: checkpoint.position,
    events: checkpoint.events,
    rootHash: checkpoint.rootHash,
    signature: checkpoint.signature,
  };
}

function failuresOf(report: VerifyReport, stream: string): VerifyFailure[] {
  return report.failures.filter((f) => f.stream === stream);
}

describe('verifyLog on a real SQLite log', () => {
  let dir: string;
  let pristine: string;
  let signer: AuditSigner;
  let items: Item[];
  let checkpointA: CheckpointResult;
  let checkpointB: CheckpointResult;
  let totalEvents: number;
  /** The long stream the tamper tests edit, and a short one whose last event is long before any checkpoint. */
  let S: string;
  let T: string;
  let copies = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fut-verify-log-'));
    pristine = join(dir, 'pristine', 'events.sqlite');
    signer = new AuditSigner(generateKeyPairSync('ed25519').privateKey);
    items = Array.from({ length: LONG + SHORT }, (_, i) => {
      const id = randomUUID();
      return { stream: recommendationStream(id), events: history(i, id), start: plus(SESSION_AT, i * 3 * HOUR) };
    });
    S = items[4].stream;
    T = items[LONG + 1].stream;
    expect(items[4].events).toHaveLength(10);
    expect(items[LONG + 1].events).toHaveLength(2);

    await withStore(pristine, async (store) => {
      await writeSteps(store, items, 0, STEPS_BEFORE_A);
      const a = await writeCheckpoint(store, signer, { sub: 'system:audit', role: 'system' }, new Date('2025-08-10T00:00:00Z'));
      await writeSteps(store, items, STEPS_BEFORE_A, 10);
      const b = await writeCheckpoint(store, signer, { sub: 'system:audit', role: 'system' }, new Date('2025-08-11T00:00:00Z'));
      if (!a || !b) throw new Error('writeCheckpoint wrote nothing');
      checkpointA = a;
      checkpointB = b;
    });
    totalEvents = items.reduce((n, item) => n + item.events.length, 0) + 2;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A fresh copy of the intact log, edited by `edit` through better-sqlite3 while no store has it open. */
  function tamperedCopy(edit?: (db: Database.Database) => void): string {
    const file = join(dir, `copy-${++copies}`, 'events.sqlite');
    copyDb(pristine, file);
    if (edit) {
      const db = new Database(file);
      try {
        db.transaction(() => edit(db))();
      } finally {
        db.close();
      }
    }
    return file;
  }

  function verifyFile(file: string, options: { publicKey?: AuditSigner['publicKey'] | string; held?: HeldCheckpoint[] } = {}) {
    return withStore(file, (store) => verifyLog(store, { publicKey: options.publicKey ?? signer.publicKey, held: options.held }));
  }

  function positionOf(file: string, stream: string, revision: number): number {
    const db = new Database(file, { readonly: true });
    try {
      const row = db.prepare('SELECT position FROM events WHERE stream = ? AND revision = ?').get(stream, revision) as
        { position: number } | undefined;
      if (!row) throw new Error(`no event ${stream}@${revision}`);
      return row.position;
    } finally {
      db.close();
    }
  }

  // Edits, each as someone with the file would make it.

  const edits: Record<string, (db: Database.Database) => void> = {
    'change one event data': (db) => {
      db.prepare(`UPDATE events SET data = json_set(data, '$.title', 'x') WHERE stream = ? AND revision = 0`).run(S);
    },
    'delete one event in the middle of a stream': (db) => {
      db.prepare('DELETE FROM events WHERE stream = ? AND revision = 4').run(S);
    },
    'swap the revisions of two events of one stream': (db) => {
      // UNIQUE (stream, revision) forbids a direct swap: go through a free revision.
      db.prepare('UPDATE events SET revision = -1 WHERE stream = ? AND revision = 2').run(S);
      db.prepare('UPDATE events SET revision = 2 WHERE stream = ? AND revision = 3').run(S);
      db.prepare('UPDATE events SET revision = 3 WHERE stream = ? AND revision = -1').run(S);
    },
    'delete the last event of a stream before a checkpoint': (db) => {
      db.prepare('DELETE FROM events WHERE stream = ? AND revision = 1').run(T);
    },
  };

  it('passes on the intact log, with the counts of streams, events and checkpoints', async () => {
    const report = await verifyFile(tamperedCopy());
    expect(report).toEqual({
      ok: true,
      streams: LONG + SHORT + 1,
      events: totalEvents,
      checkpoints: 2,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      failures: [],
    });
    expect(totalEvents).toBe(LONG * 10 + 3 * 3 + 3 * 2 + 2);
  });

  it('the checkpoints cover the log before their own event: position, count and root agree with an independent fold', () => {
    const db = new Database(pristine, { readonly: true });
    try {
      const rows = db.prepare('SELECT position, stream, revision, metadata FROM events ORDER BY position').all() as Array<{
        position: number;
        stream: string;
        revision: number;
        metadata: string;
      }>;
      for (const checkpoint of [checkpointA, checkpointB]) {
        const covered = rows.filter((r) => r.position <= Number(checkpoint.position));
        const root = covered.reduce(
          (acc, r) =>
            nextRoot(
              acc,
              { stream: r.stream, revision: BigInt(r.revision) },
              String((JSON.parse(r.metadata) as { hash: string }).hash),
            ),
          EMPTY_ROOT,
        );
        expect({ events: checkpoint.events, rootHash: checkpoint.rootHash }).toEqual({ events: covered.length, rootHash: root });
        const own = rows.find((r) => r.position === Number(checkpoint.checkpointPosition));
        expect(own?.stream).toBe(CHECKPOINT_STREAM);
        expect(Number(checkpoint.checkpointPosition)).toBeGreaterThan(Number(checkpoint.position));
      }
      expect(checkpointB.events).toBe(totalEvents - 1);
      expect(checkpointA.events).toBeLessThan(checkpointB.events);
    } finally {
      db.close();
    }
  });

  describe('tampering with the SQLite file', () => {
    it('(a) one event data changed: fails naming that stream and revision as altered, and every checkpoint after it', async () => {
      const report = await verifyFile(tamperedCopy(edits['change one event data']));
      expect(report.ok).toBe(false);
      expect(report.failures.filter((f) => f.stream !== CHECKPOINT_STREAM)).toEqual([
        { stream: S, revision: 0, reason: expect.stringMatching(ALTERED) },
      ]);
      expect(failuresOf(report, CHECKPOINT_STREAM).map((f) => f.reason)).toEqual([
        expect.stringMatching(CHANGED_SINCE_CHECKPOINT),
        expect.stringMatching(CHANGED_SINCE_CHECKPOINT),
      ]);
    });

    it('(a) one event metadata changed (another actor): fails naming that stream and revision as altered', async () => {
      const report = await verifyFile(
        tamperedCopy((db) => {
          db.prepare(
            `UPDATE events SET metadata = json_set(metadata, '$.actor.sub', 'someone-else') WHERE stream = ? AND revision = 5`,
          ).run(S);
        }),
      );
      expect(report.ok).toBe(false);
      expect(report.failures.filter((f) => f.stream !== CHECKPOINT_STREAM)).toEqual([
        { stream: S, revision: 5, reason: expect.stringMatching(ALTERED) },
      ]);
    });

    it('(b) one event deleted in the middle of a stream: fails naming the stream and the revision after the gap', async () => {
      const report = await verifyFile(tamperedCopy(edits['delete one event in the middle of a stream']));
      expect(report.ok).toBe(false);
      expect(report.events).toBe(totalEvents - 1);
      const broken = failuresOf(report, S);
      expect(broken.length).toBeGreaterThan(0);
      expect(broken).toContainEqual({
        stream: S,
        revision: 5,
        reason: expect.stringMatching(/revision 5 found where 4 was expected/),
      });
      expect(broken.every((f) => f.revision === 5 && MISSING_OR_OUT_OF_ORDER.test(f.reason))).toBe(true);
      // The gap is before both checkpoints, so both roots changed too; no other stream is blamed.
      expect(failuresOf(report, CHECKPOINT_STREAM).map((f) => [f.revision, CHANGED_SINCE_CHECKPOINT.test(f.reason)])).toEqual([
        [0, true],
        [1, true],
      ]);
      expect(report.failures.every((f) => f.stream === S || f.stream === CHECKPOINT_STREAM)).toBe(true);
    });

    it('(c) two events of one stream reordered (revisions swapped): fails naming the stream and the revision out of order', async () => {
      const report = await verifyFile(tamperedCopy(edits['swap the revisions of two events of one stream']));
      expect(report.ok).toBe(false);
      const broken = failuresOf(report, S);
      // In log order the first of the two now carries revision 3 where 2 was expected.
      expect(broken[0]).toEqual({
        stream: S,
        revision: 3,
        reason: expect.stringMatching(/revision 3 found where 2 was expected/),
      });
      expect(broken.every((f) => MISSING_OR_OUT_OF_ORDER.test(f.reason))).toBe(true);
      expect(broken.map((f) => f.revision)).toEqual(expect.arrayContaining([3, 2]));
      expect(failuresOf(report, CHECKPOINT_STREAM)).toHaveLength(2);
    });

    it('(c) two events of one stream reordered (contents swapped, revisions kept): fails naming the stream and revision', async () => {
      const report = await verifyFile(
        tamperedCopy((db) => {
          const get = db.prepare('SELECT type, data, metadata FROM events WHERE stream = ? AND revision = ?');
          const set = db.prepare('UPDATE events SET type = ?, data = ?, metadata = ? WHERE stream = ? AND revision = ?');
          const two = get.get(S, 2) as { type: string; data: string; metadata: string };
          const three = get.get(S, 3) as { type: string; data: string; metadata: string };
          set.run(three.type, three.data, three.metadata, S, 2);
          set.run(two.type, two.data, two.metadata, S, 3);
        }),
      );
      expect(report.ok).toBe(false);
      const broken = failuresOf(report, S);
      expect(broken[0]).toEqual({ stream: S, revision: 2, reason: expect.stringMatching(/prevHash does not match/) });
      expect(broken.every((f) => MISSING_OR_OUT_OF_ORDER.test(f.reason))).toBe(true);
      expect(failuresOf(report, CHECKPOINT_STREAM)).toHaveLength(2);
    });

    it('(d) the last event of a stream deleted before a checkpoint: no chain breaks, the checkpoint check fails', async () => {
      const report = await verifyFile(tamperedCopy(edits['delete the last event of a stream before a checkpoint']));
      expect(report.ok).toBe(false);
      expect(report.events).toBe(totalEvents - 1);
      // The chain alone cannot see a truncated stream...
      expect(failuresOf(report, T)).toEqual([]);
      // ...the checkpoints that covered the deleted event can.
      expect(report.failures).toEqual([
        { stream: CHECKPOINT_STREAM, revision: 0, reason: expect.stringMatching(CHANGED_SINCE_CHECKPOINT) },
        { stream: CHECKPOINT_STREAM, revision: 1, reason: expect.stringMatching(CHANGED_SINCE_CHECKPOINT) },
      ]);
    });

    it('(d) the last event of a stream deleted between two checkpoints: only the later checkpoint fails', async () => {
      const last = items[4].events.length - 1;
      const file = tamperedCopy();
      expect(positionOf(file, S, last)).toBeGreaterThan(Number(checkpointA.checkpointPosition));
      expect(positionOf(file, S, last)).toBeLessThan(Number(checkpointB.position) + 1);
      const db = new Database(file);
      db.prepare('DELETE FROM events WHERE stream = ? AND revision = ?').run(S, last);
      db.close();
      const report = await verifyFile(file);
      expect(report.failures).toEqual([
        { stream: CHECKPOINT_STREAM, revision: 1, reason: expect.stringMatching(CHANGED_SINCE_CHECKPOINT) },
      ]);
    });

    it('(e) a checkpoint signed with another key appended to audit-checkpoints: fails with the signature reason', async () => {
      const file = tamperedCopy();
      const intruder = new AuditSigner(generateKeyPairSync('ed25519').privateKey);
      await withStore(file, async (store) => {
        // Something new, so that there is a log to checkpoint, then the forged checkpoint.
        const repo = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
        const stream = recommendationStream('forgery-cover');
        await repo.append(stream, await repo.load(stream), aRecommendation('forgery-cover').build(), contextAt(SESSION_AT));
        const forged = await writeCheckpoint(store, intruder, { sub: 'intruder', role: 'system' }, new Date());
        expect(forged).not.toBeNull();
      });
      const report = await verifyFile(file);
      expect(report.checkpoints).toBe(3);
      expect(report.failures).toEqual([{ stream: CHECKPOINT_STREAM, revision: 2, reason: expect.stringMatching(BAD_SIGNATURE) }]);
      // The forger's own key does accept it, and rejects the two genuine ones.
      const withIntruderKey = await verifyFile(file, { publicKey: intruder.publicKeyPem() });
      expect(withIntruderKey.failures.map((f) => [f.stream, f.revision, BAD_SIGNATURE.test(f.reason)])).toEqual([
        [CHECKPOINT_STREAM, 0, true],
        [CHECKPOINT_STREAM, 1, true],
      ]);
    });

    it('(e) the intact log verified with another public key: every checkpoint fails with the signature reason', async () => {
      const other = new AuditSigner(generateKeyPairSync('ed25519').privateKey);
      const report = await verifyFile(tamperedCopy(), { publicKey: other.publicKey });
      expect(report.ok).toBe(false);
      expect(report.failures).toEqual([
        { stream: CHECKPOINT_STREAM, revision: 0, reason: expect.stringMatching(BAD_SIGNATURE) },
        { stream: CHECKPOINT_STREAM, revision: 1, reason: expect.stringMatching(BAD_SIGNATURE) },
      ]);
    });

    it('(e) a held checkpoint signed with another key fails with the signature reason', async () => {
      const other = new AuditSigner(generateKeyPairSync('ed25519').privateKey);
      const claim = { position: checkpointA.position, events: checkpointA.events, rootHash: checkpointA.rootHash };
      const report = await verifyFile(tamperedCopy(), { held: [{ ...claim, signature: other.sign(claim) }] });
      expect(report.failures).toEqual([
        { stream: '(held checkpoint)', revision: -1, reason: expect.stringMatching(BAD_SIGNATURE) },
      ]);
    });
  });

  describe('(f) a checkpoint the auditor held on to', () => {
    it('verifies on the intact log, with and without its signature', async () => {
      const file = tamperedCopy();
      expect(await verifyFile(file, { held: [held(checkpointA)] })).toMatchObject({ ok: true, failures: [] });
      expect(await verifyFile(file, { held: [held(checkpointB)] })).toMatchObject({ ok: true, failures: [] });
      const { signature: _signature, ...unsigned } = held(checkpointA);
      expect(await verifyFile(file, { held: [unsigned] })).toMatchObject({ ok: true, failures: [] });
    });

    it('a held claim that was not the log (root of another log) fails', async () => {
      const report = await verifyFile(tamperedCopy(), { held: [{ ...held(checkpointA), rootHash: EMPTY_ROOT }] });
      const mine = failuresOf(report, '(held checkpoint)');
      expect(mine.map((f) => f.reason)).toEqual([
        expect.stringMatching(CHANGED_SINCE_CHECKPOINT),
        expect.stringMatching(BAD_SIGNATURE),
      ]);
    });

    it.each(Object.keys(edits))('fails after: %s', async (name) => {
      const report = await verifyFile(tamperedCopy(edits[name]), { held: [held(checkpointA)] });
      expect(report.ok).toBe(false);
      const heldFailures = failuresOf(report, '(held checkpoint)');
      // The root folds the hash recomputed from each event's content, so even a data-only edit
      // that leaves the stored hashes alone breaks the held claim.
      expect(heldFailures).toEqual([
        { stream: '(held checkpoint)', revision: -1, reason: expect.stringMatching(CHANGED_SINCE_CHECKPOINT) },
      ]);
    });

    it('catches a consistent rewrite (content re-hashed along the stream, recorded checkpoints deleted) that the log alone accepts', async () => {
      const file = tamperedCopy();
      // Rewrite S from revision 0 with a chain that holds: only someone without the held claim is fooled.
      await withStore(file, async (store) => {
        const events = await store.readStream(S);
        const originals = events.map((e) => ({ type: e.type, data: { ...e.data }, metadata: e.metadata }));
        originals[0].data.title = 'Rewritten title';
        const rewritten: Array<{ type: string; data: string; metadata: string }> = [];
        let prevHash = genesisHash(S);
        for (const e of originals) {
          const { hash: _old, ...withoutHash } = e.metadata;
          const metadata = { ...withoutHash, prevHash };
          const hash = eventHash(prevHash, e.type, e.data, metadata);
          rewritten.push({ type: e.type, data: JSON.stringify(e.data), metadata: JSON.stringify({ ...metadata, hash }) });
          prevHash = hash;
        }
        await store.close();
        const db = new Database(file);
        db.transaction(() => {
          const set = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE stream = ? AND revision = ?');
          rewritten.forEach((r, revision) => set.run(r.data, r.metadata, S, revision));
          db.prepare('DELETE FROM events WHERE stream = ?').run(CHECKPOINT_STREAM);
        })();
        db.close();
      });
      const alone = await verifyFile(file);
      expect(alone).toMatchObject({ ok: true, checkpoints: 0, failures: [] });
      const report = await verifyFile(file, { held: [held(checkpointA)] });
      expect(report.ok).toBe(false);
      expect(report.failures).toEqual([
        { stream: '(held checkpoint)', revision: -1, reason: expect.stringMatching(CHANGED_SINCE_CHECKPOINT) },
      ]);
    });
  });

  describe('writeCheckpoint', () => {
    it('returns null when nothing happened since the last checkpoint (it would otherwise only checkpoint itself)', async () => {
      const file = tamperedCopy();
      const again = await withStore(file, (store) => writeCheckpoint(store, signer, { sub: 'system:audit' }, new Date()));
      expect(again).toBeNull();
    });
  });
});

/**
 * ACCEPTANCE (tamper test): the files events cite are checked too. Real files in a real attachment
 * store, cited by upload events and by items' events in a real SQLite log; then one byte of a file
 * is changed, or a file deleted, as someone with the disk would, and verifyLog must name each item
 * and revision citing it.
 */
describe('verifyLog with the stored files events cite', () => {
  let dir: string;
  let files: AttachmentStore;
  let logFile: string;
  const refs: Record<'letter' | 'photo' | 'explanation', AttachmentRef> = {} as never;
  /** Item, stream and revision of each citation, by file. */
  const citations: Record<string, Array<{ item?: string; stream: string; revision: number }>> = {};

  function cite(ref: AttachmentRef, stream: string, events: RecommendationEvent[], type: string) {
    const revision = events.findIndex(
      (e) => type === e.type && 'attachments' in e.data && e.data.attachments.some((a) => a.id === ref.id),
    );
    expect(revision).toBeGreaterThan(0);
    (citations[ref.id] ??= []).push({ item: stream.slice('recommendation-'.length), stream, revision });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fut-verify-files-'));
    files = new AttachmentStore(join(dir, 'data'), 1024 * 1024);
    const save = async (name: string, bytes: Buffer): Promise<AttachmentRef> => {
      const stored = await files.save(Readable.from([bytes]));
      return { id: randomUUID(), name, ...stored };
    };
    refs.letter = await save('Công văn số 1234-SNV.pdf', samplePdf('letter'));
    refs.photo = await save('hiện trạng trụ sở.png', samplePng());
    refs.explanation = await save('giải trình.pdf', samplePdf('explanation'));

    const items = {
      raisedWithLetter: randomUUID(),
      alsoCitingLetter: randomUUID(),
      contributed: randomUUID(),
      explained: randomUUID(),
    };
    const streams: Record<string, RecommendationEvent[]> = {
      [items.raisedWithLetter]: aRecommendation(items.raisedWithLetter)
        .raisedBy(secretariat())
        .documentsAttached('raise', [refs.letter])
        .build(),
      [items.alsoCitingLetter]: aRecommendation(items.alsoCitingLetter)
        .raisedBy(commune('tam-thanh'))
        .accepted()
        .assignedTo('home-affairs')
        .resolved({ by: department('home-affairs') })
        .documentsAttached('resolution', [refs.letter])
        .build(),
      [items.contributed]: aRecommendation(items.contributed)
        .raisedBy(secretariat())
        .accepted()
        .assignedTo('home-affairs')
        .coordinatedBy(['finance'])
        .contributed('finance', { attachments: [refs.photo] })
        .build(),
      [items.explained]: aRecommendation(items.explained)
        .raisedBy(secretariat())
        .accepted()
        .assignedTo('home-affairs')
        .explanationRequested()
        .explained('home-affairs', { attachments: [refs.explanation] })
        .build(),
    };
    logFile = join(dir, 'data', 'events.sqlite');
    await withFileStore(logFile, async (store) => {
      const repo = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
      for (const ref of Object.values(refs)) {
        const stream = attachmentStream(ref.id);
        await repo.append(
          stream,
          { revision: null, lastHash: genesisHash(stream) },
          [{ type: 'AttachmentUploaded', data: { ...ref, uploadedBy: 'secretariat-clerk', uploadedAt: SESSION_AT } }],
          contextAt(SESSION_AT),
        );
        (citations[ref.id] ??= []).push({ stream, revision: 0 });
      }
      for (const [id, events] of Object.entries(streams)) {
        const stream = recommendationStream(id);
        await repo.append(stream, { revision: null, lastHash: genesisHash(stream) }, events, contextAt(SESSION_AT));
      }
    });
    cite(refs.letter, recommendationStream(items.raisedWithLetter), streams[items.raisedWithLetter], 'DocumentsAttached');
    cite(refs.letter, recommendationStream(items.alsoCitingLetter), streams[items.alsoCitingLetter], 'DocumentsAttached');
    cite(refs.photo, recommendationStream(items.contributed), streams[items.contributed], 'ContributionMade');
    cite(refs.explanation, recommendationStream(items.explained), streams[items.explained], 'ExplanationGiven');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function withFileStore<T>(file: string, work: (store: SqliteEventStore) => Promise<T>): Promise<T> {
    const store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  }

  const verify = (withFiles = true) =>
    withFileStore(logFile, (store) =>
      verifyLog(store, { publicKey: generateKeyPairSync('ed25519').publicKey, ...(withFiles ? { files } : {}) }),
    );

  /** What the failures say of each citation: stream, revision, item, kind. */
  const expected = (ref: AttachmentRef, kind: VerifyFailure['kind']) =>
    citations[ref.id].map(({ item, stream, revision }) => ({
      stream,
      revision,
      ...(item ? { item } : {}),
      kind,
      attachment: ref.id,
      sha256: ref.sha256,
      reason: expect.stringMatching(kind === 'attachment-missing' ? /is missing/ : /changed/),
    }));

  /** Runs `work` on the file of `ref`, then puts the original bytes back. */
  async function tampered(ref: AttachmentRef, edit: (path: string) => void, check: () => Promise<void>) {
    const path = files.pathOf(ref.sha256);
    const original = readFileSync(path);
    edit(path);
    try {
      await check();
    } finally {
      writeFileSync(path, original);
    }
  }

  it('passes when every cited file is intact, counting the citations and the files hashed', async () => {
    const report = await verify();
    expect(report).toMatchObject({ ok: true, failures: [], attachments: { references: 7, files: 3 } });
    expect(citations[refs.letter.id]).toHaveLength(3);
  });

  it('one byte of a file changed: names every item and revision citing it, and its upload', async () => {
    await tampered(
      refs.letter,
      (path) => {
        const bytes = readFileSync(path);
        bytes[bytes.length >> 1] ^= 0x20;
        writeFileSync(path, bytes);
      },
      async () => {
        const report = await verify();
        expect(report.ok).toBe(false);
        expect(report.failures).toEqual(expect.arrayContaining(expected(refs.letter, 'attachment-changed')));
        expect(report.failures).toHaveLength(3);
        expect(report.failures.find((f) => f.item)?.reason).toMatch(/cited by item .+ \(DocumentsAttached at revision \d+\)/);
      },
    );
  });

  it('a file deleted: names the contribution and the upload that cite it', async () => {
    await tampered(
      refs.photo,
      (path) => rmSync(path),
      async () => {
        const report = await verify();
        expect(report.ok).toBe(false);
        expect(report.failures).toEqual(expect.arrayContaining(expected(refs.photo, 'attachment-missing')));
        expect(report.failures).toHaveLength(2);
      },
    );
  });

  it('a file cited by an explanation replaced by other bytes: names the explanation', async () => {
    await tampered(
      refs.explanation,
      (path) => writeFileSync(path, samplePdf('another letter')),
      async () => {
        const report = await verify();
        expect(report.failures).toEqual(expected(refs.explanation, 'attachment-changed'));
      },
    );
  });

  it('without the files, checks the log alone as before', async () => {
    await tampered(
      refs.photo,
      (path) => rmSync(path),
      async () => {
        const report = await verify(false);
        expect(report).toMatchObject({ ok: true, failures: [] });
        expect(report).not.toHaveProperty('attachments');
      },
    );
  });
});
