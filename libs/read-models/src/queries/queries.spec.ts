import type { Actor, RecommendationEvent } from '@app/recommendations';
import {
  DAY,
  HOUR,
  aRecommendation,
  anAttachment,
  auditor,
  commune,
  committee,
  department,
  plus,
  secretariat,
} from '../../../recommendations/src/testing/recommendation.builder';
import { ProjectedReadModel } from '../testing/projected-read-model';
import {
  InvalidCursorError,
  listRecommendations,
  openInvolvements,
  type ListFilters,
  type ListItem,
} from './list-recommendations';
import { overdueReport, summaryReport } from './reports';

const HOME_AFFAIRS = 'home-affairs';
const FINANCE = 'finance';
const CONSTRUCTION = 'construction';
const SCIENCE = 'science-technology';
const AGRICULTURE = 'agriculture-environment';

/** Patches the RecommendationRaised of a history (the builder fixes the working group and description). */
function withRaised(
  events: RecommendationEvent[],
  patch: { workingGroup?: number | null; description?: string },
): RecommendationEvent[] {
  return events.map((e) => (e.type === 'RecommendationRaised' ? { ...e, data: { ...e.data, ...patch } } : e));
}

const ids = (result: { items: ListItem[] }) => result.items.map((i) => i.id);
const sortedIds = (result: { items: ListItem[] }) => ids(result).sort();

/**
 * Nine items at NOW (15 October 2025):
 *   a raised · b accepted · c declined · d assigned to home-affairs, overdue · e assigned to finance, not due yet ·
 *   f resolved by construction · g returned by home-affairs, reassigned to science-technology, overdue ·
 *   h answered on the spot · i assigned to home-affairs, overdue.
 */
const NOW = new Date('2025-10-15T03:00:00.000Z');
const D_DUE = '2025-10-01T17:00:00+07:00';
const G_DUE = '2025-09-01T10:00:00.000Z';
const I_DUE = '2025-09-15T10:00:00.000Z';
const E_DUE = '2025-11-28T10:00:00.000Z';
const F_DUE = '2025-09-30T10:00:00.000Z';

function listingFixture(): ProjectedReadModel {
  const clerk = (code: string) => commune(code);
  return new ProjectedReadModel()
    .add(
      'a',
      withRaised(
        aRecommendation('a')
          .raisedBy(clerk('tam-thanh'), {
            category: 'headquarters',
            title: 'Invest in a centralized headquarters for Tam Thanh and Luong Van Tri',
            at: '2025-08-04T02:00:00.000Z',
          })
          .build(),
        { description: 'The two wards work from four separate buildings since the merger.' },
      ),
    )
    .add(
      'b',
      withRaised(
        aRecommendation('b')
          .raisedBy(clerk('luong-van-tri'), {
            category: 'staffing',
            title: "Add more vice chairmen of the ward People's Committee",
            at: '2025-08-04T03:00:00.000Z',
          })
          .accepted()
          .build(),
        { description: 'One chairman for 40,000 residents.' },
      ),
    )
    .add(
      'c',
      withRaised(
        aRecommendation('c')
          .raisedBy(clerk('na-sam'), { category: 'staffing', title: 'Second a deputy secretary', at: '2025-08-11T02:00:00.000Z' })
          .declined()
          .build(),
        { workingGroup: 2, description: 'Already settled.' },
      ),
    )
    .add(
      'd',
      withRaised(
        aRecommendation('d')
          .raisedBy(clerk('tam-thanh'), {
            category: 'staffing',
            title: 'Second IT staff to the ward',
            at: '2025-08-04T04:00:00.000Z',
          })
          .accepted()
          .assignedTo(HOME_AFFAIRS, { dueAt: D_DUE })
          .build(),
        { description: 'For three to six months.' },
      ),
    )
    .add(
      'e',
      withRaised(
        aRecommendation('e')
          .raisedBy(clerk('na-sam'), {
            category: 'funds',
            title: 'Allocate funds to repair the commune headquarters',
            at: '2025-08-11T03:00:00.000Z',
          })
          .accepted()
          .assignedTo(FINANCE, { dueAt: E_DUE })
          .build(),
        { workingGroup: 2, description: 'The roof leaks.' },
      ),
    )
    .add(
      'f',
      withRaised(
        aRecommendation('f')
          .raisedBy(clerk('van-lang'), {
            category: 'traffic',
            title: 'Upgrade the road to the border gate',
            at: '2025-08-11T04:00:00.000Z',
          })
          .accepted()
          .assignedTo(CONSTRUCTION, { dueAt: F_DUE })
          .resolved({ at: '2025-09-20T02:00:00.000Z' })
          .build(),
        { workingGroup: 2, description: 'Trucks cannot pass in the rainy season.' },
      ),
    )
    .add(
      'g',
      withRaised(
        aRecommendation('g')
          .raisedBy(clerk('van-lang'), {
            category: 'traffic',
            title: 'Nâng cấp tuyến đường giao thông Lạng Sơn – Đồng Đăng',
            at: '2025-08-11T05:00:00.000Z',
          })
          .accepted()
          .assignedTo(HOME_AFFAIRS)
          .returned()
          .assignedTo(SCIENCE, { dueAt: G_DUE })
          .build(),
        { workingGroup: 2, description: 'Đường xuống cấp nghiêm trọng.' },
      ),
    )
    .add(
      'h',
      withRaised(
        aRecommendation('h')
          .raisedBy(clerk('tam-thanh'), {
            category: 'headquarters',
            title: 'Clarify who signs land certificates after the merger',
            at: '2025-08-04T05:00:00.000Z',
          })
          .accepted()
          .resolved()
          .build(),
        { description: 'Answered at the session.' },
      ),
    )
    .add(
      'i',
      withRaised(
        aRecommendation('i')
          .raisedBy(clerk('luong-van-tri'), {
            category: 'staffing',
            title: 'Train officials on electronic authentication for enterprises',
            at: '2025-08-04T06:00:00.000Z',
          })
          .accepted()
          .assignedTo(HOME_AFFAIRS, { dueAt: I_DUE })
          .build(),
        { description: 'Needed for the staffing plan of the ward.' },
      ),
    );
}

