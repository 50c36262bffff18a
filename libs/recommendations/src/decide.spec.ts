import type { Actor, Role } from './actor';
import type { RecommendationCommand, RecommendationCommandType } from './commands';
import { decide } from './decide';
import { DomainError, ErrorCodes, type DomainErrorKind } from './errors';
import type { DueDateBasis, RecommendationEvent, RecommendationEventType } from './events';
import { fold } from './evolve';
import type { RecommendationStatus } from './state';
import {
  DAY,
  DUE_AT,
  LATER_DUE_AT,
  NOW,
  RECOMMENDATION_ID,
  aRecommendation,
  auditor,
  command,
  committee,
  commune,
  department,
  explicitDue,
  given,
  plus,
  refusalOf,
  secretariat,
  system,
} from './testing/recommendation.builder';

const HOME_AFFAIRS = 'home-affairs';

/** Decides `cmd` against the state `history` folds to. */
const when = (history: RecommendationEvent[], cmd: RecommendationCommand) => decide(cmd, given(history));

// Every status, with home-affairs holding the item wherever it can, so that a department's refusal in the
// table is about the status and not about its scope. `returned`: accepted again after home-affairs returned it.
const STATES = {
  none: () => [],
  raised: () => aRecommendation().build(),
  accepted: () => aRecommendation().accepted().build(),
  returned: () => aRecommendation().accepted().assignedTo(HOME_AFFAIRS).returned().build(),
  declined: () => aRecommendation().declined().build(),
  assigned: () => aRecommendation().accepted().assignedTo(HOME_AFFAIRS).build(),
  resolved: () => aRecommendation().accepted().assignedTo(HOME_AFFAIRS).resolved().build(),
} satisfies Record<string, () => RecommendationEvent[]>;
const STATE_NAMES = Object.keys(STATES) as Array<keyof typeof STATES>;

type Outcome = { emits: RecommendationEventType; status: RecommendationStatus } | { code: string; kind: DomainErrorKind };
const emits = (type: RecommendationEventType, status: RecommendationStatus): Outcome => ({ emits: type, status });
/** Every refusal: its code, spelled out since clients rely on it (API.md), and the kind that sets the HTTP status. */
const REFUSED = {
  notFound: { code: 'RECOMMENDATION.NOT_FOUND', kind: 'not_found' },
  invalidTransition: { code: 'RECOMMENDATION.INVALID_TRANSITION', kind: 'conflict' },
  alreadyExists: { code: 'RECOMMENDATION.ALREADY_EXISTS', kind: 'conflict' },
  roleNotAllowed: { code: 'AUTH.ROLE_NOT_ALLOWED', kind: 'forbidden' },
  notAssignedToCaller: { code: 'RECOMMENDATION.NOT_ASSIGNED_TO_CALLER', kind: 'forbidden' },
  otherCommune: { code: 'RECOMMENDATION.OTHER_COMMUNE', kind: 'forbidden' },
  dueDateNotInFuture: { code: 'RECOMMENDATION.DUE_DATE_NOT_IN_FUTURE', kind: 'invalid' },
  dueDateNotLater: { code: 'RECOMMENDATION.DUE_DATE_NOT_LATER', kind: 'invalid' },
  alreadyAcknowledged: { code: 'RECOMMENDATION.ALREADY_ACKNOWLEDGED', kind: 'conflict' },
  departmentRequired: { code: 'RECOMMENDATION.DEPARTMENT_REQUIRED', kind: 'invalid' },
  staleNotice: { code: 'RECOMMENDATION.STALE_NOTICE', kind: 'conflict' },
  notHeldByDepartment: { code: 'RECOMMENDATION.NOT_HELD_BY_DEPARTMENT', kind: 'conflict' },
} satisfies Record<keyof typeof ErrorCodes, { code: string; kind: DomainErrorKind }>;
const TABLE_REFUSALS: Record<string, Outcome> = {
  NF: REFUSED.notFound,
  IT: REFUSED.invalidTransition,
  EX: REFUSED.alreadyExists,
  NC: REFUSED.notAssignedToCaller,
};

