import type { RecommendationEvent } from './events';
import { evolve, fold, reminderKey } from './evolve';
import { initialState, overdueness, type RecommendationState, type RecommendationStatus, type StateOf } from './state';
import {
  DAY,
  DUE_AT,
  LATER_DUE_AT,
  SESSION_AT,
  aRecommendation,
  commune,
  given,
  plus,
  secretariat,
} from './testing/recommendation.builder';
import { toView } from './view';

const HOME_AFFAIRS = 'home-affairs';

/** Asserts the status, then lets the spec read that status's fields. */
function expectStatus<S extends RecommendationStatus>(state: RecommendationState, status: S): StateOf<S> {
  expect(state.status).toBe(status);
  return state as StateOf<S>;
}

describe('evolve: the state after each event', () => {
  it('RecommendationRaised starts the item with no assignment and an empty scope', () => {
    const history = aRecommendation('rec-1')
      .raisedBy(commune('tam-thanh'), { category: 'staffing', title: 'Two more vice chairmen' })
      .build();
    expect(given(history)).toEqual({
      status: 'raised',
      id: 'rec-1',
      commune: 'tam-thanh',
      workingGroup: 1,
      sessionDate: '2025-08-04',
      title: 'Two more vice chairmen',
      description: 'The ward works from headquarters scattered over several locations.',
      category: 'staffing',
      raisedAt: SESSION_AT,
      raisedBy: 'tam-thanh-clerk',
      departmentsHeld: [],
      assignmentCount: 0,
      lastAssignment: null,
    });
  });

  it('RecommendationAccepted and RecommendationDeclined keep when and why', () => {
    expect(
      given(
        aRecommendation()
          .accepted({ at: plus(SESSION_AT, DAY) })
          .build(),
      ),
    ).toMatchObject({
      status: 'accepted',
      acceptedAt: plus(SESSION_AT, DAY),
    });
    expect(
      given(
        aRecommendation()
          .declined({ reason: 'Duplicate', at: plus(SESSION_AT, DAY) })
          .build(),
      ),
    ).toMatchObject({
      status: 'declined',
      declined: { reason: 'Duplicate', declinedAt: plus(SESSION_AT, DAY) },
    });
  });

  it('RecommendationAssigned opens a fresh assignment and puts the department in scope', () => {
    const at = plus(SESSION_AT, DAY);
    const state = expectStatus(
      given(aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT, instructions: 'Survey first', at }).build()),
      'assigned',
    );
    expect(state.assignment).toEqual({
      assignmentNo: 1,
      department: HOME_AFFAIRS,
      dueAt: DUE_AT,
      dueBasis: { method: 'explicit' },
      instructions: 'Survey first',
      assignedAt: at,
      acknowledgedAt: null,
      extensions: [],
      extensionRequests: [],
      progress: [],
      remindersSent: [],
      escalationLevel: 0,
    });
    expect(state.lastAssignment).toEqual(state.assignment);
    expect(state.assignmentCount).toBe(1);
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS]);
  });

  it('department steps change only the current assignment', () => {
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
      .acknowledged({ at: plus(SESSION_AT, DAY) })
      .progressReported({ note: 'Plan drafted', at: plus(SESSION_AT, 2 * DAY) })
      .extensionRequested({ requestedDueAt: LATER_DUE_AT, reason: 'Survey', at: plus(SESSION_AT, 3 * DAY) })
      .build();
    const { assignment } = expectStatus(given(history), 'assigned');
    expect(assignment).toMatchObject({
      acknowledgedAt: plus(SESSION_AT, DAY),
      progress: [{ note: 'Plan drafted', reportedAt: plus(SESSION_AT, 2 * DAY) }],
      extensionRequests: [{ requestedDueAt: LATER_DUE_AT, reason: 'Survey', requestedAt: plus(SESSION_AT, 3 * DAY) }],
      // A request is not a decision: the due date stays until the secretariat extends it.
      dueAt: DUE_AT,
    });
  });

  it('DeadlineExtended moves the due date, keeps the old one, and forgets notices about it', () => {
    const at = plus(DUE_AT, DAY);
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
      .reminded({ lead: '1d' })
      .escalated({ level: 1 })
      .extended({ dueAt: LATER_DUE_AT, reason: 'Survey', at })
      .build();
    const { assignment } = expectStatus(given(history), 'assigned');
    expect(assignment).toMatchObject({
      dueAt: LATER_DUE_AT,
      extensions: [{ previousDueAt: DUE_AT, dueAt: LATER_DUE_AT, reason: 'Survey', extendedAt: at }],
      // The new date gets its own reminders and escalations.
      remindersSent: [],
      escalationLevel: 0,
    });
  });

  it('ReminderSent remembers the lead and due date, whatever offset the due date came in', () => {
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: '2025-09-30T17:00:00+07:00' })
      .reminded({ lead: '3d' })
      .build();
    expect(expectStatus(given(history), 'assigned').assignment.remindersSent).toEqual([reminderKey('3d', DUE_AT)]);
    expect(reminderKey('3d', DUE_AT)).toBe('3d@2025-09-30T10:00:00.000Z');
  });

  it('DeadlineEscalated keeps the highest level, even when a lower one is stored after it', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).escalated({ level: 2 }).escalated({ level: 1 }).build();
    expect(expectStatus(given(history), 'assigned').assignment.escalationLevel).toBe(2);
  });

  it('AssignmentReturned puts the item back to accepted and keeps the assignment as the last one', () => {
    const at = plus(SESSION_AT, DAY);
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).acknowledged().returned({ at }).build();
    const state = expectStatus(given(history), 'accepted');
    // acceptedAt now says since when the item waits for an assignment again.
    expect(state.acceptedAt).toBe(at);
    expect(state.lastAssignment).toMatchObject({ assignmentNo: 1, department: HOME_AFFAIRS, acknowledgedAt: expect.any(String) });
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS]);
    expect(state.assignmentCount).toBe(1);
    expect(state).not.toHaveProperty('assignment');
  });

  it('RecommendationResolved records the resolution and keeps the last assignment for context', () => {
    const at = plus(DUE_AT, 1);
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
      .resolved({ resolution: 'Done', at })
      .build();
    const state = expectStatus(given(history), 'resolved');
    expect(state.resolution).toEqual({
      text: 'Done',
      resolvedAt: at,
      resolvedBy: 'home-affairs-officer',
      onTime: false,
      department: HOME_AFFAIRS,
    });
    expect(state.lastAssignment).toMatchObject({ assignmentNo: 1, department: HOME_AFFAIRS, dueAt: DUE_AT });
  });

  it('RecommendationReopened opens a new assignment, with nothing carried over from the old one', () => {
    const at = plus(SESSION_AT, 2 * DAY);
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS, { instructions: 'Survey first' })
      .acknowledged()
      .progressReported()
      .resolved()
      .reopened({ dueAt: LATER_DUE_AT, at })
      .build();
    const state = expectStatus(given(history), 'assigned');
    expect(state.assignment).toEqual({
      assignmentNo: 2,
      department: HOME_AFFAIRS,
      dueAt: LATER_DUE_AT,
      dueBasis: { method: 'explicit' },
      instructions: null,
      assignedAt: at,
      acknowledgedAt: null,
      extensions: [],
      extensionRequests: [],
      progress: [],
      remindersSent: [],
      escalationLevel: 0,
    });
    expect(state.assignmentCount).toBe(2);
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS]);
  });

  it('NotificationFailed changes nothing', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).build();
    const before = given(history);
    const failed: RecommendationEvent = {
      type: 'NotificationFailed',
      data: {
        assignmentNo: 1,
        department: HOME_AFFAIRS,
        channel: 'email',
        notice: 'reminder 3d',
        error: 'SMTP 421',
        failedAt: DUE_AT,
      },
    };
    expect(evolve(before, failed)).toBe(before);
  });

  it('NotificationDelivered changes nothing', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).reminded().delivered('notice-1').build();
    const before = given(history.slice(0, -1));
    expect(evolve(before, history[history.length - 1])).toBe(before);
  });
});