describe('listRecommendations', () => {
  let rm: ProjectedReadModel;
  beforeAll(() => {
    rm = listingFixture();
  });
  afterAll(() => rm.close());
  const list = (filters: ListFilters, actor: Actor = secretariat(), now: Date = NOW) =>
    listRecommendations(rm.db, actor, filters, now);

  it('with no filter lists every item, newest raised first, with the total', () => {
    const result = list({});
    expect(ids(result)).toEqual(['g', 'f', 'e', 'c', 'i', 'h', 'd', 'b', 'a']);
    expect(result.total).toBe(9);
    expect(result.nextCursor).toBeNull();
  });

  it('maps a row to the list item of API.md', () => {
    const [item] = list({ commune: 'tam-thanh', status: 'assigned' }).items;
    expect(item).toEqual({
      id: 'd',
      revision: 2,
      status: 'assigned',
      commune: 'tam-thanh',
      workingGroup: 1,
      sessionId: null,
      category: 'staffing',
      title: 'Second IT staff to the ward',
      raisedAt: '2025-08-04T04:00:00.000Z',
      department: HOME_AFFAIRS,
      assignedAt: '2025-08-04T06:00:00.000Z',
      acknowledgedAt: null,
      dueAt: D_DUE,
      resolvedAt: null,
      overdue: true,
      daysOverdue: 13,
    });
  });

  describe('each filter', () => {
    it.each<[string, ListFilters, string[]]>([
      ['status=raised', { status: 'raised' }, ['a']],
      ['status=accepted', { status: 'accepted' }, ['b']],
      ['status=declined', { status: 'declined' }, ['c']],
      ['status=assigned', { status: 'assigned' }, ['d', 'e', 'g', 'i']],
      ['status=resolved', { status: 'resolved' }, ['f', 'h']],
      ['department (the current one)', { department: HOME_AFFAIRS }, ['d', 'i']],
      ['department of a reassigned item', { department: SCIENCE }, ['g']],
      ['department of a resolved item', { department: CONSTRUCTION }, ['f']],
      ['commune', { commune: 'tam-thanh' }, ['a', 'd', 'h']],
      ['workingGroup', { workingGroup: 2 }, ['c', 'e', 'f', 'g']],
      ['workingGroup 1', { workingGroup: 1 }, ['a', 'b', 'd', 'h', 'i']],
      ['category', { category: 'staffing' }, ['b', 'c', 'd', 'i']],
      ['overdue=true', { overdue: true }, ['d', 'g', 'i']],
      ['overdue=false', { overdue: false }, ['a', 'b', 'c', 'e', 'f', 'h']],
      ['several at once', { status: 'assigned', commune: 'na-sam', workingGroup: 2, category: 'funds' }, ['e']],
      ['an unknown value', { commune: 'nowhere' }, []],
    ])('%s', (_name, filters, expected) => {
      const result = list(filters);
      expect(sortedIds(result)).toEqual(expected);
      expect(result.total).toBe(expected.length);
    });
  });

  describe('overdue is computed from `now`, not stored', () => {
    it('the table has no overdue column', () => {
      const columns = (rm.db.prepare('PRAGMA table_info(recommendations)').all() as Array<{ name: string }>).map((c) => c.name);
      expect(columns.some((c) => c.includes('overdue'))).toBe(false);
    });

    it('the same rows are overdue or not depending on now', () => {
      expect(sortedIds(list({ overdue: true }, secretariat(), new Date('2025-09-01T00:00:00.000Z')))).toEqual([]);
      expect(sortedIds(list({ overdue: true }, secretariat(), new Date('2025-09-10T00:00:00.000Z')))).toEqual(['g']);
      expect(sortedIds(list({ overdue: true }, secretariat(), new Date('2025-10-02T00:00:00.000Z')))).toEqual(['d', 'g', 'i']);
      expect(sortedIds(list({ overdue: true }, secretariat(), new Date('2025-12-01T00:00:00.000Z')))).toEqual([
        'd',
        'e',
        'g',
        'i',
      ]);
    });

    it('an item is overdue only once now is past its due date, and then by whole days', () => {
      const at = (iso: string) => list({ status: 'assigned', department: SCIENCE }, secretariat(), new Date(iso)).items[0];
      expect(at(G_DUE)).toMatchObject({ overdue: false, daysOverdue: 0 });
      expect(at(plus(G_DUE, 1))).toMatchObject({ overdue: true, daysOverdue: 0 });
      expect(at(plus(G_DUE, DAY - 1))).toMatchObject({ overdue: true, daysOverdue: 0 });
      expect(at(plus(G_DUE, DAY))).toMatchObject({ overdue: true, daysOverdue: 1 });
      expect(sortedIds(list({ overdue: true }, secretariat(), new Date(G_DUE)))).toEqual([]);
    });

    it('a resolved item past its due date is not overdue', () => {
      const f = list({ department: CONSTRUCTION }).items[0];
      expect(f).toMatchObject({ status: 'resolved', dueAt: F_DUE, overdue: false, daysOverdue: 0 });
    });
  });

  describe('q: full-text over title and description', () => {
    it.each<[string, string[]]>([
      ['headquarters', ['a', 'e']],
      ['HEADQUARTERS', ['a', 'e']],
      ['roof', ['e']],
      ['tam thanh headquarters', ['a']],
      ['staff', ['d']],
    ])('q=%j', (q, expected) => {
      const result = list({ q });
      expect(sortedIds(result)).toEqual(expected);
      expect(result.total).toBe(expected.length);
    });

    it("Vietnamese diacritics are ignored both ways: 'Lạng Sơn' and 'lang son' find the same item", () => {
      expect(sortedIds(list({ q: 'Lạng Sơn' }))).toEqual(['g']);
      expect(sortedIds(list({ q: 'lang son' }))).toEqual(['g']);
      expect(sortedIds(list({ q: 'LANG SON' }))).toEqual(['g']);
      expect(sortedIds(list({ q: 'xuống cấp' }))).toEqual(['g']);
      expect(sortedIds(list({ q: 'xuong cap' }))).toEqual(['g']);
      expect(sortedIds(list({ q: 'Đồng Đăng' }))).toEqual(['g']);
    });

    it("q typed in decomposed Unicode (NFD, as macOS and some Vietnamese keyboards send it) finds 'Lạng Sơn'", () => {
      const decomposed = 'Lạng Sơn'.normalize('NFD');
      expect(decomposed).not.toBe('Lạng Sơn');
      expect(sortedIds(list({ q: decomposed }))).toEqual(['g']);
    });

    it("'đ' is searched as 'd', as Vietnamese written without accents does: 'dong dang' finds 'Đồng Đăng'", () => {
      expect(sortedIds(list({ q: 'dong dang' }))).toEqual(['g']);
      expect(sortedIds(list({ q: 'nang cap tuyen duong' }))).toEqual(['g']);
    });

    it.each<[string, string[]]>([
      ['"headquarters', ['a', 'e']],
      ['headquarters"', ['a', 'e']],
      ['tam-thanh: (headquarters)', ['a']],
      ['headquarters OR roof', []],
      ['NOT headquarters', []],
      ['staff*', ['d']],
      ['title:roof', []],
      ['head^quarters', []],
      ['NEAR(tam thanh)', []],
    ])('punctuation and operators are plain text, never FTS5 syntax: q=%j', (q, expected) => {
      expect(() => list({ q })).not.toThrow();
      expect(sortedIds(list({ q }))).toEqual(expected);
    });

    it('a q with no letter or digit finds nothing, without an error', () => {
      for (const q of ['!!!', '"', '*', '()', '   ']) {
        const result = list({ q });
        expect(result).toEqual({ items: [], nextCursor: null, total: 0 });
      }
    });

    it('q combines with other filters and with scope', () => {
      expect(sortedIds(list({ q: 'headquarters', status: 'assigned' }))).toEqual(['e']);
      expect(sortedIds(list({ q: 'headquarters' }, commune('tam-thanh')))).toEqual(['a']);
      expect(sortedIds(list({ q: 'headquarters' }, department(FINANCE)))).toEqual(['e']);
    });
  });

  describe('sort', () => {
    it('dueAt: soonest due first by instant (whatever the offset written), items without a due date last', () => {
      expect(ids(list({ sort: 'dueAt' }))).toEqual(['g', 'i', 'f', 'd', 'e', 'a', 'b', 'c', 'h']);
    });

    it('-raisedAt (the default): newest raised first', () => {
      expect(ids(list({ sort: '-raisedAt' }))).toEqual(['g', 'f', 'e', 'c', 'i', 'h', 'd', 'b', 'a']);
      expect(ids(list({ sort: '-raisedAt' }))).toEqual(ids(list({})));
    });

    it('limit is clamped to 1..500', () => {
      expect(list({ limit: 0 }).items).toHaveLength(1);
      expect(list({ limit: -5 }).items).toHaveLength(1);
      expect(list({ limit: 100_000 }).items).toHaveLength(9);
    });
  });

  describe('scope', () => {
    it('a department sees the items it holds now or held before, and no other', () => {
      expect(sortedIds(list({}, department(HOME_AFFAIRS)))).toEqual(['d', 'g', 'i']);
      expect(sortedIds(list({}, department(SCIENCE)))).toEqual(['g']);
      expect(sortedIds(list({}, department(FINANCE)))).toEqual(['e']);
      expect(sortedIds(list({}, department(CONSTRUCTION)))).toEqual(['f']);
      expect(list({}, department('agriculture-environment'))).toEqual({ items: [], nextCursor: null, total: 0 });
    });

    it('a commune sees only its own items, whatever commune filter it asks for', () => {
      expect(sortedIds(list({}, commune('tam-thanh')))).toEqual(['a', 'd', 'h']);
      expect(sortedIds(list({}, commune('na-sam')))).toEqual(['c', 'e']);
      expect(list({ commune: 'na-sam' }, commune('tam-thanh')).total).toBe(0);
    });

    it('scope narrows filters and totals', () => {
      const result = list({ overdue: true }, department(HOME_AFFAIRS));
      expect(sortedIds(result)).toEqual(['d', 'g', 'i']);
      expect(result.total).toBe(3);
      expect(sortedIds(list({ status: 'assigned', department: SCIENCE }, department(HOME_AFFAIRS)))).toEqual(['g']);
      expect(list({ department: FINANCE }, department(HOME_AFFAIRS)).total).toBe(0);
    });

    it("an item returned and not reassigned is nobody's: no department filter lists it, the department that held it still sees it", () => {
      const returned = new ProjectedReadModel().add(
        'r',
        aRecommendation('r').accepted().assignedTo(HOME_AFFAIRS).acknowledged().returned().build(),
      );
      try {
        const listR = (filters: ListFilters, actor: Actor = secretariat()) =>
          listRecommendations(returned.db, actor, filters, NOW);
        expect(listR({ department: HOME_AFFAIRS }).total).toBe(0);
        expect(listR({ department: HOME_AFFAIRS }, department(HOME_AFFAIRS)).total).toBe(0);
        expect(listR({ overdue: true }).total).toBe(0);
        expect(listR({}, department(HOME_AFFAIRS)).items).toEqual([
          expect.objectContaining({
            id: 'r',
            status: 'accepted',
            department: null,
            dueAt: null,
            assignedAt: null,
            acknowledgedAt: null,
          }),
        ]);
        expect(ids(listR({ sort: 'dueAt' }))).toEqual(['r']);
      } finally {
        returned.close();
      }
    });

    it('secretariat, committee and auditor see everything', () => {
      for (const actor of [secretariat(), committee(), auditor()]) expect(list({}, actor).total).toBe(9);
    });
  });
});

