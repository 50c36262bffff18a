import type { Actor, WorkingSessionRecorded } from '@app/recommendations';
import {
  aRecommendation,
  auditor,
  commune,
  committee,
  department,
  secretariat,
} from '../../../recommendations/src/testing/recommendation.builder';
import { ProjectedReadModel } from '../testing/projected-read-model';
import { findSession, listSessions, sessionDetail, sessionVisibleTo, type SessionFilters } from './sessions';

const HOME_AFFAIRS = 'home-affairs';
const FINANCE = 'finance';
const NOW = new Date('2025-10-15T03:00:00.000Z');
const S1 = '0b6f3e2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b';
const S2 = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const S3 = '3c2b1a09-8f7e-4d6c-9b5a-493827160504';
const admin: Actor = { sub: 'admin', name: 'Administrator', role: 'admin' };

const recorded = (fields: Partial<WorkingSessionRecorded['data']> & { sessionId: string }): WorkingSessionRecorded['data'] => ({
  workingGroup: 1,
  date: '2025-08-04',
  communes: ['tam-thanh', 'luong-van-tri'],
  place: "Tam Thanh ward People's Committee",
  leader: 'Đoàn Thị Hậu',
  minutesRef: '15/BB-TCT',
  recordedAt: '2025-08-04T10:00:00.000Z',
  recordedBy: 'secretariat-clerk',
  ...fields,
});

/**
 * Three sessions: S1 (group 1, 4 August, Tam Thanh and Luong Van Tri) with five items — k1 overdue
 * with home-affairs (finance coordinating), k2 not due with finance, k6 resolved, k7 declined, k8
 * raised; S2 (group 2, 11 August, Na Sam) with one raised item; S3 (group 1, 1 September, Tam
 * Thanh) with none. k9 was raised outside any session.
 */
function fixture(): ProjectedReadModel {
  const at = (n: number) => `2025-08-04T0${n}:00:00.000Z`;
  return new ProjectedReadModel()
    .session(recorded({ sessionId: S1 }))
    .session(
      recorded({
        sessionId: S2,
        workingGroup: 2,
        date: '2025-08-11',
        communes: ['na-sam'],
        place: null,
        leader: null,
        minutesRef: null,
      }),
    )
    .session(recorded({ sessionId: S3, date: '2025-09-01', communes: ['tam-thanh'] }))
    .add(
      'k1',
      aRecommendation('k1')
        .raisedBy(commune('tam-thanh'), { at: at(1) })
        .inSession(S1)
        .accepted()
        .assignedTo(HOME_AFFAIRS, { dueAt: '2025-10-01T10:00:00.000Z' })
        .coordinatedBy([FINANCE], { dueAt: '2025-09-20T10:00:00.000Z' })
        .build(),
    )
    .add(
      'k2',
      aRecommendation('k2')
        .raisedBy(commune('luong-van-tri'), { at: at(2) })
        .inSession(S1)
        .accepted()
        .assignedTo(FINANCE, { dueAt: '2025-12-31T10:00:00.000Z' })
        .build(),
    )
    .add(
      'k6',
      aRecommendation('k6')
        .raisedBy(commune('tam-thanh'), { at: at(3) })
        .inSession(S1)
        .accepted()
        .resolved()
        .build(),
    )
    .add(
      'k7',
      aRecommendation('k7')
        .raisedBy(commune('luong-van-tri'), { at: at(4) })
        .inSession(S1)
        .declined()
        .build(),
    )
    .add(
      'k8',
      aRecommendation('k8')
        .raisedBy(commune('tam-thanh'), { at: at(5) })
        .inSession(S1)
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
      'k9',
      aRecommendation('k9')
        .raisedBy(commune('tam-thanh'), { at: at(6) })
        .build(),
    );
}