const AFTER_DUE = plus(DUE_AT, DAY);
const byHomeAffairs = department(HOME_AFFAIRS);

/**
 * API.md's command table, spelled out per status: the status a command leads to (through its one event), or
 * why it is refused: NF not found, IT invalid transition, EX already exists, NC not assigned to the caller.
 * Columns follow STATES.
 */
const TABLE = `
                                   none    raised    accepted  returned  declined  assigned  resolved
RaiseRecommendation                raised  EX        EX        EX        EX        EX        EX
AcceptRecommendation               NF      accepted  IT        IT        IT        IT        IT
DeclineRecommendation              NF      declined  IT        IT        IT        IT        IT
AssignRecommendation               NF      IT        assigned  assigned  IT        IT        IT
AcknowledgeAssignment              NF      NF        NF        IT        NF        assigned  IT
ReportProgress                     NF      NF        NF        IT        NF        assigned  IT
RequestExtension                   NF      NF        NF        IT        NF        assigned  IT
ExtendDeadline                     NF      IT        IT        IT        IT        assigned  IT
ReturnAssignment                   NF      NF        NF        IT        NF        accepted  IT
ResolveRecommendation/department   NF      NF        NF        NC        NF        resolved  IT
ResolveRecommendation/secretariat  NF      IT        resolved  resolved  IT        NC        IT
ReopenRecommendation               NF      IT        IT        IT        IT        IT        assigned
SendReminder                       NF      IT        IT        IT        IT        assigned  IT
EscalateDeadline                   NF      IT        IT        IT        IT        assigned  IT
RecordNotificationDelivery         NF      raised    accepted  accepted  declined  assigned  resolved
RecordNotificationFailure          NF      raised    accepted  accepted  declined  assigned  resolved
TransferAssignment                 NF      IT        IT        IT        IT        assigned  IT
`;

/** Each row's command, by an actor API.md allows, valid in every other respect; and the event it decides. */
const ROWS: Record<string, [RecommendationCommand, RecommendationEventType]> = {
  RaiseRecommendation: [command('RaiseRecommendation'), 'RecommendationRaised'],
  AcceptRecommendation: [command('AcceptRecommendation'), 'RecommendationAccepted'],
  DeclineRecommendation: [command('DeclineRecommendation'), 'RecommendationDeclined'],
  AssignRecommendation: [command('AssignRecommendation'), 'RecommendationAssigned'],
  AcknowledgeAssignment: [command('AcknowledgeAssignment'), 'AssignmentAcknowledged'],
  ReportProgress: [command('ReportProgress'), 'ProgressReported'],
  RequestExtension: [command('RequestExtension'), 'ExtensionRequested'],
  ExtendDeadline: [command('ExtendDeadline'), 'DeadlineExtended'],
  ReturnAssignment: [command('ReturnAssignment'), 'AssignmentReturned'],
  'ResolveRecommendation/department': [command('ResolveRecommendation', { actor: byHomeAffairs }), 'RecommendationResolved'],
  'ResolveRecommendation/secretariat': [command('ResolveRecommendation', { actor: secretariat() }), 'RecommendationResolved'],
  ReopenRecommendation: [command('ReopenRecommendation'), 'RecommendationReopened'],
  SendReminder: [command('SendReminder'), 'ReminderSent'],
  EscalateDeadline: [command('EscalateDeadline', { now: AFTER_DUE }), 'DeadlineEscalated'],
  // A delivery's outcome is worth recording whatever happened to the item since its notice was sent.
  RecordNotificationDelivery: [command('RecordNotificationDelivery'), 'NotificationDelivered'],
  RecordNotificationFailure: [command('RecordNotificationFailure'), 'NotificationFailed'],
  TransferAssignment: [command('TransferAssignment'), 'AssignmentTransferred'],
};