describe('listRecommendations: keyset pagination', () => {
  let rm: ProjectedReadModel;
  const all: string[] = [];
  const BASE = '2025-08-04T02:00:00.000Z';

  beforeAll(() => {
    rm = new ProjectedReadModel();
    // 25 items: raisedAt shared by groups of 5, due dates shared by pairs, 6 with no due date at all.
    for (let n = 0; n < 25; n++) {
      const id = `p-${String((n * 7) % 25).padStart(2, '0')}`;
      const builder = aRecommendation(id).raisedBy(commune('tam-thanh'), { at: plus(BASE, Math.floor(n / 5) * DAY) });
      if (n % 4 !== 3)
        builder.accepted().assignedTo(HOME_AFFAIRS, { dueAt: plus('2025-10-01T10:00:00.000Z', Math.floor(n / 2) * HOUR) });
      rm.add(id, builder.build());
      all.push(id);
    }
  });
  afterAll(() => rm.close());

  function pages(filters: ListFilters, actor: Actor = secretariat()) {
    const seen: Array<{ ids: string[]; total: number; nextCursor: string | null }> = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const page = listRecommendations(rm.db, actor, { ...filters, cursor }, NOW);
      seen.push({ ids: ids(page), total: page.total, nextCursor: page.nextCursor });
      if (!page.nextCursor) return seen;
      cursor = page.nextCursor;
    }
    throw new Error('pagination never ended');
  }

  it.each<['dueAt' | '-raisedAt']>([['dueAt'], ['-raisedAt']])('sort=%s, limit 10: every item exactly once, in order', (sort) => {
    const whole = ids(listRecommendations(rm.db, secretariat(), { sort, limit: 500 }, NOW));
    expect([...whole].sort()).toEqual([...all].sort());

    const seen = pages({ sort, limit: 10 });
    expect(seen.map((p) => p.ids.length)).toEqual([10, 10, 5]);
    expect(seen.every((p) => p.total === 25)).toBe(true);
    expect(seen[2].nextCursor).toBeNull();
    const paged = seen.flatMap((p) => p.ids);
    expect(new Set(paged).size).toBe(25);
    expect(paged).toEqual(whole);
  });

  it.each<['dueAt' | '-raisedAt', number]>([
    ['dueAt', 1],
    ['dueAt', 5],
    ['dueAt', 7],
    ['-raisedAt', 1],
    ['-raisedAt', 5],
    ['-raisedAt', 7],
  ])('sort=%s, limit %i: same order, no empty last page', (sort, limit) => {
    const whole = ids(listRecommendations(rm.db, secretariat(), { sort, limit: 500 }, NOW));
    const seen = pages({ sort, limit });
    expect(seen.flatMap((p) => p.ids)).toEqual(whole);
    expect(seen.length).toBe(Math.ceil(25 / limit));
    expect(seen[seen.length - 1].ids.length).toBeGreaterThan(0);
  });

  it('pages with a filter and a scope only walk what they select', () => {
    const seen = pages({ sort: 'dueAt', status: 'assigned', limit: 4 }, department(HOME_AFFAIRS));
    const paged = seen.flatMap((p) => p.ids);
    expect(paged).toHaveLength(19);
    expect(new Set(paged).size).toBe(19);
    expect(seen.every((p) => p.total === 19)).toBe(true);
  });

  it('an item raised between two pages does not shift the next page (-raisedAt)', () => {
    const first = listRecommendations(rm.db, secretariat(), { limit: 10 }, NOW);
    const extra = new ProjectedReadModel();
    try {
      // Same rows plus a newer one, in a separate file so the shared fixture stays as it is.
      for (const id of all) {
        const row = rm.db.prepare('SELECT raised_at FROM recommendations WHERE id = ?').get(id) as { raised_at: string };
        extra.add(id, aRecommendation(id).raisedBy(commune('tam-thanh'), { at: row.raised_at }).build());
      }
      extra.add('p-new', aRecommendation('p-new').raisedBy(commune('tam-thanh'), { at: '2025-10-10T00:00:00.000Z' }).build());
      const rest: string[] = [];
      let cursor = first.nextCursor ?? undefined;
      while (cursor) {
        const page = listRecommendations(extra.db, secretariat(), { limit: 10, cursor }, NOW);
        rest.push(...ids(page));
        cursor = page.nextCursor ?? undefined;
      }
      expect([...ids(first), ...rest]).toEqual(ids(listRecommendations(rm.db, secretariat(), { limit: 500 }, NOW)));
    } finally {
      extra.close();
    }
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor!!'],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['a number', Buffer.from('5').toString('base64url')],
    ['no id', Buffer.from(JSON.stringify({ v: 1 })).toString('base64url')],
    ['an object value', Buffer.from(JSON.stringify({ v: {}, id: 'p-01' })).toString('base64url')],
    ['a numeric id', Buffer.from(JSON.stringify({ v: 1, id: 7 })).toString('base64url')],
  ])('an invalid cursor (%s) is an InvalidCursorError', (_name, cursor) => {
    for (const sort of ['dueAt', '-raisedAt'] as const) {
      let error: unknown;
      try {
        listRecommendations(rm.db, secretariat(), { sort, cursor }, NOW);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidCursorError);
      expect((error as InvalidCursorError).code).toBe('VALIDATION.CURSOR');
    }
  });
});

