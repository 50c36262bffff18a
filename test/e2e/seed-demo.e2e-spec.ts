import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { fold, overdueness, RECOMMENDATION_STREAM_PREFIX, type RecommendationEvent } from '@app/recommendations';
import { seedDemoCommand } from '../../apps/cli/src/seed-demo.command';
import { createTestApp, TEST_SECRET } from '../support/test-app';

/**
 * The demo province goes through the real command handlers; its reports are checked against an
 * independent count made straight from the event log (fold each stream, count by hand).
 */
describe('seed-demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fut-demo-'));
  const env = { ...process.env };
  afterAll(() => {
    process.env = env;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes at least 40 recommendations in every state, and the reports match a count from the log', async () => {
    process.env.DATA_DIR = dataDir;
    process.env.AUTH_JWT_SECRET = TEST_SECRET;
    process.env.LOG_LEVEL = 'silent';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await seedDemoCommand([]);
    write.mockRestore();
    const now = new Date();

    // Independent count: group the log by stream, fold each with the domain, tally.
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
    const streams = new Map<string, RecommendationEvent[]>();
    for (const e of await store.readAll()) {
      if (!e.stream.startsWith(RECOMMENDATION_STREAM_PREFIX)) continue;
      streams.set(e.stream, [...(streams.get(e.stream) ?? []), { type: e.type, data: e.data } as RecommendationEvent]);
    }
    await store.close();
    const states = [...streams.values()].map((events) => fold(events));
    const byStatus: Record<string, number> = {};
    for (const s of states) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    const overdueByDepartment: Record<string, number> = {};
    for (const s of states)
      if (s.status === 'assigned' && overdueness(s, now).overdue)
        overdueByDepartment[s.assignment.department] = (overdueByDepartment[s.assignment.department] ?? 0) + 1;
    const resolutions = [...streams.values()]
      .flat()
      .filter(
        (e): e is Extract<RecommendationEvent, { type: 'RecommendationResolved' }> =>
          e.type === 'RecommendationResolved' && e.data.department !== null,
      );
    const returned = [...streams.values()].filter((events) => events.some((e) => e.type === 'AssignmentReturned'));
    const reopened = [...streams.values()].filter((events) => events.some((e) => e.type === 'RecommendationReopened'));

    expect(states.length).toBeGreaterThanOrEqual(40);
    for (const status of ['raised', 'accepted', 'declined', 'assigned', 'resolved']) expect(byStatus[status]).toBeGreaterThan(0);
    expect(resolutions.some((r) => r.data.onTime) && resolutions.some((r) => !r.data.onTime)).toBe(true);
    expect(Object.keys(overdueByDepartment).length).toBeGreaterThan(0);
    expect(returned.length).toBeGreaterThan(0);
    expect(reopened.length).toBeGreaterThan(0);

    const t = await createTestApp({ dataDir, now: now.toISOString() });
    try {
      const committee = `Bearer ${await t.token({ role: 'committee' })}`;
      const health = async () => (await t.health()).body.projections.lag as number;
      for (let i = 0; i < 200 && (await health()) !== 0; i++) await new Promise((r) => setTimeout(r, 25));
      const summary = (await t.http().get('/reports/summary').set('Authorization', committee).expect(200)).body;
      expect(summary.totals.byStatus).toEqual(byStatus);
      expect(summary.totals.resolved).toBe(resolutions.length);
      expect(summary.totals.resolvedOnTime).toBe(resolutions.filter((r) => r.data.onTime).length);
      const overdue = (await t.http().get('/reports/overdue?groupBy=department').set('Authorization', committee).expect(200))
        .body;
      const reported = Object.fromEntries(overdue.groups.map((g: { key: string; count: number }) => [g.key, g.count]));
      expect(reported).toEqual(overdueByDepartment);

      // The seed articles' sessions of 4 August 2025, one per working group, hold every demo item.
      const sessions = (await t.http().get('/sessions').set('Authorization', committee).expect(200)).body.items as Array<{
        workingGroup: number;
        date: string;
        counts: { raised: number };
      }>;
      expect(sessions.map((s) => s.workingGroup).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 7, 9]);
      expect(sessions.every((s) => s.date === '2025-08-04')).toBe(true);
      expect(sessions.reduce((n, s) => n + s.counts.raised, 0)).toBe(states.length);
      // Coordinating departments and explanation requests are part of the demo too.
      const events = [...streams.values()].flat();
      expect(events.some((e) => e.type === 'CoordinationRequested')).toBe(true);
      expect(events.some((e) => e.type === 'ContributionMade')).toBe(true);
      expect(events.some((e) => e.type === 'ExplanationRequested')).toBe(true);
    } finally {
      await t.close();
    }
  });
});