const [HEADER, ...LINES] = TABLE.trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/));
const CASES = LINES.flatMap(([label, ...cells]) => {
  // A typo in the table must fail loudly, not drop a case.
  if (!ROWS[label] || cells.length !== STATE_NAMES.length) throw new Error(`bad table row: ${label}`);
  const [cmd, event] = ROWS[label];
  return STATE_NAMES.map(
    (state, i) => [label, state, cmd, TABLE_REFUSALS[cells[i]] ?? emits(event, cells[i] as RecommendationStatus)] as const,
  );
});

function outcomeOf(history: RecommendationEvent[], cmd: RecommendationCommand): Outcome {
  const state = given(history);
  try {
    const events = decide(cmd, state);
    expect(events).toHaveLength(1);
    return { emits: events[0].type, status: fold(events, state).status as RecommendationStatus };
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, kind: error.kind };
    throw error;
  }
}

describe('decide: every command in every status', () => {
  it('covers every command type', () => {
    expect(new Set(CASES.map(([, , cmd]) => cmd.type))).toEqual(new Set(Object.keys(WHO)));
    expect(HEADER).toEqual(STATE_NAMES);
    expect(LINES.map(([label]) => label)).toEqual(Object.keys(ROWS));
  });

  it.each(CASES)('%s on %s', (_label, state, cmd, expected) => {
    expect(outcomeOf(STATES[state](), cmd)).toEqual(expected);
  });
});

/** API.md's "who" column, restated so that drift in rules.ts shows up here. */
const WHO: Record<RecommendationCommandType, Role[]> = {
  RaiseRecommendation: ['secretariat', 'commune'],
  AcceptRecommendation: ['secretariat'],
  DeclineRecommendation: ['secretariat'],
  AssignRecommendation: ['secretariat'],
  AcknowledgeAssignment: ['department'],
  ReportProgress: ['department'],
  RequestExtension: ['department'],
  ExtendDeadline: ['secretariat', 'committee'],
  ReturnAssignment: ['department'],
  ResolveRecommendation: ['department', 'secretariat'],
  ReopenRecommendation: ['committee', 'secretariat'],
  // Not in API.md: the service's own notices, which no token can send.
  SendReminder: ['system'],
  EscalateDeadline: ['system'],
  RecordNotificationDelivery: ['system'],
  RecordNotificationFailure: ['system'],
  TransferAssignment: ['system'],
};
const ACTOR_OF: Record<Role, Actor> = {
  secretariat: secretariat(),
  committee: committee(),
  department: byHomeAffairs,
  commune: commune('tam-thanh'),
  auditor: auditor(),
  admin: { sub: 'admin-1', name: 'Admin', role: 'admin' },
  system: system(),
};

/**
 * A history and command in which `role` issuing a command of `type` should succeed: the first status where the
 * table has that command succeed, taking the row of that role when the command has one per role.
 */
function happyPath(type: RecommendationCommandType, role: Role): [RecommendationEvent[], RecommendationCommand] {
  const successes = CASES.filter(([, , cmd, expected]) => cmd.type === type && 'emits' in expected);
  const [, state, cmd] = successes.find(([, , c]) => c.actor.role === role) ?? successes[0];
  return [STATES[state](), { ...cmd, actor: ACTOR_OF[role] }];
}
const COMMAND_TYPES = Object.keys(WHO) as RecommendationCommandType[];
const ROLES = Object.keys(ACTOR_OF) as Role[];

describe('decide: who may issue what (API.md "who")', () => {
  it.each(COMMAND_TYPES.flatMap((type) => WHO[type].map((role) => [type, role] as const)))('%s by %s succeeds', (type, role) => {
    const [history, cmd] = happyPath(type, role);
    expect(when(history, cmd)).toHaveLength(1);
  });

  // Refused in the very state where the right actor succeeds: the role is the only reason.
  const refusals = COMMAND_TYPES.flatMap((type) =>
    ROLES.filter((role) => !WHO[type].includes(role)).map((role) => [type, role] as const),
  );
  it.each(refusals)('%s by %s is AUTH.ROLE_NOT_ALLOWED', (type, role) => {
    const [history, cmd] = happyPath(type, WHO[type][0]);
    expect(refusalOf(() => when(history, { ...cmd, actor: ACTOR_OF[role] }))).toEqual(REFUSED.roleNotAllowed);
  });

  it('refuses a commune raising a recommendation for another commune', () => {
    const cmd = command('RaiseRecommendation', { actor: commune('ky-lua'), commune: 'tam-thanh' });
    expect(refusalOf(() => when([], cmd))).toEqual(REFUSED.otherCommune);
  });

  it('lets the secretariat raise for any commune, recording who raised it', () => {
    const [event] = when([], command('RaiseRecommendation', { actor: secretariat(), commune: 'luong-van-tri' }));
    expect(event).toMatchObject({ data: { commune: 'luong-van-tri', raisedBy: 'secretariat-clerk' } });
  });
});