describe('overdueReport', () => {
  let rm: ProjectedReadModel;
  beforeAll(() => {
    rm = listingFixture();
  });
  afterAll(() => rm.close());

  it('groupBy department: count, oldest due date, items oldest due first; groups by count then key', () => {
    const report = overdueReport(rm.db, secretariat(), 'department', NOW);
    expect(report.asOf).toBe(NOW.toISOString());
    expect(report.total).toBe(3);
    expect(
      report.groups.map(({ items, nextCursor, ...g }) => ({ ...g, items: items.map((i) => i.id), more: nextCursor !== null })),
    ).toEqual([
      { key: HOME_AFFAIRS, count: 2, oldestDueAt: I_DUE, items: ['i', 'd'], more: false },
      { key: SCIENCE, count: 1, oldestDueAt: G_DUE, items: ['g'], more: false },
    ]);
    expect(report.groups[0].items[0]).toMatchObject({ id: 'i', overdue: true, daysOverdue: 29, dueAt: I_DUE });
  });

  it.each<
    [
      'commune' | 'workingGroup' | 'category',
      Array<{ key: string; count: number; oldestDueAt: string; items: string[]; more: boolean }>,
    ]
  >([
    [
      'commune',
      [
        { key: 'luong-van-tri', count: 1, oldestDueAt: I_DUE, items: ['i'], more: false },
        { key: 'tam-thanh', count: 1, oldestDueAt: D_DUE, items: ['d'], more: false },
        { key: 'van-lang', count: 1, oldestDueAt: G_DUE, items: ['g'], more: false },
      ],
    ],
    [
      'workingGroup',
      [
        { key: '1', count: 2, oldestDueAt: I_DUE, items: ['i', 'd'], more: false },
        { key: '2', count: 1, oldestDueAt: G_DUE, items: ['g'], more: false },
      ],
    ],
    [
      'category',
      [
        { key: 'staffing', count: 2, oldestDueAt: I_DUE, items: ['i', 'd'], more: false },
        { key: 'traffic', count: 1, oldestDueAt: G_DUE, items: ['g'], more: false },
      ],
    ],
  ])('groupBy %s', (groupBy, expected) => {
    const report = overdueReport(rm.db, secretariat(), groupBy, NOW);
    expect(report.total).toBe(3);
    expect(
      report.groups.map(({ items, nextCursor, ...g }) => ({ ...g, items: items.map((i) => i.id), more: nextCursor !== null })),
    ).toEqual(expected);
  });

  it('only assigned items past due at `now`; resolved ones never', () => {
    expect(overdueReport(rm.db, secretariat(), 'department', new Date('2025-09-01T00:00:00.000Z'))).toMatchObject({
      total: 0,
      groups: [],
    });
    const late = overdueReport(rm.db, secretariat(), 'department', new Date('2026-01-01T00:00:00.000Z'));
    expect(late.total).toBe(4);
    expect(late.groups.map((g) => g.key)).toEqual([HOME_AFFAIRS, FINANCE, SCIENCE]);
  });

  it('is scoped like the list', () => {
    expect(overdueReport(rm.db, department(SCIENCE), 'department', NOW).total).toBe(1);
    expect(overdueReport(rm.db, department(HOME_AFFAIRS), 'department', NOW).total).toBe(3);
    expect(overdueReport(rm.db, department(FINANCE), 'department', NOW).total).toBe(0);
    const own = overdueReport(rm.db, commune('tam-thanh'), 'commune', NOW);
    expect(own.groups.map((g) => [g.key, g.count])).toEqual([['tam-thanh', 1]]);
  });
});