describe('working sessions from the read model', () => {
  let rm: ProjectedReadModel;
  beforeAll(() => {
    rm = fixture();
  });
  afterAll(() => rm.close());
  const list = (filters: SessionFilters = {}, actor: Actor = secretariat(), now = NOW) =>
    listSessions(rm.db, actor, filters, now);
  const counts = (filters: SessionFilters = {}, actor: Actor = secretariat()) =>
    Object.fromEntries(list(filters, actor).items.map((s) => [s.id, s.counts]));

  it('lists every session, latest first, as API.md shows it, with the counts of its items', () => {
    const { items } = list();
    expect(items.map((s) => s.id)).toEqual([S3, S2, S1]);
    expect(items[2]).toEqual({
      id: S1,
      workingGroup: 1,
      date: '2025-08-04',
      communes: ['tam-thanh', 'luong-van-tri'],
      place: "Tam Thanh ward People's Committee",
      leader: 'Đoàn Thị Hậu',
      minutesRef: '15/BB-TCT',
      counts: { raised: 5, open: 3, overdue: 1, resolved: 1 },
    });
    expect(items[1]).toMatchObject({
      place: null,
      leader: null,
      minutesRef: null,
      counts: { raised: 1, open: 1, overdue: 0, resolved: 0 },
    });
    expect(items[0].counts).toEqual({ raised: 0, open: 0, overdue: 0, resolved: 0 });
  });

  it('overdue is decided against now', () => {
    const before = list({}, secretariat(), new Date('2025-09-01T00:00:00.000Z'));
    expect(before.items.find((s) => s.id === S1)?.counts.overdue).toBe(0);
    const later = list({}, secretariat(), new Date('2026-01-05T00:00:00.000Z'));
    expect(later.items.find((s) => s.id === S1)?.counts.overdue).toBe(2);
  });

  it.each<[string, SessionFilters, string[]]>([
    ['workingGroup', { workingGroup: 1 }, [S3, S1]],
    ['commune that took part', { commune: 'na-sam' }, [S2]],
    ['commune in two sessions', { commune: 'tam-thanh' }, [S3, S1]],
    ['from (inclusive)', { from: '2025-08-11' }, [S3, S2]],
    ['to (inclusive)', { to: '2025-08-11' }, [S2, S1]],
    ['from and to', { from: '2025-08-05', to: '2025-08-31' }, [S2]],
    ['several at once', { workingGroup: 1, commune: 'luong-van-tri' }, [S1]],
    ['an unknown commune', { commune: 'nowhere' }, []],
  ])('filter: %s', (_name, filters, expected) => {
    expect(list(filters).items.map((s) => s.id)).toEqual(expected);
  });

  it('counts cover only the items the caller may read; a department sees every session', () => {
    expect(counts({}, department(FINANCE))).toEqual({
      [S3]: { raised: 0, open: 0, overdue: 0, resolved: 0 },
      [S2]: { raised: 0, open: 0, overdue: 0, resolved: 0 },
      [S1]: { raised: 2, open: 2, overdue: 1, resolved: 0 },
    });
    expect(counts({}, department(HOME_AFFAIRS))[S1]).toEqual({ raised: 1, open: 1, overdue: 1, resolved: 0 });
    for (const actor of [committee(), auditor()])
      expect(counts({}, actor)[S1]).toEqual({ raised: 5, open: 3, overdue: 1, resolved: 1 });
  });

  it('a commune sees the sessions it took part in, counting its own items', () => {
    expect(counts({}, commune('tam-thanh'))).toEqual({
      [S3]: { raised: 0, open: 0, overdue: 0, resolved: 0 },
      [S1]: { raised: 3, open: 2, overdue: 1, resolved: 1 },
    });
    expect(counts({}, commune('na-sam'))).toEqual({ [S2]: { raised: 1, open: 1, overdue: 0, resolved: 0 } });
    expect(list({ commune: 'na-sam' }, commune('tam-thanh')).items).toEqual([]);
    expect(list({}, commune('dong-kinh')).items).toEqual([]);
  });

  it('callers that read no item see no session', () => {
    expect(list({}, admin).items).toEqual([]);
    expect(list({}, { sub: 'x', name: 'No department', role: 'department' }).items).toEqual([]);
    expect(sessionVisibleTo(admin, { communes: ['tam-thanh'] })).toBe(false);
  });

  it('one session: found by id, visible by the same rule, with its items in the caller scope in the order raised', () => {
    const s1 = findSession(rm.db, S1);
    expect(s1).toMatchObject({ id: S1, communes: ['tam-thanh', 'luong-van-tri'] });
    expect(findSession(rm.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(sessionVisibleTo(commune('tam-thanh'), s1!)).toBe(true);
    expect(sessionVisibleTo(commune('na-sam'), s1!)).toBe(false);
    expect(sessionVisibleTo(department(FINANCE), s1!)).toBe(true);

    const detail = sessionDetail(rm.db, secretariat(), s1!, NOW);
    expect(detail.counts).toEqual({ raised: 5, open: 3, overdue: 1, resolved: 1 });
    expect(detail.recommendations.map((i) => i.id)).toEqual(['k1', 'k2', 'k6', 'k7', 'k8']);
    expect(detail.recommendations[0]).toMatchObject({ id: 'k1', sessionId: S1, overdue: true, department: HOME_AFFAIRS });
    const own = sessionDetail(rm.db, department(FINANCE), s1!, NOW);
    expect(own).toMatchObject({ id: S1, counts: { raised: 2, open: 2, overdue: 1, resolved: 0 } });
    expect(own.recommendations.map((i) => i.id)).toEqual(['k1', 'k2']);
    // The detail's counts are those the list shows for the same caller.
    for (const actor of [secretariat(), department(FINANCE), commune('tam-thanh')])
      expect(sessionDetail(rm.db, actor, s1!, NOW).counts).toEqual(list({}, actor).items.find((s) => s.id === S1)?.counts);
  });
});