describe('decide: the data of each allowed transition', () => {
  it('raise takes its time from now and its author from the actor', () => {
    const details = {
      commune: 'tam-thanh',
      title: 'Second IT staff to the ward',
      description: 'One IT officer serves 6,600 files a month.',
      category: 'staffing',
      workingGroup: null,
      sessionDate: null,
    };
    expect(when([], command('RaiseRecommendation', { actor: commune('tam-thanh'), ...details }))).toEqual([
      {
        type: 'RecommendationRaised',
        data: { ...details, recommendationId: RECOMMENDATION_ID, raisedAt: NOW, raisedBy: 'tam-thanh-clerk' },
      },
    ]);
  });

  it('accept and decline record the note or reason at now', () => {
    const raised = aRecommendation().build();
    expect(when(raised, command('AcceptRecommendation', { note: 'To the working group' }))).toEqual([
      { type: 'RecommendationAccepted', data: { note: 'To the working group', acceptedAt: NOW } },
    ]);
    expect(when(raised, command('DeclineRecommendation', { reason: 'Duplicate' }))).toEqual([
      { type: 'RecommendationDeclined', data: { reason: 'Duplicate', declinedAt: NOW } },
    ]);
  });

  it('assign numbers the first assignment 1 and keeps how its due date was obtained', () => {
    const dueBasis: DueDateBasis = {
      method: 'workingDays',
      workingDays: 30,
      from: NOW,
      fromLocalDate: '2025-08-06',
      timeZone: 'Asia/Ho_Chi_Minh',
      skipped: [{ date: '2025-09-02', reason: 'National Day' }],
      workedWeekendDays: [],
      calendarVersion: 'test',
    };
    const cmd = command('AssignRecommendation', {
      department: 'construction',
      due: { dueAt: DUE_AT, basis: dueBasis },
      instructions: 'Survey first',
    });
    expect(when(aRecommendation().accepted().build(), cmd)).toEqual([
      {
        type: 'RecommendationAssigned',
        data: {
          assignmentNo: 1,
          department: 'construction',
          dueAt: DUE_AT,
          dueBasis,
          instructions: 'Survey first',
          assignedAt: NOW,
        },
      },
    ]);
  });

  it('department steps name the current assignment and the department', () => {
    const assigned = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).build();
    const ids = { assignmentNo: 1, department: HOME_AFFAIRS };
    expect(when(assigned, command('AcknowledgeAssignment'))).toEqual([
      { type: 'AssignmentAcknowledged', data: { ...ids, acknowledgedAt: NOW } },
    ]);
    expect(when(assigned, command('ReportProgress', { note: 'Plan drafted' }))).toEqual([
      { type: 'ProgressReported', data: { ...ids, note: 'Plan drafted', reportedAt: NOW } },
    ]);
    expect(when(assigned, command('RequestExtension', { requestedDueAt: LATER_DUE_AT, reason: 'Survey' }))).toEqual([
      { type: 'ExtensionRequested', data: { ...ids, requestedDueAt: LATER_DUE_AT, reason: 'Survey', requestedAt: NOW } },
    ]);
    expect(when(assigned, command('ReturnAssignment', { reason: 'Finance decides' }))).toEqual([
      { type: 'AssignmentReturned', data: { ...ids, reason: 'Finance decides', returnedAt: NOW } },
    ]);
  });

  it('extend records the due date it replaces', () => {
    const cmd = command('ExtendDeadline', { actor: committee(), due: explicitDue(LATER_DUE_AT), reason: 'Survey' });
    expect(when(aRecommendation().accepted().assignedTo(HOME_AFFAIRS).build(), cmd)).toEqual([
      {
        type: 'DeadlineExtended',
        data: {
          assignmentNo: 1,
          previousDueAt: DUE_AT,
          dueAt: LATER_DUE_AT,
          dueBasis: { method: 'explicit' },
          reason: 'Survey',
          extendedAt: NOW,
        },
      },
    ]);
  });

  it('numbers assignments across return, reassignment, resolution and reopening', () => {
    let history = aRecommendation().accepted().build();
    const step = (cmd: RecommendationCommand) => {
      const events = when(history, cmd);
      history = [...history, ...events];
      return events[0].data;
    };
    expect(step(command('AssignRecommendation', { department: HOME_AFFAIRS }))).toMatchObject({ assignmentNo: 1 });
    expect(step(command('ReturnAssignment', { now: plus(NOW, DAY) }))).toMatchObject({
      assignmentNo: 1,
      department: HOME_AFFAIRS,
    });
    expect(step(command('AssignRecommendation', { department: 'finance', now: plus(NOW, 2 * DAY) }))).toMatchObject({
      assignmentNo: 2,
    });
    const resolved = step(command('ResolveRecommendation', { actor: department('finance'), now: plus(NOW, 3 * DAY) }));
    expect(resolved).toEqual({
      resolution: 'Headquarters included in the 2026 investment plan',
      resolvedAt: plus(NOW, 3 * DAY),
      resolvedBy: 'finance-officer',
      department: 'finance',
      assignmentNo: 2,
      dueAt: DUE_AT,
      onTime: true,
    });
    expect(step(command('ReopenRecommendation', { now: plus(NOW, 4 * DAY), reason: 'No date given' }))).toEqual({
      reason: 'No date given',
      assignmentNo: 3,
      department: 'finance',
      dueAt: LATER_DUE_AT,
      dueBasis: { method: 'explicit' },
      reopenedAt: plus(NOW, 4 * DAY),
    });
  });

  describe('on time is judged against the due date in force, inclusive', () => {
    const assigned = () => aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT });
    const onTime = (history: RecommendationEvent[], now: string) =>
      when(history, command('ResolveRecommendation', { now }))[0].data;

    it('resolved exactly at the due date is on time', () => {
      expect(onTime(assigned().build(), DUE_AT)).toMatchObject({ onTime: true, dueAt: DUE_AT });
    });
    it('resolved a millisecond later is late', () => {
      expect(onTime(assigned().build(), plus(DUE_AT, 1))).toMatchObject({ onTime: false, dueAt: DUE_AT });
    });
    it('after an extension, the new due date counts', () => {
      expect(onTime(assigned().extended({ dueAt: LATER_DUE_AT }).build(), plus(DUE_AT, DAY))).toMatchObject({
        onTime: true,
        dueAt: LATER_DUE_AT,
      });
    });
  });

  it('answered on the spot by the secretariat: on time, and no department, assignment or due date', () => {
    const cmd = command('ResolveRecommendation', { actor: secretariat(), resolution: 'Answered' });
    const data = { resolution: 'Answered', resolvedAt: NOW, resolvedBy: 'secretariat-clerk' };
    expect(when(aRecommendation().accepted().build(), cmd)).toEqual([
      { type: 'RecommendationResolved', data: { ...data, department: null, assignmentNo: null, dueAt: null, onTime: true } },
    ]);
  });
});