describe('summaryReport', () => {
  const NOW_S = new Date('2025-12-01T00:00:00.000Z');
  const FROM = new Date('2025-10-01T00:00:00.000Z');
  const TO = new Date('2025-11-30T23:59:59.999Z');
  const daysBefore = (days: number) => new Date(NOW_S.getTime() - days * DAY).toISOString();
  let rm: ProjectedReadModel;

  /** Raised two hours and accepted one hour before its assignment. */
  const assigned = (id: string, to: string, assignedAt: string, dueAt: string) =>
    aRecommendation(id)
      .raisedBy(commune('tam-thanh'), { at: plus(assignedAt, -2 * HOUR) })
      .accepted({ at: plus(assignedAt, -HOUR) })
      .assignedTo(to, { dueAt, at: assignedAt });

  beforeAll(() => {
    rm = new ProjectedReadModel();
    // home-affairs: 7 open items, assigned k days ago, due 20 days after assignment.
    for (const k of [3, 7, 8, 30, 31, 90, 91]) {
      const at = daysBefore(k);
      rm.add(`ha-open-${k}`, assigned(`ha-open-${k}`, HOME_AFFAIRS, at, plus(at, 20 * DAY)).build());
    }
    // home-affairs resolutions in the period: 2 days (on time), 5 days (late), 10 days (on time).
    const r = (id: string, assignedAt: string, dueDays: number, resolveDays: number) =>
      rm.add(
        id,
        assigned(id, HOME_AFFAIRS, assignedAt, plus(assignedAt, dueDays * DAY))
          .resolved({ at: plus(assignedAt, resolveDays * DAY) })
          .build(),
      );
    r('ha-r1', '2025-10-01T00:00:00.000Z', 20, 2);
    r('ha-r2', '2025-10-05T00:00:00.000Z', 3, 5);
    r('ha-r3', '2025-10-10T00:00:00.000Z', 20, 10);
    // …and one before the period: 14 days, late.
    r('ha-r4', '2025-09-01T00:00:00.000Z', 9, 14);
    // finance: resolved after 6 days, reopened, resolved again 3.5 days after reopening; both on time.
    rm.add(
      'fin-reopened',
      assigned('fin-reopened', FINANCE, '2025-10-02T00:00:00.000Z', '2025-10-22T00:00:00.000Z')
        .resolved({ at: '2025-10-08T00:00:00.000Z' })
        .reopened({ dueAt: '2025-10-30T00:00:00.000Z', at: '2025-10-10T00:00:00.000Z' })
        .resolved({ at: '2025-10-13T12:00:00.000Z' })
        .build(),
    );
    // construction: one open item, assigned yesterday, not due.
    rm.add('con-open', assigned('con-open', CONSTRUCTION, daysBefore(1), plus(daysBefore(1), 30 * DAY)).build());
    // answered on the spot in the period: no department.
    rm.add(
      'spot',
      aRecommendation('spot')
        .raisedBy(commune('tam-thanh'), { at: '2025-10-15T00:00:00.000Z' })
        .accepted()
        .resolved({ at: '2025-10-15T05:00:00.000Z' })
        .build(),
    );
    rm.add(
      'declined',
      aRecommendation('declined').raisedBy(commune('na-sam'), { at: '2025-10-05T00:00:00.000Z' }).declined().build(),
    );
  });
  afterAll(() => rm.close());

  it('per department in the period: open, overdue, resolved, on time, rate, median days, ageing', () => {
    const report = summaryReport(rm.db, secretariat(), { from: FROM, to: TO }, NOW_S);
    expect(report.asOf).toBe(NOW_S.toISOString());
    expect(report.from).toBe(FROM.toISOString());
    expect(report.to).toBe(TO.toISOString());
    expect(report.departments).toEqual([
      {
        department: CONSTRUCTION,
        open: 1,
        overdue: 0,
        resolved: 0,
        resolvedOnTime: 0,
        onTimeRate: null,
        medianDaysToResolve: null,
        ageing: { '0-7': 1, '8-30': 0, '31-90': 0, '>90': 0 },
        explanationsPending: 0,
        explanationsLate: 0,
      },
      {
        department: FINANCE,
        open: 0,
        overdue: 0,
        resolved: 2,
        resolvedOnTime: 2,
        onTimeRate: 1,
        medianDaysToResolve: 4.8,
        ageing: { '0-7': 0, '8-30': 0, '31-90': 0, '>90': 0 },
        explanationsPending: 0,
        explanationsLate: 0,
      },
      {
        department: HOME_AFFAIRS,
        open: 7,
        overdue: 4,
        resolved: 3,
        resolvedOnTime: 2,
        onTimeRate: 0.6667,
        medianDaysToResolve: 5,
        ageing: { '0-7': 2, '8-30': 2, '31-90': 2, '>90': 1 },
        explanationsPending: 0,
        explanationsLate: 0,
      },
    ]);
    expect(report.totals).toEqual({
      byStatus: { assigned: 6, resolved: 4, declined: 1 },
      open: 8,
      overdue: 4,
      resolved: 5,
      resolvedOnTime: 4,
      onTimeRate: 0.8,
    });
  });

  it('answered-on-the-spot resolutions belong to no department and count in no department figure', () => {
    const report = summaryReport(rm.db, secretariat(), {}, NOW_S);
    expect(report.departments.map((d) => d.department)).toEqual([CONSTRUCTION, FINANCE, HOME_AFFAIRS]);
    expect(report.departments.some((d) => d.department === null || d.department === '(none)')).toBe(false);
    // 7 resolutions in the table, one of them on the spot: 6 count for departments.
    expect((rm.db.prepare('SELECT count(*) AS n FROM resolutions').get() as { n: number }).n).toBe(7);
    expect(report.totals.resolved).toBe(6);
    expect(report.totals.resolvedOnTime).toBe(4);
  });

  it('without a period every resolution counts; open, overdue and ageing are always as of now', () => {
    const all = summaryReport(rm.db, secretariat(), {}, NOW_S);
    const homeAffairs = all.departments.find((d) => d.department === HOME_AFFAIRS);
    expect(homeAffairs).toEqual({
      department: HOME_AFFAIRS,
      open: 7,
      overdue: 4,
      resolved: 4,
      resolvedOnTime: 2,
      onTimeRate: 0.5,
      medianDaysToResolve: 7.5,
      ageing: { '0-7': 2, '8-30': 2, '31-90': 2, '>90': 1 },
      explanationsPending: 0,
      explanationsLate: 0,
    });
    expect(all.from).toBeNull();
    expect(all.to).toBeNull();
    expect(all.totals.byStatus).toEqual({ assigned: 8, resolved: 6, declined: 1 });
  });

  it('from and to are inclusive bounds on the resolution time', () => {
    const r3 = new Date('2025-10-20T00:00:00.000Z');
    const only = summaryReport(rm.db, secretariat(), { from: r3, to: r3 }, NOW_S);
    expect(only.departments.find((d) => d.department === HOME_AFFAIRS)).toMatchObject({
      resolved: 1,
      resolvedOnTime: 1,
      medianDaysToResolve: 10,
      open: 7,
    });
    expect(only.totals.resolved).toBe(1);
    const before = summaryReport(rm.db, secretariat(), { to: new Date('2025-09-30T23:59:59.999Z') }, NOW_S);
    expect(before.departments.find((d) => d.department === HOME_AFFAIRS)).toMatchObject({ resolved: 1, resolvedOnTime: 0 });
    expect(before.departments.find((d) => d.department === FINANCE)).toBeUndefined();
    const after = summaryReport(rm.db, secretariat(), { from: new Date('2025-10-13T00:00:00.000Z') }, NOW_S);
    expect(after.departments.find((d) => d.department === FINANCE)).toMatchObject({ resolved: 1, medianDaysToResolve: 3.5 });
  });

  it('ageing buckets are whole days since assignment: 0–7, 8–30, 31–90, >90', () => {
    const later = summaryReport(rm.db, secretariat(), {}, new Date(NOW_S.getTime() + DAY));
    // One day later: 4, 8, 9, 31, 32, 91, 92 days.
    expect(later.departments.find((d) => d.department === HOME_AFFAIRS)?.ageing).toEqual({
      '0-7': 1,
      '8-30': 2,
      '31-90': 2,
      '>90': 2,
    });
  });

  it('is scoped: a department sees the figures of the items it held', () => {
    const report = summaryReport(rm.db, department(FINANCE), {}, NOW_S);
    expect(report.departments.map((d) => d.department)).toEqual([FINANCE]);
    expect(report.totals.byStatus).toEqual({ resolved: 1 });
  });
});

