import type { RecommendationEvent, RecommendationEventType } from './events';
import { evolve, fold, reminderKey } from './evolve';
import { initialState, overdueness, type RecommendationState, type RecommendationStatus, type StateOf } from './state';
import {
  COORDINATION_DUE_AT,
  DAY,
  DUE_AT,
  HOUR,
  LATER_DUE_AT,
  LETTER,
  SESSION_AT,
  aRecommendation,
  anAttachment,
  commune,
  given,
  plus,
  secretariat,
} from './testing/recommendation.builder';
import { toView } from './view';

const HOME_AFFAIRS = 'home-affairs';
const FINANCE = 'finance';

/** Every event type, spelled out: a new one fails the compile here until the specs below cover it. */
const EVERY_EVENT_TYPE = Object.keys({
  RecommendationRaised: true,
  RecommendationAccepted: true,
  RecommendationDeclined: true,
  RecommendationAssigned: true,
  AssignmentAcknowledged: true,
  ProgressReported: true,
  ExtensionRequested: true,
  DeadlineExtended: true,
  AssignmentReturned: true,
  RecommendationResolved: true,
  RecommendationReopened: true,
  ReminderSent: true,
  DeadlineEscalated: true,
  NotificationDelivered: true,
  NotificationFailed: true,
  AssignmentTransferred: true,
  RaisedInSession: true,
  DocumentsAttached: true,
  CoordinationRequested: true,
  ContributionMade: true,
  ExplanationRequested: true,
  ExplanationGiven: true,
  CoordinationTransferred: true,
  CoordinationReminderSent: true,
  CoordinationEscalated: true,
  ExplanationReminderSent: true,
} satisfies Record<RecommendationEventType, true>) as RecommendationEventType[];

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
      sessionId: null,
      departmentsHeld: [],
      attachments: [],
      explanation: null,
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
      coordinating: [],
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
      document: null,
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
      coordinating: [],
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
    .inSession('session-wg1-2025-08-04')
    .documentsAttached('raise', [anAttachment('att-minutes')])
    .accepted()
    .assignedTo(HOME_AFFAIRS)
    .coordinatedBy([FINANCE, 'construction'])
    .acknowledged()
    .progressReported()
    .documentsAttached('progress', [anAttachment('att-survey')])
    .contributed(FINANCE, { attachments: [anAttachment('att-budget')] })
    .coordinationReminded('construction')
    .coordinationEscalated('construction')
    .coordinationTransferred('construction', 'justice')
    .extensionRequested()
    .extended()
    .reminded()
    .escalated()
    .explanationRequested()
    .explanationReminded()
    .explained(HOME_AFFAIRS, { attachments: [anAttachment('att-explanation')] })
    .transferred('industry-trade')
    .returned()
    .resolved({ by: secretariat() })
    .documentsAttached('resolution', [], { document: LETTER })
    .reopened()
    .reminded()
    .delivered('notice-1')
    .build()
    .slice(1)
    .concat(aRecommendation().declined().build().slice(1), [
      {
        type: 'NotificationFailed',
        data: {
          assignmentNo: 1,
          department: HOME_AFFAIRS,
          channel: 'email',
          notice: 'reminder 3d',
          error: 'SMTP 421',
          failedAt: DUE_AT,
        },
      },
    ]);

  it('takes every type of event but the raise', () => {
    expect(new Set(everyEvent.map((e) => e.type))).toEqual(new Set(EVERY_EVENT_TYPE.filter((t) => t !== 'RecommendationRaised')));
  });

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