describe('decide: a department acts only within its scope', () => {
  const departmentCommands = [
    'AcknowledgeAssignment',
    'ReportProgress',
    'RequestExtension',
    'ReturnAssignment',
    'ResolveRecommendation',
  ] as const;

  // To a department that never held it, the item does not exist (404, not 403: no leak that it exists).
  it.each(departmentCommands)('%s by a department that never held the item is NOT_FOUND', (type) => {
    const history = aRecommendation().accepted().assignedTo('finance').build();
    expect(refusalOf(() => when(history, command(type, { actor: byHomeAffairs })))).toEqual(REFUSED.notFound);
  });

  it.each(departmentCommands)('%s by a department that held the item before is NOT_ASSIGNED_TO_CALLER', (type) => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).returned().assignedTo('finance').build();
    expect(refusalOf(() => when(history, command(type, { actor: byHomeAffairs })))).toEqual(REFUSED.notAssignedToCaller);
  });

  it('a department token without a department code sees nothing', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).build();
    const actor: Actor = { ...byHomeAffairs, department: undefined };
    expect(refusalOf(() => when(history, command('ReportProgress', { actor })))).toEqual(REFUSED.notFound);
  });

  it('an assignment is acknowledged once', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).acknowledged().build();
    expect(refusalOf(() => when(history, command('AcknowledgeAssignment')))).toEqual(REFUSED.alreadyAcknowledged);
  });

  it('a reopened item is a new assignment, to be acknowledged again', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).acknowledged().resolved().reopened().build();
    expect(when(history, command('AcknowledgeAssignment'))).toEqual([
      { type: 'AssignmentAcknowledged', data: { assignmentNo: 2, department: HOME_AFFAIRS, acknowledgedAt: NOW } },
    ]);
  });
});