/**
 * Lead and coordinating departments at NOW (15 October 2025), items k1–k5:
 *   k1 led by home-affairs, finance and construction coordinating, raised at session S1, overdue ·
 *   k2 led by finance, home-affairs coordinating, raised at S1 · k3 led by home-affairs, returned,
 *   then led by science-technology with finance coordinating · k4 raised at S2, not assigned ·
 *   k5 led by construction, finance coordinating until a merger moved its part to science-technology.
 */
const S1 = '0b6f3e2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b';
const S2 = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
function involvementFixture(): ProjectedReadModel {
  const far = '2025-12-31T10:00:00.000Z';
  return new ProjectedReadModel()
    .add(
      'k1',
      aRecommendation('k1')
        .raisedBy(commune('tam-thanh'), { at: '2025-08-04T02:00:00.000Z' })
        .inSession(S1)
        .accepted()
        .assignedTo(HOME_AFFAIRS, { dueAt: D_DUE })
        .coordinatedBy([FINANCE, CONSTRUCTION], { dueAt: '2025-09-20T10:00:00.000Z' })
        .build(),
    )
    .add(
      'k2',
      aRecommendation('k2')
        .raisedBy(commune('luong-van-tri'), { at: '2025-08-04T03:00:00.000Z' })
        .inSession(S1)
        .accepted()
        .assignedTo(FINANCE, { dueAt: far })
        .coordinatedBy([HOME_AFFAIRS], { dueAt: far })
        .build(),
    )
    .add(
      'k3',
      aRecommendation('k3')
        .raisedBy(commune('na-sam'), { at: '2025-08-11T02:00:00.000Z' })
        .accepted()
        .assignedTo(HOME_AFFAIRS, { dueAt: far })
        .returned()
        .assignedTo(SCIENCE, { dueAt: far })
        .coordinatedBy([FINANCE], { dueAt: far })
        .build(),
    )
    .add(
      'k4',
      aRecommendation('k4')
        .raisedBy(commune('na-sam'), { at: '2025-08-11T03:00:00.000Z' })
        .inSession(S2, { workingGroup: 2, sessionDate: '2025-08-11' })
        .build(),
    )
    .add(
      'k5',
      aRecommendation('k5')
        .raisedBy(commune('van-lang'), { at: '2025-08-11T04:00:00.000Z' })
        .accepted()
        .assignedTo(CONSTRUCTION, { dueAt: far })
        .coordinatedBy([FINANCE], { dueAt: far })
        .coordinationTransferred(FINANCE, SCIENCE)
        .build(),
    );
}