describe('evolve: working sessions and files', () => {
  it('RaisedInSession names the session and takes its working group and date', () => {
    const state = given(
      aRecommendation()
        .raisedBy(secretariat())
        .inSession('session-wg3-2025-08-04', { workingGroup: 3, sessionDate: '2025-08-04' })
        .build(),
    );
    expect(state).toMatchObject({
      status: 'raised',
      sessionId: 'session-wg3-2025-08-04',
      workingGroup: 3,
      sessionDate: '2025-08-04',
    });
  });

  it('DocumentsAttached cites each file with what it came with and when, in order', () => {
    const minutes = anAttachment('att-minutes');
    const survey = anAttachment('att-survey');
    const history = aRecommendation()
      .documentsAttached('raise', [minutes])
      .accepted()
      .assignedTo(HOME_AFFAIRS)
      .progressReported()
      .documentsAttached('progress', [survey])
      .build();
    const raisedAt = history[0].type === 'RecommendationRaised' ? history[0].data.raisedAt : '';
    const reportedAt = history[4].type === 'ProgressReported' ? history[4].data.reportedAt : '';
    expect(given(history)).toMatchObject({
      status: 'assigned',
      attachments: [
        { ...minutes, with: 'raise', citedAt: raisedAt },
        { ...survey, with: 'progress', citedAt: reportedAt },
      ],
    });
  });

  it('the letter that came with the resolution is kept on the resolution, its files with the item', () => {
    const pdf = anAttachment('att-letter-scan');
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS)
      .resolved()
      .documentsAttached('resolution', [pdf], { document: LETTER })
      .build();
    const state = expectStatus(given(history), 'resolved');
    expect(state.resolution.document).toEqual(LETTER);
    expect(state.attachments).toEqual([expect.objectContaining({ id: pdf.id, sha256: pdf.sha256, with: 'resolution' })]);
  });

  it('files cited once stay cited through return, resolution and reopening', () => {
    const pdf = anAttachment('att-survey');
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS)
      .progressReported()
      .documentsAttached('progress', [pdf])
      .returned()
      .assignedTo(FINANCE)
      .resolved()
      .reopened()
      .build();
    expect(given(history)).toMatchObject({ status: 'assigned', attachments: [{ id: pdf.id }] });
  });

  it('DocumentsAttached with neither files nor letter changes nothing visible', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).resolved().build();
    const before = given(history);
    const after = given([
      ...history,
      {
        type: 'DocumentsAttached',
        data: { to: 'resolution', assignmentNo: 1, attachments: [], document: null, attachedAt: DUE_AT },
      },
    ]);
    expect(after).toEqual(before);
  });
});