describe('evolve: scope and assignment history', () => {
  it('departmentsHeld grows in order and never forgets or repeats a department', () => {
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS)
      .returned()
      .assignedTo('finance')
      .returned()
      .assignedTo(HOME_AFFAIRS)
      .resolved()
      .reopened({ department: 'construction' })
      .build();
    const state = expectStatus(given(history), 'assigned');
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS, 'finance', 'construction']);
    expect(state.assignmentCount).toBe(4);
    expect(state.assignment).toMatchObject({ assignmentNo: 4, department: 'construction' });
  });

  it('assignmentCount never goes back, even if an older assignment number is stored late', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).returned().assignedTo('finance').returned().build();
    const stale: RecommendationEvent = {
      type: 'RecommendationAssigned',
      data: {
        assignmentNo: 1,
        department: 'construction',
        dueAt: DUE_AT,
        dueBasis: { method: 'explicit' },
        instructions: null,
        assignedAt: DUE_AT,
      },
    };
    expect(evolve(given(history), stale)).toMatchObject({ assignmentCount: 2 });
  });

  it('assignment events after the assignment ended are ignored, since what was stored happened', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).returned().build();
    const ack: RecommendationEvent = {
      type: 'AssignmentAcknowledged',
      data: { assignmentNo: 1, department: HOME_AFFAIRS, acknowledgedAt: DUE_AT },
    };
    const before = given(history);
    expect(evolve(before, ack)).toBe(before);
  });
});

