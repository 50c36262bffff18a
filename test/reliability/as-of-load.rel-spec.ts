import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mintToken } from '@app/common';
import { SqliteEventStore } from '@app/event-store';
import type { Actor } from '@app/recommendations';
import { replayUntil } from '../../libs/audit/src/testing/replay-until';
import { pause, until } from '../support/poll';
import { deleteKeys } from '../support/test-app';
import {
  DAY,
  DEPARTMENTS,
  foldedReports,
  HealthProbe,
  OVERDUE_LIMIT,
  percentile,
  reportOf,
  rssMb,
  writeBigLog,
  type BigLog,
  type ReportAsk,
} from './support/big-log';
import { ServiceProcess, type Health } from './support/service';

/*
 * ACCEPTANCE (reports of the past under load): on a 200,000-event log, 20 reports `asOf` different
 * instants fired at once at the REAL service (a child process, both roles, on the data folder) do
 * not starve GET /health — p99 under 200 ms — and each report equals the same report of the log
 * folded up to its instant (the oracle of libs/audit/src/testing/replay-until.ts); the service's
 * resident memory grows by less than 150 MB over the burst.
 *
 * Why 150 MB: the first report of the past starts the report thread (its own V8 heap) and its
 * read-only connection to the read-model file (SQLite page cache); answers of up to a few hundred
 * kilobytes pass through the event loop. None of it grows with the number of reports in flight:
 * the gate holds the requests, the one thread builds one report at a time. The issue's probe saw
 * 255 → 481 MB (+226 MB) for such a burst, which this bound refuses. Measured here on a 2-core
 * machine (RSS after the start-up rebuild → after the burst): +73 to +101 MB, about 420 → 500 MB.
 *
 * Replay a failure's log with REL_SEED=<seed>; REL_KEEP_DATA=1 keeps the data folder.
 */

const EVENTS = 200_000;
const SEED = Number(process.env.REL_SEED ?? 20_260_105);
const START = Date.parse('2025-01-06T01:00:00Z');
const END = START + 365 * DAY;
const SECRET = 'reliability-secret-that-is-long-enough-for-hs256-0123456789';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HEALTH_P99_MS = 200;
const RSS_GROWTH_MB = 150;
const REPORTS = 20;

interface Answer {
  status: number;
  ms: number;
  text: string;
  /** 429 REQUEST.BUSY answers waited out (after their Retry-After) before the final one. */
  busy: number;
}

/** GET with a token; a 429 is asked again after its Retry-After, as a client must. */
async function get(url: string, token: string): Promise<Answer> {
  const started = performance.now();
  let busy = 0;
  for (;;) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(120_000) });
    const text = await res.text();
    if (res.status === 429 && busy < 30) {
      busy++;
      await pause(Number(res.headers.get('retry-after') ?? '1') * 1000);
      continue;
    }
    return { status: res.status, ms: performance.now() - started, text, busy };
  }
}

/**
 * Twenty asks: one instant before the first event, then nineteen spread over the year and past
 * its end, at odd hours; summaries and overdue reports alternate; fourteen callers of the
 * committee and six department officers, each its own caller (`sub`), so no caller holds more than
 * the gate's two places.
 */
function asks(): ReportAsk[] {
  return Array.from({ length: REPORTS }, (_, k) => {
    const asOf = new Date(
      k === 0 ? START - DAY : START + Math.round((k * (END + 2 * DAY - START)) / (REPORTS - 1)) + k * 37 * 60_000,
    );
    const department = DEPARTMENTS[k % DEPARTMENTS.length];
    const actor: Actor =
      k % 3 === 2
        ? { sub: `officer-${k}`, name: `officer-${k}`, role: 'department', department }
        : { sub: `committee-${k}`, name: `committee-${k}`, role: 'committee' };
    return { kind: k % 2 === 0 ? 'summary' : 'overdue', asOf, actor };
  });
}

const pathOf = (ask: ReportAsk) =>
  ask.kind === 'summary'
    ? `/reports/summary?asOf=${ask.asOf.toISOString()}`
    : `/reports/overdue?asOf=${ask.asOf.toISOString()}&groupBy=department&limit=${OVERDUE_LIMIT}`;

const describeAsk = (ask: ReportAsk) =>
  `${ask.kind} asOf ${ask.asOf.toISOString()} by ${ask.actor.role}${ask.actor.department ? ` ${ask.actor.department}` : ''}`;