describe('evolve: coordinating departments', () => {
  const coordinated = () => aRecommendation().accepted().assignedTo(HOME_AFFAIRS).coordinatedBy([FINANCE, 'construction']);
  const parts = (history: RecommendationEvent[]) => expectStatus(given(history), 'assigned').assignment.coordinating;

  it('CoordinationRequested gives the assignment its parts, each open, and puts the departments in scope', () => {
    const state = expectStatus(given(coordinated().build()), 'assigned');
    const open = {
      dueAt: COORDINATION_DUE_AT,
      dueBasis: { method: 'explicit' },
      contributedAt: null,
      contributions: [],
      remindersSent: [],
      escalationLevel: 0,
    };
    expect(state.assignment.coordinating).toEqual([
      { department: FINANCE, ...open },
      { department: 'construction', ...open },
    ]);
    expect(state.lastAssignment).toEqual(state.assignment);
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS, FINANCE, 'construction']);
  });

  it('a department that held the item as lead before is not added to the scope twice', () => {
    const history = aRecommendation()
      .accepted()
      .assignedTo(FINANCE)
      .returned()
      .assignedTo(HOME_AFFAIRS)
      .coordinatedBy([FINANCE])
      .build();
    expect(given(history)).toMatchObject({ departmentsHeld: [FINANCE, HOME_AFFAIRS] });
  });

  it('ContributionMade keeps every contribution and the time of the first, and cites its files', () => {
    const budget = anAttachment('att-budget');
    const first = plus(DUE_AT, -20 * DAY);
    const second = plus(DUE_AT, -10 * DAY);
    const history = coordinated()
      .contributed(FINANCE, { note: 'Budget line found', attachments: [budget], at: first })
      .contributed(FINANCE, { note: 'Budget approved', at: second })
      .build();
    const [finance, construction] = parts(history);
    expect(finance).toMatchObject({
      contributedAt: first,
      contributions: [
        { note: 'Budget line found', attachments: [budget], contributedAt: first },
        { note: 'Budget approved', attachments: [], contributedAt: second },
      ],
    });
    expect(construction).toMatchObject({ contributedAt: null, contributions: [] });
    expect(given(history)).toMatchObject({ attachments: [{ id: budget.id, with: 'contribution', citedAt: first }] });
  });

  it('CoordinationReminderSent and CoordinationEscalated are kept on the part they were about', () => {
    const history = coordinated()
      .coordinationReminded('construction', { lead: '3d', dueAt: '2025-09-16T17:00:00+07:00' })
      .coordinationEscalated('construction', { level: 2 })
      .coordinationEscalated('construction', { level: 1 })
      .build();
    const [finance, construction] = parts(history);
    expect(construction).toMatchObject({ remindersSent: [`3d@${COORDINATION_DUE_AT}`], escalationLevel: 2 });
    expect(finance).toMatchObject({ remindersSent: [], escalationLevel: 0 });
    // The lead's own notices are apart from the parts'.
    expect(expectStatus(given(history), 'assigned').assignment).toMatchObject({ remindersSent: [], escalationLevel: 0 });
  });

  it('DeadlineExtended moves the lead’s due date only', () => {
    const history = coordinated().coordinationReminded(FINANCE).extended({ dueAt: LATER_DUE_AT }).build();
    expect(parts(history)[0]).toMatchObject({ dueAt: COORDINATION_DUE_AT, remindersSent: [`3d@${COORDINATION_DUE_AT}`] });
  });

  it('CoordinationTransferred moves the part with its due date and contributions, and the new department reads the item', () => {
    const history = coordinated().contributed(FINANCE).coordinationTransferred(FINANCE, 'industry-trade').build();
    const state = expectStatus(given(history), 'assigned');
    expect(state.assignment.coordinating.map((c) => c.department)).toEqual(['industry-trade', 'construction']);
    expect(state.assignment.coordinating[0]).toMatchObject({ dueAt: COORDINATION_DUE_AT, contributedAt: expect.any(String) });
    // The old department held it: it keeps reading what it held.
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS, FINANCE, 'construction', 'industry-trade']);
  });

  it('a part moved into a department already coordinating merges with that department’s own part', () => {
    const history = coordinated().contributed('construction').coordinationTransferred(FINANCE, 'construction').build();
    const state = expectStatus(given(history), 'assigned');
    expect(state.assignment.coordinating).toEqual([
      expect.objectContaining({ department: 'construction', contributedAt: expect.any(String) }),
    ]);
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS, FINANCE, 'construction']);
  });

  it('a part moved into the lead department ends: the lead answers for it', () => {
    const history = coordinated().coordinationTransferred(FINANCE, HOME_AFFAIRS).build();
    const state = expectStatus(given(history), 'assigned');
    expect(state.assignment).toMatchObject({ department: HOME_AFFAIRS, coordinating: [{ department: 'construction' }] });
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS, FINANCE, 'construction']);
  });

  it('a lead moved into a coordinating department takes that part over', () => {
    const history = coordinated().transferred(FINANCE).build();
    const state = expectStatus(given(history), 'assigned');
    expect(state.assignment).toMatchObject({ department: FINANCE, coordinating: [{ department: 'construction' }] });
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS, FINANCE, 'construction']);
  });

  it('a lead moved elsewhere keeps the parts', () => {
    const history = coordinated().transferred('justice').build();
    expect(parts(history).map((c) => c.department)).toEqual([FINANCE, 'construction']);
  });

  it('the parts end with the assignment: kept as the last assignment, not carried into the next', () => {
    const returned = expectStatus(given(coordinated().returned().build()), 'accepted');
    expect(returned.lastAssignment?.coordinating.map((c) => c.department)).toEqual([FINANCE, 'construction']);
    expect(returned.departmentsHeld).toEqual([HOME_AFFAIRS, FINANCE, 'construction']);
    const reopened = expectStatus(given(coordinated().resolved().reopened().build()), 'assigned');
    expect(reopened.assignment.coordinating).toEqual([]);
    expect(reopened.departmentsHeld).toEqual([HOME_AFFAIRS, FINANCE, 'construction']);
  });

  it('events about a part after the assignment ended are ignored', () => {
    const ended = coordinated().resolved().build();
    const before = given(ended);
    const late: RecommendationEvent = {
      type: 'ContributionMade',
      data: { assignmentNo: 1, department: FINANCE, note: 'Late', attachments: [], contributedAt: LATER_DUE_AT },
    };
    expect(evolve(before, late)).toEqual(before);
  });
});