describe('listRecommendations: involvement and sessions', () => {
  let rm: ProjectedReadModel;
  beforeAll(() => {
    rm = involvementFixture();
  });
  afterAll(() => rm.close());
  const list = (filters: ListFilters, actor: Actor = secretariat()) => listRecommendations(rm.db, actor, filters, NOW);

  it('a coordinating department reads the items it coordinates or coordinated, besides those it leads or led', () => {
    expect(sortedIds(list({}, department(FINANCE)))).toEqual(['k1', 'k2', 'k3', 'k5']);
    expect(sortedIds(list({}, department(HOME_AFFAIRS)))).toEqual(['k1', 'k2', 'k3']);
    expect(sortedIds(list({}, department(SCIENCE)))).toEqual(['k3', 'k5']);
    expect(sortedIds(list({}, department(CONSTRUCTION)))).toEqual(['k1', 'k5']);
  });

  it.each<[string, string, string[], string[]]>([
    [HOME_AFFAIRS, 'leads now or led (returned)', ['k1', 'k3'], ['k2']],
    [FINANCE, 'coordinates now or coordinated (moved away by a merger)', ['k2'], ['k1', 'k3', 'k5']],
    [SCIENCE, 'took a part over in a merger', ['k3'], ['k5']],
    [CONSTRUCTION, 'leads one, coordinates another', ['k5'], ['k1']],
    [AGRICULTURE, 'was never involved', [], []],
  ])('involvement for the department caller %s (%s)', (code, _why, lead, coordinating) => {
    expect(sortedIds(list({ involvement: 'lead' }, department(code)))).toEqual(lead);
    expect(sortedIds(list({ involvement: 'coordinating' }, department(code)))).toEqual(coordinating);
    expect(list({ involvement: 'coordinating' }, department(code)).total).toBe(coordinating.length);
  });

  it("other roles name the department with department=; without one, any department's involvement", () => {
    expect(sortedIds(list({ involvement: 'lead', department: HOME_AFFAIRS }))).toEqual(['k1', 'k3']);
    expect(sortedIds(list({ involvement: 'coordinating', department: FINANCE }, committee()))).toEqual(['k1', 'k3', 'k5']);
    expect(sortedIds(list({ involvement: 'coordinating' }))).toEqual(['k1', 'k2', 'k3', 'k5']);
    expect(sortedIds(list({ involvement: 'lead' }, auditor()))).toEqual(['k1', 'k2', 'k3', 'k5']);
    // Without involvement, department= stays the lead department now.
    expect(sortedIds(list({ department: HOME_AFFAIRS }))).toEqual(['k1']);
  });

  it("a department asking about another department's involvement gets it within its own scope", () => {
    expect(sortedIds(list({ involvement: 'coordinating', department: FINANCE }, department(HOME_AFFAIRS)))).toEqual(['k1', 'k3']);
    expect(sortedIds(list({ involvement: 'lead', department: FINANCE }, department(SCIENCE)))).toEqual([]);
    expect(sortedIds(list({ involvement: 'coordinating' }, commune('na-sam')))).toEqual(['k3']);
  });

  it('involvement combines with the other filters', () => {
    expect(sortedIds(list({ involvement: 'coordinating', overdue: true }, department(FINANCE)))).toEqual(['k1']);
    expect(sortedIds(list({ involvement: 'lead', status: 'assigned' }, department(HOME_AFFAIRS)))).toEqual(['k1', 'k3']);
    expect(sortedIds(list({ involvement: 'lead', status: 'assigned', q: 'headquarters' }, department(SCIENCE)))).toEqual(['k3']);
  });

  it('sessionId lists the items raised at that session, and each list item names its session', () => {
    expect(sortedIds(list({ sessionId: S1 }))).toEqual(['k1', 'k2']);
    expect(sortedIds(list({ sessionId: S2 }))).toEqual(['k4']);
    expect(sortedIds(list({ sessionId: S1 }, commune('tam-thanh')))).toEqual(['k1']);
    expect(list({ sessionId: '00000000-0000-4000-8000-000000000000' }).total).toBe(0);
    const byId = new Map(list({}).items.map((i) => [i.id, i]));
    expect(byId.get('k1')).toMatchObject({ sessionId: S1, workingGroup: 1 });
    expect(byId.get('k4')).toMatchObject({ sessionId: S2, workingGroup: 2 });
    expect(byId.get('k3')).toMatchObject({ sessionId: null });
  });

  it('the overdue report lists items with their session', () => {
    const report = overdueReport(rm.db, secretariat(), 'department', NOW);
    expect(report.groups.flatMap((g) => g.items).map((i) => [i.id, i.sessionId])).toEqual([['k1', S1]]);
  });
});

describe('openInvolvements: what a merger of departments moves', () => {
  let rm: ProjectedReadModel;
  beforeAll(() => {
    rm = involvementFixture()
      .add(
        'k6',
        aRecommendation('k6')
          .accepted()
          .assignedTo(SCIENCE)
          .coordinatedBy([FINANCE, AGRICULTURE])
          .contributed(FINANCE)
          .resolved()
          .build(),
      )
      .add('k7', aRecommendation('k7').accepted().assignedTo(AGRICULTURE).coordinatedBy([FINANCE]).returned().build());
  });
  afterAll(() => rm.close());

  it('the items a department leads or coordinates on the open assignment, once each', () => {
    expect(openInvolvements(rm.db, FINANCE)).toEqual(['k1', 'k2', 'k3']);
    expect(openInvolvements(rm.db, SCIENCE)).toEqual(['k3', 'k5']);
    expect(openInvolvements(rm.db, HOME_AFFAIRS)).toEqual(['k1', 'k2']);
    expect(openInvolvements(rm.db, CONSTRUCTION)).toEqual(['k1', 'k5']);
    // Resolved and returned items have no open assignment; a part moved away is no longer the department's.
    expect(openInvolvements(rm.db, AGRICULTURE)).toEqual([]);
  });
});

