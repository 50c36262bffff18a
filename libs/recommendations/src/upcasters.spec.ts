import type { RecommendationEvent } from './events';
import { fold } from './evolve';
import type { RecommendationState, StateOf } from './state';
import { DUE_AT, SESSION_AT, aRecommendation, plus, HOUR } from './testing/recommendation.builder';
import { CURRENT_SCHEMA_VERSION, upcast } from './upcasters';

/** An event as the store gives it back: type, stored data and the metadata's schemaVersion (if any). */
interface Stored {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** What every reader does: upcast each stored event, then fold. */
function replay(stored: readonly Stored[]): RecommendationState {
  return fold(stored.map((e) => upcast(e.type, e.data, e.metadata.schemaVersion)));
}

function stored(events: readonly RecommendationEvent[], schemaVersion: unknown): Stored[] {
  return events.map((e) => ({
    type: e.type,
    data: JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>,
    metadata: schemaVersion === undefined ? {} : { schemaVersion },
  }));
}

function assigned(state: RecommendationState): StateOf<'assigned'> {
  expect(state.status).toBe('assigned');
  return state as StateOf<'assigned'>;
}

/** RecommendationAssigned as the first release stored it: no dueBasis, and no instructions key when there were none. */
const V1_ASSIGNED = {
  assignmentNo: 1,
  department: 'home-affairs',
  dueAt: DUE_AT,
  assignedAt: plus(SESSION_AT, 2 * HOUR),
};

const raisedAndAccepted = (): RecommendationEvent[] => aRecommendation('rec-v1').accepted().build();

describe('upcasters: stored events in the current shape', () => {
  it('the current schema version is the one new events are written with', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(3);
  });

  it.each([1, 2])(
    'a DeadlineEscalated stored with schemaVersion %s, without channels, reads as sent to no tracked channel',
    (version) => {
      const [escalated] = aRecommendation().accepted().assignedTo('home-affairs').escalated().build().slice(-1);
      const { channels: _channels, ...withoutChannels } = escalated.data as Record<string, unknown>;
      const event = upcast('DeadlineEscalated', withoutChannels, version);
      expect(event).toEqual({ type: 'DeadlineEscalated', data: { ...withoutChannels, channels: [] } });
      expect(withoutChannels).not.toHaveProperty('channels');
    },
  );

  it('a DeadlineEscalated stored with schemaVersion 2 folds to the same state as one written today', () => {
    const today = aRecommendation('rec-v2-escalated').accepted().assignedTo('home-affairs').escalated({ level: 2 }).build();
    const old = stored(today, 2).map((e) =>
      e.type === 'DeadlineEscalated'
        ? { ...e, data: Object.fromEntries(Object.entries(e.data).filter(([k]) => k !== 'channels')) }
        : e,
    );
    expect(replay(old)).toEqual(fold(today));
  });

  it('a RecommendationAssigned stored with schemaVersion 1, without dueBasis and instructions, replays to an assigned state with an explicit due date and no instructions', () => {
    const history = [
      ...stored(raisedAndAccepted(), 1),
      { type: 'RecommendationAssigned', data: { ...V1_ASSIGNED }, metadata: { schemaVersion: 1 } },
    ];
    const state = assigned(replay(history));
    expect(state.assignment).toEqual({
      assignmentNo: 1,
      department: 'home-affairs',
      dueAt: DUE_AT,
      dueBasis: { method: 'explicit' },
      instructions: null,
      assignedAt: V1_ASSIGNED.assignedAt,
      acknowledgedAt: null,
      extensions: [],
      extensionRequests: [],
      progress: [],
      remindersSent: [],
      escalationLevel: 0,
      // Assignments stored before coordination existed have no coordinating departments.
      coordinating: [],
    });
    expect(state.departmentsHeld).toEqual(['home-affairs']);
    expect(state.lastAssignment).toEqual(state.assignment);
  });

  it('the upcast event itself has the v2 fields, and the stored data is left as it was', () => {
    const data = { ...V1_ASSIGNED };
    const event = upcast('RecommendationAssigned', data, 1);
    expect(event).toEqual({
      type: 'RecommendationAssigned',
      data: { ...V1_ASSIGNED, dueBasis: { method: 'explicit' }, instructions: null },
    });
    expect(data).toEqual(V1_ASSIGNED);
    expect('dueBasis' in data).toBe(false);
  });

  it('a v1 RecommendationAssigned that did carry instructions keeps them', () => {
    const event = upcast('RecommendationAssigned', { ...V1_ASSIGNED, instructions: 'Report monthly to the secretariat' }, 1);
    expect(event.data).toMatchObject({ dueBasis: { method: 'explicit' }, instructions: 'Report monthly to the secretariat' });
  });

  it.each<[string, Record<string, unknown>]>([
    ['no schemaVersion key in the metadata', {}],
    ['schemaVersion undefined', { schemaVersion: undefined }],
    ['schemaVersion null', { schemaVersion: null }],
  ])('a missing schema version counts as 1 (%s)', (_name, metadata) => {
    const history = [
      ...stored(raisedAndAccepted(), undefined),
      { type: 'RecommendationAssigned', data: { ...V1_ASSIGNED }, metadata },
    ];
    const state = assigned(replay(history));
    expect(state.assignment.dueBasis).toEqual({ method: 'explicit' });
    expect(state.assignment.instructions).toBeNull();
    expect(upcast('RecommendationAssigned', { ...V1_ASSIGNED }, metadata.schemaVersion).data).toEqual({
      ...V1_ASSIGNED,
      dueBasis: { method: 'explicit' },
      instructions: null,
    });
  });

  it('current-version events pass unchanged, whatever their content', () => {
    const workingDays = {
      method: 'workingDays' as const,
      workingDays: 15,
      from: SESSION_AT,
      fromLocalDate: '2025-08-04',
      timeZone: 'Asia/Ho_Chi_Minh',
      skipped: [{ date: '2025-09-02', reason: 'National Day' }],
      workedWeekendDays: [],
      calendarVersion: 'vn-2025.1',
    };
    const history = aRecommendation('rec-v2')
      .accepted()
      .assignedTo('finance', { dueBasis: workingDays, instructions: 'Coordinate with construction' })
      .acknowledged()
      .progressReported()
      .extensionRequested()
      .extended()
      .reminded()
      .escalated()
      .returned()
      .assignedTo('construction')
      .resolved()
      .reopened()
      .build();
    for (const event of stored(history, CURRENT_SCHEMA_VERSION)) {
      const upcast_ = upcast(event.type, event.data, CURRENT_SCHEMA_VERSION);
      expect(upcast_.data).toBe(event.data);
      expect(upcast_).toEqual({ type: event.type, data: JSON.parse(JSON.stringify(event.data)) });
    }
    expect(replay(stored(history, CURRENT_SCHEMA_VERSION))).toEqual(fold(history));
  });

  it('a v2 RecommendationAssigned with instructions null and an explicit basis is not touched', () => {
    const data = { ...V1_ASSIGNED, dueBasis: { method: 'explicit' }, instructions: null };
    expect(upcast('RecommendationAssigned', data, 2).data).toBe(data);
  });

  it('v1 events of types that did not change pass unchanged', () => {
    for (const event of stored(raisedAndAccepted(), 1)) {
      expect(upcast(event.type, event.data, 1)).toEqual({ type: event.type, data: event.data });
    }
  });

  it('a history mixing v1 and v2 events replays like the same history written today', () => {
    const today = aRecommendation('rec-mixed').accepted().assignedTo('home-affairs').acknowledged().progressReported().build();
    const old = stored(today.slice(0, 3), 1).map((e) =>
      e.type === 'RecommendationAssigned'
        ? { ...e, data: Object.fromEntries(Object.entries(e.data).filter(([k]) => k !== 'dueBasis' && k !== 'instructions')) }
        : e,
    );
    expect(old[2].data).not.toHaveProperty('dueBasis');
    const mixed = [...old, ...stored(today.slice(3), CURRENT_SCHEMA_VERSION)];
    expect(replay(mixed)).toEqual(fold(today));
  });
});
