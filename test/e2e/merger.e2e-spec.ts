import { RecommendationCommands } from '@app/application';
import { MERGER_ACTOR } from '../../apps/worker/src/jobs/jobs.processor';
import { until } from '../support/poll';
import { auditor, bearer, department, raiseAssigned, run, secretariat } from '../support/recommendation-fixtures';
import { postAs, setUpAdministrator, type Browser } from '../support/sessions';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * A merger of departments: the merged department is retired and each of its open assignments
 * moves to the department it merged into, one event per item citing the merger, in a job whose
 * progress GET /jobs/:id shows. (The crash-and-resume case is a reliability test.)
 */
describe('merging a department into another', () => {
  let t: TestApp;
  let admin: Browser;
  const FROM = 'ethnic-minorities-religions';
  const INTO = 'home-affairs';

  beforeAll(async () => {
    t = await createTestApp();
    admin = await setUpAdministrator(t);
  });
  afterAll(() => t.close());

  const post = (path: string, body: object = {}) => postAs(t, admin, path, body);

  it('moves every open assignment once, retires the department, and reports the job', async () => {
    const open: string[] = [];
    for (let i = 0; i < 12; i++) open.push(await raiseAssigned(t, FROM));
    const resolved = await raiseAssigned(t, FROM);
    await run(t, resolved, 'resolve', await department(t, FROM));
    const elsewhere = await raiseAssigned(t, 'finance');

    const res = await post(`/admin/directory/departments/${FROM}/merge-into`, {
      into: INTO,
      reason: 'Nghị quyết sáp nhập số 12/NQ-HĐND',
    });
    expect(res.status).toBe(202);
    const jobId = res.body.jobId as string;
    expect(jobId).toMatch(/^merger-[0-9a-f-]+$/);

    const job = await until(
      async () => {
        const view = await t.http().get(`/jobs/${jobId}`).set('Cookie', admin.cookie);
        return view.body.status === 'completed' ? view.body : null;
      },
      'the merger job to complete',
      { timeoutMs: 30_000 },
    );
    expect(job).toEqual({ id: jobId, kind: 'merge-department', status: 'completed', total: 12, done: 12, failed: 0, errors: [] });

    const reader = bearer(await auditor(t));
    for (const id of open) {
      const history = (await t.http().get(`/recommendations/${id}/history`).set('Authorization', reader)).body.events as Array<{
        type: string;
        data: { department: string; fromDepartment: string; mergerId: string };
      }>;
      const transfers = history.filter((e) => e.type === 'AssignmentTransferred');
      expect(transfers).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ fromDepartment: FROM, department: INTO, mergerId: jobId }) }),
      ]);
    }
    const untouched = [resolved, elsewhere];
    for (const id of untouched) {
      const history = (await t.http().get(`/recommendations/${id}/history`).set('Authorization', reader)).body.events as Array<{
        type: string;
      }>;
      expect(history.some((e) => e.type === 'AssignmentTransferred')).toBe(false);
    }

    // The department that merged into another now holds them: its inbox lists them, and it may act on them.
    // The projection follows within a moment; every moved item is there once it has.
    await until(async () => {
      const again = await t
        .http()
        .get(`/recommendations?department=${INTO}&status=assigned&limit=500`)
        .set('Authorization', bearer(await department(t, INTO)));
      return open.every((id) => (again.body.items as Array<{ id: string }>).some((i) => i.id === id));
    }, 'the moved items in the inbox of the department merged into');
    await run(t, open[0], 'acknowledge', await department(t, INTO));

    const directory = (await t.http().get('/directory').set('Authorization', reader)).body.departments as Array<{
      code: string;
      retired: boolean;
    }>;
    expect(directory.find((d) => d.code === FROM)?.retired).toBe(true);
    const id = await raiseAssigned(t, INTO);
    await run(t, id, 'return', await department(t, INTO));
    const refused = await t
      .http()
      .post(`/recommendations/${id}/assign`)
      .set('Authorization', bearer(await secretariat(t)))
      .send({ department: FROM, dueAt: '2026-04-30T17:00:00+07:00' });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'DIRECTORY.RETIRED' });
  });

  it('moves an item once when a re-run (a crash mid-batch) sends its transfer again', async () => {
    const id = await raiseAssigned(t, 'finance');
    const commands = t.app.get(RecommendationCommands);
    const input = {
      type: 'TransferAssignment' as const,
      recommendationId: id,
      fromDepartment: 'finance',
      toDepartment: 'justice',
      reason: 'Sáp nhập thử',
      mergerId: 'merger-rerun',
    };
    const options = { idSeed: `merger-rerun-${id}`, correlationId: 'merger-rerun', causationId: 'merger-rerun' };
    await commands.execute(input, MERGER_ACTOR, options);
    // The second run's append carries the same event ids, or the domain finds finance no longer holds it: never a second move.
    await commands.execute(input, MERGER_ACTOR, options).catch((error: { code?: string }) => {
      expect(error.code).toBe('RECOMMENDATION.NOT_HELD_BY_DEPARTMENT');
    });
    const history = (
      await t
        .http()
        .get(`/recommendations/${id}/history`)
        .set('Authorization', bearer(await auditor(t)))
    ).body.events as Array<{ type: string }>;
    expect(history.filter((e) => e.type === 'AssignmentTransferred')).toHaveLength(1);
  });

  it('refuses a merger into itself, into an unknown or retired department, and of a retired one', async () => {
    const cases: Array<[string, object, number, string]> = [
      ['finance', { into: 'finance', reason: 'x' }, 400, 'DIRECTORY.MERGE_INTO_ITSELF'],
      ['finance', { into: 'nowhere', reason: 'x' }, 400, 'DIRECTORY.UNKNOWN_CODE'],
      ['finance', { into: FROM, reason: 'x' }, 400, 'DIRECTORY.RETIRED'],
      [FROM, { into: 'finance', reason: 'x' }, 409, 'DIRECTORY.RETIRED'],
    ];
    for (const [from, body, status, code] of cases) {
      const res = await post(`/admin/directory/departments/${from}/merge-into`, body);
      expect({ from, status: res.status, code: res.body.code }).toEqual({ from, status, code });
    }
    const unknownJob = await t.http().get('/jobs/merger-none').set('Cookie', admin.cookie);
    expect({ status: unknownJob.status, code: unknownJob.body.code }).toEqual({ status: 404, code: 'JOB.NOT_FOUND' });
  });
});