describe('decide: due dates', () => {
  const accepted = aRecommendation().accepted().build();
  const assigned = aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT }).build();
  const resolved = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).resolved().build();
  const withDue = (dueAt: string): Array<[string, RecommendationEvent[], RecommendationCommand]> => [
    ['AssignRecommendation', accepted, command('AssignRecommendation', { due: explicitDue(dueAt) })],
    ['ExtendDeadline', assigned, command('ExtendDeadline', { due: explicitDue(dueAt) })],
    ['RequestExtension', assigned, command('RequestExtension', { requestedDueAt: dueAt })],
    ['ReopenRecommendation', resolved, command('ReopenRecommendation', { due: explicitDue(dueAt) })],
  ];

  it.each(withDue(plus(NOW, -DAY)))('%s refuses a due date in the past', (_t, history, cmd) => {
    expect(refusalOf(() => when(history, cmd))).toEqual(REFUSED.dueDateNotInFuture);
  });
  it.each(withDue(NOW))('%s refuses a due date equal to now', (_t, history, cmd) => {
    expect(refusalOf(() => when(history, cmd))).toEqual(REFUSED.dueDateNotInFuture);
  });
  it('assign takes a due date a millisecond after now', () => {
    expect(when(accepted, command('AssignRecommendation', { due: explicitDue(plus(NOW, 1)) }))).toHaveLength(1);
  });

  it.each([
    ['equal to', DUE_AT],
    ['earlier than', plus(DUE_AT, -DAY)],
  ])('extend and request refuse a due date %s the current one', (_how, dueAt) => {
    expect(refusalOf(() => when(assigned, command('ExtendDeadline', { due: explicitDue(dueAt) })))).toEqual(
      REFUSED.dueDateNotLater,
    );
    expect(refusalOf(() => when(assigned, command('RequestExtension', { requestedDueAt: dueAt })))).toEqual(
      REFUSED.dueDateNotLater,
    );
  });

  it('an overdue item cannot be extended to a date that has also passed', () => {
    const cmd = command('ExtendDeadline', { now: plus(DUE_AT, 10 * DAY), due: explicitDue(plus(DUE_AT, 5 * DAY)) });
    expect(refusalOf(() => when(assigned, cmd))).toEqual(REFUSED.dueDateNotInFuture);
  });
});