describe('summaryReport: coordination and explanations', () => {
  const NOW_S = new Date('2025-12-01T00:00:00.000Z');
  let rm: ProjectedReadModel;
  const on = (day: string) => `${day}T02:00:00.000Z`;

  beforeAll(() => {
    rm = new ProjectedReadModel()
      // c1: finance on time, construction late; an explanation answered on time.
      .add(
        'c1',
        aRecommendation('c1')
          .raisedBy(commune('tam-thanh'), { at: on('2025-09-29') })
          .accepted({ at: on('2025-09-30') })
          .assignedTo(HOME_AFFAIRS, { dueAt: on('2025-10-15'), at: on('2025-09-30') })
          .coordinatedBy([FINANCE, CONSTRUCTION], { dueAt: on('2025-10-10'), at: on('2025-10-01') })
          .contributed(FINANCE, { at: on('2025-10-05') })
          .contributed(CONSTRUCTION, { at: on('2025-10-15'), attachments: [anAttachment('late-part')] })
          .explanationRequested({ at: on('2025-10-16'), dueAt: on('2025-10-23') })
          .explained(HOME_AFFAIRS, { at: on('2025-10-22') })
          .build(),
      )
      // c2: finance never contributed (past due: missing); an explanation still awaited, past its due date.
      .add(
        'c2',
        aRecommendation('c2')
          .raisedBy(commune('tam-thanh'), { at: on('2025-09-30') })
          .accepted({ at: on('2025-10-01') })
          .assignedTo(HOME_AFFAIRS, { dueAt: on('2025-10-20'), at: on('2025-10-01') })
          .coordinatedBy([FINANCE], { dueAt: on('2025-10-20'), at: on('2025-10-02') })
          .explanationRequested({ at: on('2025-10-21'), dueAt: on('2025-10-28') })
          .build(),
      )
      // c3: finance's part due with the lead's date, not given (missing once past it); an explanation awaited, not yet due.
      .add(
        'c3',
        aRecommendation('c3')
          .raisedBy(commune('na-sam'), { at: on('2025-10-30') })
          .accepted({ at: on('2025-10-31') })
          .assignedTo(SCIENCE, { dueAt: on('2025-11-15'), at: on('2025-10-31') })
          .coordinatedBy([FINANCE], { dueAt: on('2025-11-15'), at: on('2025-11-01') })
          .explanationRequested({ at: on('2025-11-20'), dueAt: on('2025-12-05') })
          .build(),
      )
      // c4: resolved without construction's part (missing); the explanation answered late, after resolution.
      .add(
        'c4',
        aRecommendation('c4')
          .raisedBy(commune('na-sam'), { at: on('2025-10-31') })
          .accepted({ at: on('2025-11-01') })
          .assignedTo(SCIENCE, { dueAt: on('2025-11-04'), at: on('2025-11-01') })
          .coordinatedBy([CONSTRUCTION], { dueAt: on('2025-11-04'), at: on('2025-11-02') })
          .explanationRequested({ at: on('2025-11-05'), dueAt: on('2025-11-08') })
          .resolved({ at: on('2025-11-10') })
          .explained(SCIENCE, { at: on('2025-11-15') })
          .build(),
      )
      // c5: finance's part moved to agriculture by a merger, which then contributed on time.
      .add(
        'c5',
        aRecommendation('c5')
          .raisedBy(commune('van-lang'), { at: on('2025-11-01') })
          .accepted({ at: on('2025-11-02') })
          .assignedTo(CONSTRUCTION, { dueAt: '2026-01-01T02:00:00.000Z', at: on('2025-11-02') })
          .coordinatedBy([FINANCE], { dueAt: on('2025-11-20'), at: on('2025-11-03') })
          .coordinationTransferred(FINANCE, AGRICULTURE, { at: on('2025-11-05') })
          .contributed(AGRICULTURE, { at: on('2025-11-06') })
          .build(),
      );
  });
  afterAll(() => rm.close());

  it('per coordinating department: parts due, contributed by their date or after it, missing', () => {
    const report = summaryReport(rm.db, secretariat(), {}, NOW_S);
    expect(report.coordination).toEqual([
      { department: AGRICULTURE, due: 1, contributed: 1, contributedLate: 0, missing: 0 },
      { department: CONSTRUCTION, due: 2, contributed: 0, contributedLate: 1, missing: 1 },
      { department: FINANCE, due: 3, contributed: 1, contributedLate: 0, missing: 2 },
    ]);
  });

  it('explanations: totals, and per lead department those pending and late; items still count for their lead', () => {
    const report = summaryReport(rm.db, secretariat(), {}, NOW_S);
    expect(report.explanations).toEqual({ pending: 2, late: 1, answered: 2, answeredLate: 1 });
    const figures = Object.fromEntries(
      report.departments.map((d) => [d.department, [d.open, d.explanationsPending, d.explanationsLate]]),
    );
    expect(figures).toEqual({
      [CONSTRUCTION]: [1, 0, 0],
      [HOME_AFFAIRS]: [2, 1, 1],
      [SCIENCE]: [1, 1, 0],
    });
  });

  it('the period bounds the parts by their request and the answers by their time; pending stays as of now', () => {
    const report = summaryReport(rm.db, secretariat(), { from: new Date(on('2025-11-01')) }, NOW_S);
    expect(report.coordination).toEqual([
      { department: AGRICULTURE, due: 1, contributed: 1, contributedLate: 0, missing: 0 },
      { department: CONSTRUCTION, due: 1, contributed: 0, contributedLate: 0, missing: 1 },
      { department: FINANCE, due: 1, contributed: 0, contributedLate: 0, missing: 1 },
    ]);
    expect(report.explanations).toEqual({ pending: 2, late: 1, answered: 1, answeredLate: 1 });
  });

  it('figures at an earlier instant leave out what happened after it', () => {
    // 4 November: finance still held c5's part; c3's and c4's parts not due yet, c4 still open; c3 had no explanation yet.
    const early = summaryReport(rm.db, secretariat(), {}, new Date(on('2025-11-04')));
    expect(early.coordination).toEqual([
      { department: CONSTRUCTION, due: 2, contributed: 0, contributedLate: 1, missing: 0 },
      { department: FINANCE, due: 4, contributed: 1, contributedLate: 0, missing: 1 },
    ]);
    expect(early.explanations).toEqual({ pending: 1, late: 1, answered: 1, answeredLate: 0 });
    // 25 October: c2's explanation was pending, not yet late; c1's had been answered.
    const october = summaryReport(rm.db, secretariat(), {}, new Date(on('2025-10-25')));
    expect(october.explanations).toEqual({ pending: 1, late: 0, answered: 1, answeredLate: 0 });
    expect(october.coordination).toEqual([
      { department: CONSTRUCTION, due: 1, contributed: 0, contributedLate: 1, missing: 0 },
      { department: FINANCE, due: 2, contributed: 1, contributedLate: 0, missing: 1 },
    ]);
  });

  it('is scoped: a coordinating department sees the figures of the items it coordinates or leads', () => {
    const report = summaryReport(rm.db, department(AGRICULTURE), {}, NOW_S);
    expect(report.coordination).toEqual([{ department: AGRICULTURE, due: 1, contributed: 1, contributedLate: 0, missing: 0 }]);
    expect(report.departments.map((d) => d.department)).toEqual([CONSTRUCTION]);
    expect(report.explanations).toEqual({ pending: 0, late: 0, answered: 0, answeredLate: 0 });
    const commune = summaryReport(rm.db, { sub: 'na-sam-clerk', name: 'Na Sam', role: 'commune', commune: 'na-sam' }, {}, NOW_S);
    expect(commune.coordination.map((c) => c.department)).toEqual([CONSTRUCTION, FINANCE]);
    expect(commune.explanations).toEqual({ pending: 1, late: 0, answered: 1, answeredLate: 1 });
  });
});