describe('evolve: before the item exists', () => {
  // Every event but the raise, taken from one long history so each is a real one.
  const everyEvent = aRecommendation()
    .accepted()
    .assignedTo(HOME_AFFAIRS)
    .acknowledged()
    .progressReported()
    .extensionRequested()
    .extended()
    .reminded()
    .escalated()
    .returned()
    .resolved({ by: secretariat() })
    .reopened()
    .build()
    .slice(1);

  it.each(everyEvent.map((event) => [event.type, event] as const))('%s on an item never raised is ignored', (_type, event) => {
    expect(evolve(initialState, event)).toBe(initialState);
  });

  it('fold starts from nothing, or from a given state', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).build();
    expect(fold([])).toEqual({ status: 'none' });
    expect(fold(history.slice(2), fold(history.slice(0, 2)))).toEqual(fold(history));
    expect(evolve(fold(history.slice(0, -1)), history[history.length - 1])).toEqual(fold(history));
  });
});

describe('overdueness and the view', () => {
  const assigned = () => given(aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT }).build());
  const at = (iso: string) => new Date(iso);

  it.each([
    ['a millisecond before the due date', plus(DUE_AT, -1), { overdue: false, daysOverdue: 0 }],
    ['at the due date', DUE_AT, { overdue: false, daysOverdue: 0 }],
    ['a millisecond after it', plus(DUE_AT, 1), { overdue: true, daysOverdue: 0 }],
    ['a day less a millisecond after it', plus(DUE_AT, DAY - 1), { overdue: true, daysOverdue: 0 }],
    ['a day after it', plus(DUE_AT, DAY), { overdue: true, daysOverdue: 1 }],
    ['ten and a half days after it', plus(DUE_AT, 10.5 * DAY), { overdue: true, daysOverdue: 10 }],
  ])('an assigned item %s', (_when, now, expected) => {
    expect(overdueness(assigned(), at(now))).toEqual(expected);
  });

  it('counts from the extended due date', () => {
    const state = given(
      aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT }).extended({ dueAt: LATER_DUE_AT }).build(),
    );
    expect(overdueness(state, at(plus(DUE_AT, 5 * DAY)))).toEqual({ overdue: false, daysOverdue: 0 });
  });

  it.each([
    ['raised', aRecommendation().build()],
    ['accepted', aRecommendation().accepted().build()],
    ['declined', aRecommendation().declined().build()],
    ['returned', aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT }).returned().build()],
    [
      'resolved late',
      aRecommendation()
        .accepted()
        .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
        .resolved({ at: plus(DUE_AT, DAY) })
        .build(),
    ],
  ])('a %s item is never overdue', (_status, history) => {
    expect(overdueness(given(history), at(plus(DUE_AT, 30 * DAY)))).toEqual({ overdue: false, daysOverdue: 0 });
  });

  it('the view of an overdue assigned item shows its assignment and how late it is', () => {
    const view = toView(assigned() as StateOf<'assigned'>, 2, at(plus(DUE_AT, 3 * DAY)));
    expect(view).toMatchObject({
      id: 'rec-tam-thanh-headquarters',
      revision: 2,
      status: 'assigned',
      commune: 'tam-thanh',
      assignment: { assignmentNo: 1, department: HOME_AFFAIRS, dueAt: DUE_AT, acknowledgedAt: null, extensions: [] },
      resolution: null,
      declined: null,
      overdue: true,
      daysOverdue: 3,
    });
  });

  it('the view of a resolved item shows the assignment it was resolved under, and is not overdue', () => {
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
      .resolved({ at: plus(DUE_AT, DAY) })
      .build();
    const view = toView(expectStatus(given(history), 'resolved'), history.length - 1, at(plus(DUE_AT, 9 * DAY)));
    expect(view).toMatchObject({
      revision: 3,
      status: 'resolved',
      assignment: { department: HOME_AFFAIRS, dueAt: DUE_AT },
      resolution: { onTime: false, resolvedBy: 'home-affairs-officer' },
      overdue: false,
      daysOverdue: 0,
    });
  });

  it('the view of a declined or returned item has no assignment', () => {
    const declined = expectStatus(given(aRecommendation().declined({ reason: 'Duplicate' }).build()), 'declined');
    expect(toView(declined, 1, at(DUE_AT))).toMatchObject({
      assignment: null,
      declined: { reason: 'Duplicate' },
      resolution: null,
    });
    const returned = expectStatus(given(aRecommendation().accepted().assignedTo(HOME_AFFAIRS).returned().build()), 'accepted');
    expect(toView(returned, 3, at(DUE_AT))).toMatchObject({ status: 'accepted', assignment: null });
  });
});
