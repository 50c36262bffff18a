import { DAY, DUE_AT, aRecommendation, plus, secretariat } from '../../../recommendations/src/testing/recommendation.builder';
import { ProjectedReadModel } from '../testing/projected-read-model';
import { overdueReport } from './reports';

/** Seven overdue items of one department (due a day apart) and two of another, well after their due dates. */
function overdueFixture(): ProjectedReadModel {
  const rm = new ProjectedReadModel();
  for (let i = 0; i < 7; i++) {
    rm.add(
      `ha-${i}`,
      aRecommendation(`ha-${i}`)
        .raisedBy(secretariat())
        .accepted()
        .assignedTo('home-affairs', { dueAt: plus(DUE_AT, i * DAY) })
        .build(),
    );
  }
  for (let i = 0; i < 2; i++) {
    rm.add(
      `fi-${i}`,
      aRecommendation(`fi-${i}`)
        .raisedBy(secretariat())
        .accepted()
        .assignedTo('finance', { dueAt: plus(DUE_AT, i * DAY) })
        .build(),
    );
  }
  return rm;
}

const LATER = new Date(plus(DUE_AT, 60 * DAY));

describe('overdueReport pages its items', () => {
  let rm: ProjectedReadModel;
  beforeAll(() => {
    rm = overdueFixture();
  });
  afterAll(() => rm.close());

  it('counts every item of every group and lists a page of each, oldest first', () => {
    const report = overdueReport(rm.db, secretariat(), 'department', LATER, { limit: 3 });
    expect(report.total).toBe(9);
    const [homeAffairs, finance] = report.groups;
    expect(homeAffairs).toMatchObject({ key: 'home-affairs', count: 7, oldestDueAt: DUE_AT });
    expect(homeAffairs.items.map((i) => i.id)).toEqual(['ha-0', 'ha-1', 'ha-2']);
    expect(homeAffairs.nextCursor).toEqual(expect.any(String));
    expect(finance).toMatchObject({ key: 'finance', count: 2, nextCursor: null });
    expect(finance.items.map((i) => i.id)).toEqual(['fi-0', 'fi-1']);
  });

  it('follows one group’s cursor to its end, every item once, its count and oldest date unchanged', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const report = overdueReport(rm.db, secretariat(), 'department', LATER, { limit: 3, group: 'home-affairs', cursor });
      expect(report.groups).toHaveLength(1);
      const [group] = report.groups;
      expect(group).toMatchObject({ key: 'home-affairs', count: 7, oldestDueAt: DUE_AT });
      seen.push(...group.items.map((i) => i.id));
      if (!group.nextCursor) break;
      cursor = group.nextCursor;
    }
    expect(seen).toEqual(['ha-0', 'ha-1', 'ha-2', 'ha-3', 'ha-4', 'ha-5', 'ha-6']);
  });

  it('lists 50 items per group by default and names the group of items without a key "(none)"', () => {
    const report = overdueReport(rm.db, secretariat(), 'workingGroup', LATER);
    expect(report.groups.map((g) => [g.key, g.count, g.items.length])).toEqual([['1', 9, 9]]);
  });
});