describe('decide: reopening', () => {
  it('goes back to the department that resolved it, as a new assignment', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).resolved().build();
    expect(when(history, command('ReopenRecommendation', { actor: secretariat() }))[0].data).toMatchObject({
      assignmentNo: 2,
      department: HOME_AFFAIRS,
    });
  });

  it('an item answered on the spot needs the department to reopen it to', () => {
    const history = aRecommendation().accepted().resolved().build();
    const cmd = command('ReopenRecommendation', { department: null });
    expect(refusalOf(() => when(history, cmd))).toEqual(REFUSED.departmentRequired);
  });

  it('an item answered on the spot is reopened to the department given, as assignment 1', () => {
    const history = aRecommendation().accepted().resolved().build();
    expect(when(history, command('ReopenRecommendation', { department: 'construction' }))[0].data).toMatchObject({
      assignmentNo: 1,
      department: 'construction',
    });
  });

  // KNOWN BUG (reported to the lead): decide takes `lastAssignment.department` whenever there is one, so an item
  // returned by home-affairs as outside its competence and then answered on the spot is reopened to home-affairs,
  // ignoring the department the caller gives. The API's request DTO says `department` is for items answered on the
  // spot; such a resolution has department null, so "the same department" does not exist.
  describe('answered on the spot after a return', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).returned().resolved({ by: secretariat() }).build();

    it('is reopened to the department given, not to the one that returned it', () => {
      expect(when(history, command('ReopenRecommendation', { department: 'finance' }))[0].data).toMatchObject({
        assignmentNo: 2,
        department: 'finance',
      });
    });

    it('needs a department to be reopened', () => {
      const cmd = command('ReopenRecommendation', { department: null });
      expect(refusalOf(() => when(history, cmd))).toEqual(REFUSED.departmentRequired);
    });
  });
});

describe('decide: reminders', () => {
  const assigned = () => aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT });
  const remind = (history: RecommendationEvent[], fields: Parameters<typeof command<'SendReminder'>>[1]) =>
    when(history, command('SendReminder', fields));

  it('records who was reminded of which due date, when and through what', () => {
    expect(remind(assigned().build(), { lead: '1d', channels: ['email'], now: plus(DUE_AT, -DAY) })).toEqual([
      {
        type: 'ReminderSent',
        data: {
          assignmentNo: 1,
          department: HOME_AFFAIRS,
          lead: '1d',
          dueAt: DUE_AT,
          channels: ['email'],
          sentAt: plus(DUE_AT, -DAY),
        },
      },
    ]);
  });

  it('is stale for an earlier assignment', () => {
    const history = assigned().returned().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT }).build();
    expect(refusalOf(() => remind(history, { assignmentNo: 1 }))).toEqual(REFUSED.staleNotice);
  });

  it('is stale once the due date moved, and due again for the new date', () => {
    const history = assigned().extended({ dueAt: LATER_DUE_AT }).build();
    expect(refusalOf(() => remind(history, { dueAt: DUE_AT }))).toEqual(REFUSED.staleNotice);
    expect(remind(history, { dueAt: LATER_DUE_AT })).toHaveLength(1);
  });

  it('is sent once per lead and due date, whatever offset the due date is written in', () => {
    const history = assigned().reminded({ lead: '3d' }).build();
    expect(refusalOf(() => remind(history, { lead: '3d', dueAt: DUE_AT }))).toEqual(REFUSED.staleNotice);
    expect(refusalOf(() => remind(history, { lead: '3d', dueAt: '2025-09-30T17:00:00+07:00' }))).toEqual(REFUSED.staleNotice);
    expect(remind(history, { lead: '1d' })).toHaveLength(1);
  });
});