describe('reports asOf under load, on a 200,000-event log', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fut-rel-asof-'));
  const prefix = `rel${randomUUID().slice(0, 8)}`;
  let service: ServiceProcess | null = null;

  afterAll(async () => {
    await service?.kill();
    await deleteKeys(REDIS_URL, `${prefix}:*`);
    if (!process.env.REL_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  });

  it('20 parallel reports of the past: /health p99 < 200 ms, every report equals the fold of the log, RSS growth < 150 MB', async () => {
    const file = join(dataDir, 'events.sqlite');
    const log: BigLog = await writeBigLog(file, { events: EVENTS, seed: SEED, start: START, raiseDays: 330, end: END });
    expect(log.events).toBe(EVENTS);
    expect(log.head).toBe(EVENTS);

    // The expected answers: the log folded up to each instant, in this process, before the service runs.
    const wanted = asks();
    let started = Date.now();
    const expected = await foldedReports(file, wanted);
    const oracleMs = Date.now() - started;
    // The single fold stands for one replay per instant: check it against replayUntil itself at one
    // instant in the middle of the year, for a committee overdue report (the longest body).
    const probeAsk = wanted[9];
    started = Date.now();
    const store = new SqliteEventStore({ file });
    try {
      const replayed = await replayUntil(store, probeAsk.asOf);
      try {
        expect(reportOf(replayed, probeAsk)).toEqual(expected[9]);
      } finally {
        replayed.close();
      }
    } finally {
      await store.close();
    }
    const replayMs = Date.now() - started;
    // The instants tell different stories: the log has items in every state along the year.
    expect(expected[0]).toMatchObject({ totals: { byStatus: {}, open: 0, resolved: 0 } });
    const committeeOverdue = wanted.flatMap((a, i) =>
      a.kind === 'overdue' && a.actor.role === 'committee' ? [expected[i]] : [],
    );
    expect(new Set(committeeOverdue.map((b) => (b as { total: number }).total)).size).toBeGreaterThan(
      committeeOverdue.length / 2,
    );

    // The real service on that folder: at start it builds its read models from the whole log.
    started = Date.now();
    service = await ServiceProcess.start(
      {
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        AUTH_JWT_SECRET: SECRET,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        REMINDERS: 'off',
        LOG_LEVEL: 'warn',
        THROTTLE_LIMIT: '100000000',
      },
      { timeoutMs: 180_000 },
    );
    const startMs = Date.now() - started;
    const running = service;
    // The service may append events of its own at start (the directory's seed): the projections
    // must have applied every event of the log, ours and those.
    let lastHealth: Health | null = null;
    await until(
      async () => {
        lastHealth = await running.health();
        const { position, lag } = lastHealth?.projections ?? { position: null, lag: null };
        return lag === 0 && position !== null && position >= log.head;
      },
      `the projections to reach the head of the log (${log.head} events written) by GET /health`,
      { timeoutMs: 180_000, intervalMs: 200 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last /health: ${JSON.stringify(lastHealth)}; service output:\n${running.tail()}`, {
        cause: error,
      });
    });
    const catchUpMs = Date.now() - started;

    // /health at rest, for comparison.
    const idle = await HealthProbe.start(running.url, { pauseMs: 5, max: 200 }).done();
    expect(idle.failures).toEqual([]);

    const tokens = await Promise.all(
      wanted.map((ask) =>
        mintToken(SECRET, {
          sub: ask.actor.sub,
          role: ask.actor.role,
          ...(ask.actor.department ? { department: ask.actor.department } : {}),
        }),
      ),
    );
    const rssBefore = rssMb(running.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      if (running.alive) rssPeak = Math.max(rssPeak, rssMb(running.pid));
    }, 50);
    const probe = HealthProbe.start(running.url, { pauseMs: 2 });
    started = Date.now();
    let answers: Answer[];
    let health: Awaited<ReturnType<HealthProbe['stop']>>;
    try {
      answers = await Promise.all(wanted.map((ask, i) => get(`${running.url}${pathOf(ask)}`, tokens[i])));
    } finally {
      health = await probe.stop();
      clearInterval(sampler);
    }
    const burstMs = Date.now() - started;
    const rssAfter = rssMb(running.pid);
    rssPeak = Math.max(rssPeak, rssAfter);

    const latencies = answers.map((a) => a.ms);
    const figures = {
      seed: SEED,
      events: log.events,
      items: log.items,
      statusesAtEnd: log.statuses,
      buildMs: log.writeMs,
      oracleMs,
      replayUntilOneInstantMs: replayMs,
      startMs,
      catchUpMs,
      /** The service appends a few events of its own at start (the directory's seed). */
      positionAtCatchUp: (lastHealth as Health | null)?.projections.position,
      idleHealth: { n: idle.samples.length, p50: percentile(idle.samples, 50), p99: percentile(idle.samples, 99) },
      health: {
        n: health.samples.length,
        p50: percentile(health.samples, 50),
        p99: percentile(health.samples, 99),
        max: Math.max(...health.samples),
      },
      burstMs,
      reportMs: { min: Math.min(...latencies), p50: percentile(latencies, 50), max: Math.max(...latencies) },
      busyRetries: answers.reduce((n, a) => n + a.busy, 0),
      rssMb: { before: rssBefore, after: rssAfter, peak: rssPeak, growth: rssAfter - rssBefore },
    };
    const round = (_: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v);
    console.log(
      `as-of-load: ${log.events} events, /health p99 ${figures.health.p99.toFixed(1)} ms (n=${health.samples.length}), ` +
        `max report ${figures.reportMs.max.toFixed(0)} ms, RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB ` +
        `(peak ${rssPeak.toFixed(0)}); ${JSON.stringify(figures, round)}`,
    );

    // Every report answered 200 (after waiting out any 429), and equal to the fold of the log.
    expect(answers.map((a, i) => `${describeAsk(wanted[i])}: ${a.status}`)).toEqual(
      wanted.map((ask) => `${describeAsk(ask)}: 200`),
    );
    answers.forEach((answer, i) => {
      expect({ ask: describeAsk(wanted[i]), body: JSON.parse(answer.text) as unknown }).toEqual({
        ask: describeAsk(wanted[i]),
        body: expected[i],
      });
    });

    // /health kept its turn throughout the burst.
    expect(health.failures).toEqual([]);
    expect(health.samples.length).toBeGreaterThanOrEqual(100);
    expect(figures.health.p99).toBeLessThan(HEALTH_P99_MS);

    // Memory: bounded growth over the burst.
    expect(rssAfter - rssBefore).toBeLessThan(RSS_GROWTH_MB);
    expect(running.alive).toBe(true);
  }, 300_000);
});