describe('evolve: explanations', () => {
  const overdue = () => aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT });
  const requestedAt = plus(DUE_AT, DAY);
  const explanationDue = plus(requestedAt, 7 * DAY);

  it('ExplanationRequested opens an explanation on the item, owed by the lead', () => {
    const state = given(overdue().explanationRequested().build());
    expect(state).toMatchObject({
      status: 'assigned',
      explanation: {
        explanationNo: 1,
        assignmentNo: 1,
        department: HOME_AFFAIRS,
        reason: 'Overdue by more than a week',
        dueAt: explanationDue,
        dueBasis: { method: 'explicit' },
        requestedAt,
        requestedBy: 'committee-member',
        text: null,
        attachments: [],
        answeredAt: null,
        onTime: null,
        remindersSent: [],
      },
    });
  });

  it('an explanation still awaited moves with the lead in a merger; an answered one keeps who answered', () => {
    const awaited = given(overdue().explanationRequested().transferred('justice').build());
    expect(awaited).toMatchObject({ explanation: { department: 'justice', answeredAt: null } });
    const answered = given(overdue().explanationRequested().explained(HOME_AFFAIRS).transferred('justice').build());
    expect(answered).toMatchObject({ explanation: { department: HOME_AFFAIRS } });
  });

  it('ExplanationReminderSent and ExplanationGiven complete it, and its files are cited', () => {
    const scan = anAttachment('att-explanation');
    const answeredAt = plus(requestedAt, 2 * DAY);
    const history = overdue()
      .explanationRequested()
      .explanationReminded({ lead: '1d' })
      .explained(HOME_AFFAIRS, { attachments: [scan], at: answeredAt })
      .build();
    const state = given(history);
    expect(state).toMatchObject({
      explanation: {
        text: 'The land survey was delayed by the floods',
        attachments: [scan],
        answeredAt,
        onTime: true,
        remindersSent: [`1d@${explanationDue}`],
      },
      attachments: [{ id: scan.id, with: 'explanation', citedAt: answeredAt }],
    });
  });

  it('an answer or reminder about another explanation than the latest is ignored', () => {
    const history = overdue().explanationRequested().build();
    const before = given(history);
    const other: RecommendationEvent[] = [
      {
        type: 'ExplanationGiven',
        data: { explanationNo: 2, department: HOME_AFFAIRS, text: 'x', attachments: [], answeredAt: LATER_DUE_AT, onTime: true },
      },
      {
        type: 'ExplanationReminderSent',
        data: {
          assignmentNo: 1,
          explanationNo: 2,
          department: HOME_AFFAIRS,
          lead: '1d',
          dueAt: LATER_DUE_AT,
          channels: [],
          sentAt: DUE_AT,
        },
      },
    ];
    for (const event of other) expect(evolve(before, event)).toBe(before);
  });

  it('a second request replaces the answered one', () => {
    const history = overdue()
      .explanationRequested()
      .explained(HOME_AFFAIRS)
      .explanationRequested({ at: plus(requestedAt, 3 * DAY) })
      .build();
    expect(given(history)).toMatchObject({ explanation: { explanationNo: 2, answeredAt: null, text: null } });
  });

  it('the explanation outlives the assignment: through a late resolution, a return and a reopening', () => {
    const resolved = given(
      overdue()
        .explanationRequested()
        .resolved({ at: plus(requestedAt, HOUR) })
        .build(),
    );
    expect(resolved).toMatchObject({ status: 'resolved', explanation: { explanationNo: 1, answeredAt: null } });
    const returned = given(overdue().explanationRequested().returned().build());
    expect(returned).toMatchObject({ status: 'accepted', explanation: { explanationNo: 1 } });
    const reopened = given(overdue().explanationRequested().resolved().reopened().build());
    expect(reopened).toMatchObject({ status: 'assigned', explanation: { explanationNo: 1, assignmentNo: 1 } });
  });
});