describe('decide: escalations', () => {
  const assigned = () => aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT });
  const escalate = (history: RecommendationEvent[], fields: Parameters<typeof command<'EscalateDeadline'>>[1]) =>
    when(history, command('EscalateDeadline', fields));

  it('is stale before the due date', () => {
    expect(refusalOf(() => escalate(assigned().build(), { now: plus(DUE_AT, -1) }))).toEqual(REFUSED.staleNotice);
  });

  it('fires at the due date itself, zero days overdue, naming the channels its notice goes to', () => {
    expect(escalate(assigned().build(), { now: DUE_AT, level: 1, channels: ['webhook', 'email'] })).toEqual([
      {
        type: 'DeadlineEscalated',
        data: {
          assignmentNo: 1,
          department: HOME_AFFAIRS,
          level: 1,
          dueAt: DUE_AT,
          daysOverdue: 0,
          channels: ['webhook', 'email'],
          escalatedAt: DUE_AT,
        },
      },
    ]);
  });

  it('counts whole days overdue', () => {
    const now = plus(DUE_AT, 8 * DAY - 1);
    expect(escalate(assigned().build(), { now, level: 2 })[0].data).toMatchObject({ level: 2, daysOverdue: 7 });
  });

  it('needs a level higher than the last one sent', () => {
    const history = assigned().escalated({ level: 1 }).build();
    const now = plus(DUE_AT, 7 * DAY);
    expect(refusalOf(() => escalate(history, { now, level: 1 }))).toEqual(REFUSED.staleNotice);
    expect(escalate(history, { now, level: 2 })).toHaveLength(1);
    expect(refusalOf(() => escalate(assigned().build(), { now, level: 0 }))).toEqual(REFUSED.staleNotice);
  });

  it('is stale for an earlier assignment or a moved due date', () => {
    const now = plus(LATER_DUE_AT, DAY);
    const reassigned = assigned().returned().assignedTo('finance', { dueAt: DUE_AT }).build();
    expect(refusalOf(() => escalate(reassigned, { now, assignmentNo: 1 }))).toEqual(REFUSED.staleNotice);
    const extended = assigned().extended({ dueAt: LATER_DUE_AT }).build();
    expect(refusalOf(() => escalate(extended, { now, dueAt: DUE_AT }))).toEqual(REFUSED.staleNotice);
  });

  it('starts again from level 1 after the due date moved', () => {
    const history = assigned()
      .escalated({ level: 2 })
      .extended({ dueAt: LATER_DUE_AT, at: plus(DUE_AT, DAY) })
      .build();
    expect(escalate(history, { now: LATER_DUE_AT, dueAt: LATER_DUE_AT, level: 1 })).toHaveLength(1);
  });
});

describe('decide: notification outcomes', () => {
  it('a delivery names its notice and the department of the last assignment, even after resolution', () => {
    const history = aRecommendation().accepted().assignedTo('finance').reminded().resolved().build();
    const noticeId = '0b8f8a8e-52a4-5c39-8f3e-2a1d6c2e9b71';
    const cmd = command('RecordNotificationDelivery', { channel: 'email', notice: 'ReminderSent', noticeId });
    expect(when(history, cmd)).toEqual([
      {
        type: 'NotificationDelivered',
        data: { assignmentNo: 1, department: 'finance', channel: 'email', notice: 'ReminderSent', noticeId, deliveredAt: NOW },
      },
    ]);
  });

  it('a failure names the department of the last assignment, even after resolution', () => {
    const history = aRecommendation().accepted().assignedTo('finance').resolved().build();
    const cmd = command('RecordNotificationFailure', { channel: 'webhook', notice: 'escalation 1', error: 'HTTP 503' });
    expect(when(history, cmd)).toEqual([
      {
        type: 'NotificationFailed',
        data: {
          assignmentNo: 1,
          department: 'finance',
          channel: 'webhook',
          notice: 'escalation 1',
          error: 'HTTP 503',
          failedAt: NOW,
        },
      },
    ]);
  });
});

describe('decide: a transfer after a merger of departments', () => {
  it('moves the assignment, the same one with the same deadline, and the new department reads it', () => {
    const history = STATES.assigned();
    const events = decide(command('TransferAssignment'), given(history));
    expect(events).toEqual([
      {
        type: 'AssignmentTransferred',
        data: expect.objectContaining({ assignmentNo: 1, fromDepartment: HOME_AFFAIRS, department: 'justice' }),
      },
    ]);
    const after = fold(events, given(history));
    expect(after).toMatchObject({
      status: 'assigned',
      assignment: { department: 'justice', dueAt: DUE_AT },
      departmentsHeld: [HOME_AFFAIRS, 'justice'],
    });
  });

  it('refuses to move an assignment the named department does not hold (moved already)', () => {
    const history = STATES.assigned();
    const moved = [...history, ...decide(command('TransferAssignment'), given(history))];
    expect(outcomeOf(moved, command('TransferAssignment'))).toEqual(REFUSED.notHeldByDepartment);
  });
});
