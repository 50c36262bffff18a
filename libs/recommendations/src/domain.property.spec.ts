import fc from 'fast-check';
import type { Actor } from './actor';
import { MAX_COORDINATING, type RecommendationCommand, type RecommendationCommandType } from './commands';
import { decide } from './decide';
import { DomainError, ErrorCodes } from './errors';
import type { RecommendationEvent, RecommendationEventType } from './events';
import { fold, reminderKey } from './evolve';
import { initialState, overdueness, type RecommendationState, type RecommendationStatus } from './state';
import {
  DAY,
  LETTER,
  SESSION_AT,
  anAttachment,
  auditor,
  command,
  committee,
  commune,
  department,
  explicitDue,
  plus,
  secretariat,
  system,
} from './testing/recommendation.builder';

/*
 * Random command sequences through decide and evolve, checked against API.md's command table rather
 * than against rules.ts, so that the two are compared. Replay a failure with the seed and path fast-check
 * prints: FC_SEED=<seed> FC_PATH=<path> npx jest libs/recommendations/src/domain.property.spec.ts
 * FC_COUNTS=1 prints how often each command was accepted, to see how well the generator reaches each.
 */

const DEPARTMENTS = ['home-affairs', 'finance', 'construction', 'justice'];
const COMMUNES = ['tam-thanh', 'luong-van-tri'];
const ACTORS: Actor[] = [
  secretariat(),
  committee(),
  ...DEPARTMENTS.map(department),
  // A department token that lacks its code must not reach anything.
  { sub: 'nobody', name: 'No department', role: 'department' },
  ...COMMUNES.map(commune),
  auditor(),
  system(),
];

/** API.md: who may issue each command; `before` is the state the command meets. */
const API_WHO: Record<
  RecommendationCommandType,
  (actor: Actor, cmd: RecommendationCommand, before: RecommendationState) => boolean
> = {
  RaiseRecommendation: (a, c) =>
    a.role === 'secretariat' || (a.role === 'commune' && c.type === 'RaiseRecommendation' && a.commune === c.commune),
  AcceptRecommendation: (a) => a.role === 'secretariat',
  DeclineRecommendation: (a) => a.role === 'secretariat',
  AssignRecommendation: (a) => a.role === 'secretariat',
  AcknowledgeAssignment: (a, _c, s) => theAssignedDepartment(a, s),
  ReportProgress: (a, _c, s) => theAssignedDepartment(a, s),
  RequestExtension: (a, _c, s) => theAssignedDepartment(a, s),
  ExtendDeadline: (a) => a.role === 'secretariat' || a.role === 'committee',
  ReturnAssignment: (a, _c, s) => theAssignedDepartment(a, s),
  ResolveRecommendation: (a, _c, s) => (s.status === 'accepted' ? a.role === 'secretariat' : theAssignedDepartment(a, s)),
  ReopenRecommendation: (a) => a.role === 'committee' || a.role === 'secretariat',
  // "a coordinating department, while the item is assigned"
  MakeContribution: (a, _c, s) =>
    a.role === 'department' && s.status === 'assigned' && s.assignment.coordinating.some((p) => p.department === a.department),
  // "committee; only while the item is overdue" (the overdue part is checked on the event below)
  RequestExplanation: (a) => a.role === 'committee',
  // "the lead department": of the current assignment, or of the one that resolved the item late
  // "the lead department": the one it was asked of (the lead then; after a merger, the department that took its work over).
  GiveExplanation: (a, _c, s) => a.role === 'department' && a.department !== undefined && a.department === askedOf(s),
  SendReminder: (a) => a.role === 'system',
  EscalateDeadline: (a) => a.role === 'system',
  RecordNotificationDelivery: (a) => a.role === 'system',
  RecordNotificationFailure: (a) => a.role === 'system',
  TransferAssignment: (a) => a.role === 'system',
  SendCoordinationReminder: (a) => a.role === 'system',
  EscalateCoordination: (a) => a.role === 'system',
  SendExplanationReminder: (a) => a.role === 'system',
};

function theAssignedDepartment(actor: Actor, state: RecommendationState): boolean {
  return actor.role === 'department' && state.status === 'assigned' && actor.department === state.assignment.department;
}

/** The department an awaited explanation was asked of. */
function askedOf(state: RecommendationState): string | null {
  return state.status === 'none' ? null : (state.explanation?.department ?? null);
}

/** API.md: from which statuses, to which status. Notices keep the status; `null` means "unchanged". */
const API_TRANSITIONS: Record<
  RecommendationCommandType,
  { from: Array<RecommendationStatus | 'none'>; to: RecommendationStatus | null }
> = {
  RaiseRecommendation: { from: ['none'], to: 'raised' },
  AcceptRecommendation: { from: ['raised'], to: 'accepted' },
  DeclineRecommendation: { from: ['raised'], to: 'declined' },
  AssignRecommendation: { from: ['accepted'], to: 'assigned' },
  AcknowledgeAssignment: { from: ['assigned'], to: 'assigned' },
  ReportProgress: { from: ['assigned'], to: 'assigned' },
  RequestExtension: { from: ['assigned'], to: 'assigned' },
  ExtendDeadline: { from: ['assigned'], to: 'assigned' },
  ReturnAssignment: { from: ['assigned'], to: 'accepted' },
  ResolveRecommendation: { from: ['assigned', 'accepted'], to: 'resolved' },
  ReopenRecommendation: { from: ['resolved'], to: 'assigned' },
  MakeContribution: { from: ['assigned'], to: 'assigned' },
  RequestExplanation: { from: ['assigned'], to: 'assigned' },
  // An explanation asked of an overdue item is still owed once the item was resolved late.
  GiveExplanation: { from: ['assigned', 'resolved', 'accepted'], to: null },
  SendReminder: { from: ['assigned'], to: 'assigned' },
  EscalateDeadline: { from: ['assigned'], to: 'assigned' },
  RecordNotificationDelivery: { from: ['raised', 'accepted', 'declined', 'assigned', 'resolved'], to: null },
  RecordNotificationFailure: { from: ['raised', 'accepted', 'declined', 'assigned', 'resolved'], to: null },
  TransferAssignment: { from: ['assigned'], to: 'assigned' },
  SendCoordinationReminder: { from: ['assigned'], to: 'assigned' },
  EscalateCoordination: { from: ['assigned'], to: 'assigned' },
  SendExplanationReminder: { from: ['assigned', 'resolved', 'accepted'], to: null },
};
const COMMAND_TYPES = Object.keys(API_TRANSITIONS) as RecommendationCommandType[];
const ERROR_CODES: string[] = Object.values(ErrorCodes);

/** The events a command may append after its own one, in this order, when it carries what they record. */
const COMPANIONS: Partial<Record<RecommendationCommandType, RecommendationEventType[]>> = {
  RaiseRecommendation: ['RaisedInSession', 'DocumentsAttached'],
  AssignRecommendation: ['CoordinationRequested'],
  ReopenRecommendation: ['CoordinationRequested'],
  ReportProgress: ['DocumentsAttached'],
  ResolveRecommendation: ['DocumentsAttached'],
};

/** Every event type a run may produce, so that the generator is seen to reach each. */
const EVENT_TYPES: RecommendationEventType[] = [
  'RecommendationRaised',
  'RecommendationAccepted',
  'RecommendationDeclined',
  'RecommendationAssigned',
  'AssignmentAcknowledged',
  'ProgressReported',
  'ExtensionRequested',
  'DeadlineExtended',
  'AssignmentReturned',
  'RecommendationResolved',
  'RecommendationReopened',
  'ReminderSent',
  'DeadlineEscalated',
  'NotificationDelivered',
  'NotificationFailed',
  'AssignmentTransferred',
  'RaisedInSession',
  'DocumentsAttached',
  'CoordinationRequested',
  'ContributionMade',
  'ExplanationRequested',
  'ExplanationGiven',
  'CoordinationTransferred',
  'CoordinationReminderSent',
  'CoordinationEscalated',
  'ExplanationReminderSent',
];

/** Mostly `current` (what the item expects now), sometimes something else. */
const mostlyCurrent = <T>(other: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant('current' as const), weight: 5 }, { arbitrary: other, weight: 1 });

/** One step's random choices; `toCommand` turns them into a command against the state reached so far. */
const stepArbitrary = fc.record({
  // Mostly a command API.md allows from the current status, so that runs go deep; otherwise any command.
  fitting: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  pick: fc.nat(),
  // Half the time someone API.md allows, so that runs get past the first statuses; else often a department
  // that reads the item (lead or coordinating, now or before), whose refusals are the subtle ones.
  actor: fc.oneof(
    { arbitrary: fc.constant('allowed' as const), weight: 3 },
    { arbitrary: fc.constant('involved' as const), weight: 1 },
    { arbitrary: fc.constantFrom(...ACTORS), weight: 2 },
  ),
  who: fc.nat(),
  // Time only moves forward; 'toDue' lands exactly on the current due date, where on time and overdue meet,
  // and 'pastDue' a day after it, where explanations may be required.
  advance: fc.oneof(fc.constantFrom(0, 'toDue' as const, 'pastDue' as const), fc.integer({ min: 1, max: 20 * DAY })),
  // New due dates relative to now: mostly ahead, sometimes exactly now or past, or the current due date.
  due: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 60 * DAY }), weight: 4 },
    { arbitrary: fc.constantFrom('current' as const, 0), weight: 1 },
    { arbitrary: fc.integer({ min: -5 * DAY, max: -1 }), weight: 1 },
  ),
  // The due date a notice was scheduled for: mostly the one in force.
  noticeDue: mostlyCurrent(fc.integer({ min: -DAY, max: DAY })),
  department: fc.constantFrom(...DEPARTMENTS),
  reopenTo: fc.option(fc.constantFrom(...DEPARTMENTS), { nil: null }),
  commune: fc.constantFrom(...COMMUNES),
  assignmentNo: mostlyCurrent(fc.integer({ min: 0, max: 4 })),
  lead: fc.constantFrom('3d', '1d'),
  level: fc.oneof(
    { arbitrary: fc.constant('next' as const), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 },
  ),
  // Coordinating departments named on assign and reopen: each due by the lead's date unless it has an offset from it.
  coordinating: fc.oneof(
    { arbitrary: fc.constant<Array<{ department: string; offset: number | null }>>([]), weight: 1 },
    {
      arbitrary: fc.array(
        fc.record({
          department: fc.constantFrom(...DEPARTMENTS),
          offset: fc.option(
            fc.oneof(
              { arbitrary: fc.integer({ min: -30 * DAY, max: 0 }), weight: 5 },
              { arbitrary: fc.integer({ min: 1, max: DAY }), weight: 1 },
            ),
            { nil: null },
          ),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      weight: 2,
    },
  ),
  // A raise at a recorded session, whose communes include the item's or not, with the working group given or not.
  session: fc.option(fc.record({ present: fc.boolean(), workingGroup: fc.constantFrom(null, 1, 2) }), { nil: null }),
  attachments: fc.nat({ max: 2 }),
  letter: fc.boolean(),
  // Which coordinating part a coordination notice is about (by its place), or a department not coordinating.
  part: fc.oneof({ arbitrary: fc.nat({ max: 2 }), weight: 3 }, { arbitrary: fc.constantFrom(...DEPARTMENTS), weight: 1 }),
  explanationNo: mostlyCurrent(fc.integer({ min: 0, max: 3 })),
  transferFrom: fc.oneof(fc.constant('lead' as const), fc.nat({ max: 2 }), fc.constantFrom(...DEPARTMENTS)),
});
type Step = typeof stepArbitrary extends fc.Arbitrary<infer T> ? T : never;

function toCommand(step: Step, state: RecommendationState, now: string): RecommendationCommand {
  // Delivery outcomes fit every status; left to the unfitting picks, they do not crowd out the rest.
  const outcomes: RecommendationCommandType[] = ['RecordNotificationDelivery', 'RecordNotificationFailure'];
  const fits = (t: RecommendationCommandType) => !outcomes.includes(t) && API_TRANSITIONS[t].from.includes(state.status);
  const fitting = COMMAND_TYPES.filter(fits);
  const candidates = step.fitting && fitting.length > 0 ? fitting : COMMAND_TYPES;
  const type = candidates[step.pick % candidates.length];
  const current = state.status === 'assigned' ? state.assignment : null;
  const explanation = state.status === 'none' ? null : state.explanation;
  const level = step.level === 'next' ? (current?.escalationLevel ?? 0) + 1 : step.level;
  const dueAt = step.due === 'current' ? (current?.dueAt ?? now) : plus(now, step.due);
  const noticeDueAt = (dueInForce: string | undefined) =>
    dueInForce && step.noticeDue === 'current'
      ? dueInForce
      : plus(dueInForce ?? now, step.noticeDue === 'current' ? 0 : step.noticeDue);
  const assignmentNo = step.assignmentNo === 'current' ? (current?.assignmentNo ?? 1) : step.assignmentNo;
  const due = explicitDue(dueAt);
  const coordinating = step.coordinating.map((c) => ({
    department: c.department,
    due: c.offset === null ? null : explicitDue(plus(dueAt, c.offset)),
  }));
  const parts = current?.coordinating ?? [];
  const part = typeof step.part === 'number' ? parts[step.part % Math.max(parts.length, 1)] : undefined;
  const partDepartment = typeof step.part === 'string' ? step.part : (part?.department ?? 'finance');
  const partCoordination = parts.find((c) => c.department === partDepartment);
  const attachments = Array.from({ length: step.attachments }, (_, i) => anAttachment(`att-${now}-${i}`));
  const document = step.letter ? LETTER : null;
  const other = COMMUNES.find((c) => c !== step.commune) ?? 'ky-lua';
  const session = step.session && {
    id: 'session-wg1-2025-08-04',
    workingGroup: 1,
    date: '2025-08-04',
    communes: step.session.present ? [other, step.commune] : [other],
  };
  const transferFrom =
    step.transferFrom === 'lead'
      ? (current?.department ?? 'home-affairs')
      : typeof step.transferFrom === 'number'
        ? (parts[step.transferFrom % Math.max(parts.length, 1)]?.department ?? 'finance')
        : step.transferFrom;
  // A merger is into another department (the directory refuses a merger into itself).
  const transferTo =
    step.department === transferFrom ? DEPARTMENTS[(DEPARTMENTS.indexOf(step.department) + 1) % 4] : step.department;
  const fields: Partial<Record<RecommendationCommandType, object>> = {
    RaiseRecommendation: {
      commune: step.commune,
      session,
      workingGroup: session ? step.session?.workingGroup : 1,
      sessionDate: null,
      attachments,
    },
    AssignRecommendation: { department: step.department, due, coordinating },
    ReportProgress: { attachments },
    RequestExtension: { requestedDueAt: dueAt },
    ExtendDeadline: { due },
    ResolveRecommendation: { attachments, document },
    ReopenRecommendation: { due, department: step.reopenTo, coordinating },
    SendReminder: { assignmentNo, dueAt: noticeDueAt(current?.dueAt), lead: step.lead },
    EscalateDeadline: { assignmentNo, dueAt: noticeDueAt(current?.dueAt), level },
    RecordNotificationDelivery: { assignmentNo },
    RecordNotificationFailure: { assignmentNo },
    TransferAssignment: { fromDepartment: transferFrom, toDepartment: transferTo },
    MakeContribution: { attachments },
    RequestExplanation: { due },
    GiveExplanation: { attachments },
    SendCoordinationReminder: {
      assignmentNo,
      department: partDepartment,
      dueAt: noticeDueAt(partCoordination?.dueAt),
      lead: step.lead,
    },
    EscalateCoordination: {
      assignmentNo,
      department: partDepartment,
      dueAt: noticeDueAt(partCoordination?.dueAt),
      level: step.level === 'next' ? (partCoordination?.escalationLevel ?? 0) + 1 : step.level,
    },
    SendExplanationReminder: {
      explanationNo: step.explanationNo === 'current' ? (explanation?.explanationNo ?? 1) : step.explanationNo,
      dueAt: noticeDueAt(explanation?.dueAt),
      lead: step.lead,
    },
  };
  const base = command(type, { now, ...fields[type] });
  const involved = state.status === 'none' ? [] : state.departmentsHeld.map(department);
  const actor =
    step.actor === 'allowed'
      ? (ACTORS.find((a) => API_WHO[type](a, { ...base, actor: a }, state)) ?? secretariat())
      : step.actor === 'involved'
        ? (involved[step.who % Math.max(involved.length, 1)] ?? secretariat())
        : step.actor;
  return { ...base, actor };
}

/** What must hold between two consecutive states, whatever the commands were. */
function expectInvariants(before: RecommendationState, after: RecommendationState, now: string): void {
  if (after.status === 'none') return;
  if (after.status === 'assigned') {
    const { assignment } = after;
    expect(after.departmentsHeld).toContain(assignment.department);
    // The current assignment is always the newest one.
    expect(assignment.assignmentNo).toBe(after.assignmentCount);
    expect(after.lastAssignment).toEqual(assignment);
    // Coordinating departments: distinct, never the lead, at most ten, each reading the item.
    const parts = assignment.coordinating.map((c) => c.department);
    expect(new Set(parts).size).toBe(parts.length);
    expect(parts).not.toContain(assignment.department);
    expect(parts.length).toBeLessThanOrEqual(MAX_COORDINATING);
    for (const code of parts) expect(after.departmentsHeld).toContain(code);
    for (const c of assignment.coordinating) {
      // A part's first contribution is its first one.
      expect(c.contributedAt).toBe(c.contributions[0]?.contributedAt ?? null);
      expect(new Set(c.remindersSent).size).toBe(c.remindersSent.length);
    }
  }
  if (after.status === 'resolved')
    expect(after.resolution).toEqual(expect.objectContaining({ text: expect.any(String), resolvedAt: expect.any(String) }));
  if (after.explanation) {
    const e = after.explanation;
    // Answered means text and time; unanswered means neither.
    expect(e.answeredAt === null).toBe(e.text === null);
    expect(e.answeredAt === null).toBe(e.onTime === null);
    expect(new Set(e.remindersSent).size).toBe(e.remindersSent.length);
  }
  expect(new Set(after.departmentsHeld).size).toBe(after.departmentsHeld.length);
  if (before.status !== 'none') {
    expect(after.assignmentCount).toBeGreaterThanOrEqual(before.assignmentCount);
    expect(after.departmentsHeld.slice(0, before.departmentsHeld.length)).toEqual(before.departmentsHeld);
    // Files once cited stay cited, in order.
    expect(after.attachments.slice(0, before.attachments.length)).toEqual(before.attachments);
    if (before.explanation) expect(after.explanation?.explanationNo).toBeGreaterThanOrEqual(before.explanation.explanationNo);
  }
  const { overdue } = overdueness(after, new Date(now));
  if (overdue) expect(after.status === 'assigned' && new Date(now) > new Date(after.assignment.dueAt)).toBe(true);
}

/** API.md's and DOMAIN.md's rules on the data, beyond the table; `before` is the state the command met. */
function expectEventKeepsTheContract(
  event: RecommendationEvent,
  cmd: RecommendationCommand,
  before: RecommendationState,
  history: RecommendationEvent[],
  events: RecommendationEvent[],
): void {
  const time = (iso: string) => new Date(iso).getTime();
  const future = (iso: string) => time(iso) > time(cmd.now);
  const current = before.status === 'assigned' ? before.assignment : null;
  const explanation = before.status === 'none' ? null : before.explanation;
  const part = (code: string) => current?.coordinating.find((c) => c.department === code);
  switch (event.type) {
    case 'RecommendationRaised':
      if (cmd.type === 'RaiseRecommendation' && cmd.session) {
        // "the working group and session date come from the session, and the commune must be one of its communes"
        expect(cmd.session.communes).toContain(event.data.commune);
        expect(event.data).toMatchObject({ workingGroup: cmd.session.workingGroup, sessionDate: cmd.session.date });
      }
      break;
    case 'RecommendationAssigned':
    case 'RecommendationReopened': {
      expect(future(event.data.dueAt)).toBe(true);
      // Assignment numbers count every hand-over, one by one.
      expect(event.data.assignmentNo).toBe(before.status === 'none' ? NaN : before.assignmentCount + 1);
      // "Same department" where a department resolved it; on-the-spot answers are pinned in decide.spec.ts.
      const resolved = history.filter((e) => e.type === 'RecommendationResolved').at(-1);
      if (event.type === 'RecommendationReopened' && resolved?.data.department)
        expect(event.data.department).toBe(resolved.data.department);
      break;
    }
    case 'CoordinationRequested': {
      // "coordinating: [{ department, dueAt? }] (distinct, not the lead, at most 10)", each due by the lead's answer.
      const lead = events[0].data as { assignmentNo: number; department: string; dueAt: string };
      const codes = event.data.coordinating.map((c) => c.department);
      expect(event.data.assignmentNo).toBe(lead.assignmentNo);
      expect(new Set(codes).size).toBe(codes.length);
      expect(codes).not.toContain(lead.department);
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.length).toBeLessThanOrEqual(MAX_COORDINATING);
      for (const c of event.data.coordinating) {
        expect(future(c.dueAt)).toBe(true);
        expect(time(c.dueAt)).toBeLessThanOrEqual(time(lead.dueAt));
      }
      break;
    }
    case 'DocumentsAttached':
      expect(event.data.attachments).toEqual('attachments' in cmd ? cmd.attachments : []);
      expect(event.data.document).toEqual('document' in cmd ? cmd.document : null);
      break;
    case 'DeadlineExtended':
      expect(future(event.data.dueAt)).toBe(true);
      expect(new Date(event.data.dueAt) > new Date(event.data.previousDueAt)).toBe(true);
      break;
    case 'ExtensionRequested':
      expect(future(event.data.requestedDueAt)).toBe(true);
      break;
    case 'RecommendationResolved':
      if (event.data.dueAt !== null)
        expect(event.data.onTime).toBe(new Date(event.data.resolvedAt) <= new Date(event.data.dueAt));
      else expect(event.data).toMatchObject({ department: null, onTime: true });
      break;
    // A notice is about the assignment in force and its due date at that time; escalations come from the due date on.
    case 'ReminderSent':
      expect(event.data).toMatchObject({ assignmentNo: current?.assignmentNo, dueAt: current?.dueAt });
      break;
    case 'DeadlineEscalated':
      expect(event.data).toMatchObject({ assignmentNo: current?.assignmentNo, dueAt: current?.dueAt });
      expect(new Date(cmd.now) >= new Date(event.data.dueAt)).toBe(true);
      expect(event.data.level).toBeGreaterThan(current?.escalationLevel ?? Infinity);
      break;
    case 'ContributionMade':
      // "a coordinating department, while the item is assigned"
      expect(event.data.department).toBe(cmd.actor.department);
      expect(part(event.data.department)).toBeDefined();
      expect(event.data.assignmentNo).toBe(current?.assignmentNo);
      break;
    case 'ExplanationRequested':
      // "committee; only while the item is overdue", of the lead department.
      expect(overdueness(before, new Date(cmd.now)).overdue).toBe(true);
      expect(event.data).toMatchObject({ department: current?.department, assignmentNo: current?.assignmentNo });
      expect(explanation === null || explanation.answeredAt !== null).toBe(true);
      expect(future(event.data.dueAt)).toBe(true);
      break;
    case 'ExplanationGiven':
      expect(explanation).toMatchObject({ explanationNo: event.data.explanationNo, answeredAt: null });
      expect(event.data.department).toBe(askedOf(before));
      expect(event.data.onTime).toBe(time(event.data.answeredAt) <= time(explanation?.dueAt ?? ''));
      break;
    case 'CoordinationReminderSent': {
      // Reminded before its own dueAt: an open part, its due date, once per lead time.
      const p = part(event.data.department);
      expect(p).toMatchObject({ contributedAt: null });
      expect(time(event.data.dueAt)).toBe(time(p?.dueAt ?? ''));
      expect(p?.remindersSent).not.toContain(reminderKey(event.data.lead, event.data.dueAt));
      break;
    }
    case 'CoordinationEscalated': {
      const p = part(event.data.department);
      expect(p).toMatchObject({ contributedAt: null });
      expect(time(event.data.dueAt)).toBe(time(p?.dueAt ?? ''));
      expect(time(cmd.now)).toBeGreaterThanOrEqual(time(event.data.dueAt));
      expect(event.data.level).toBeGreaterThan(p?.escalationLevel ?? Infinity);
      break;
    }
    case 'ExplanationReminderSent':
      // "the department is reminded before that dueAt": an explanation awaited, its due date, to the lead.
      expect(explanation).toMatchObject({ explanationNo: event.data.explanationNo, answeredAt: null });
      expect(time(event.data.dueAt)).toBe(time(explanation?.dueAt ?? ''));
      expect(event.data.department).toBe(askedOf(before));
      break;
    case 'CoordinationTransferred':
      expect(part(event.data.fromDepartment)).toBeDefined();
      break;
    case 'AssignmentTransferred':
      expect(event.data.fromDepartment).toBe(current?.department);
      break;
    default:
      break;
  }
}

/** What an accepted command leaves on the item for its view and reports (API.md's GET /recommendations/:id). */
function expectStateRecords(cmd: RecommendationCommand, before: RecommendationState, after: RecommendationState): void {
  if (after.status === 'none') return;
  // Every file that came with a command is cited by the item, with its hash.
  const files = 'attachments' in cmd ? cmd.attachments : [];
  const cited = before.status === 'none' ? [] : before.attachments;
  expect(after.attachments.map((a) => a.sha256)).toEqual([...cited, ...files].map((a) => a.sha256));
  switch (cmd.type) {
    case 'RaiseRecommendation':
      expect(after.sessionId).toBe(cmd.session?.id ?? null);
      break;
    case 'ResolveRecommendation':
      expect(after).toMatchObject({ status: 'resolved', resolution: { document: cmd.document } });
      break;
    case 'AssignRecommendation':
    case 'ReopenRecommendation':
      expect(after.status === 'assigned' && after.assignment.coordinating.map((c) => c.department)).toEqual(
        cmd.coordinating.map((c) => c.department),
      );
      break;
    case 'MakeContribution': {
      const mine =
        after.status === 'assigned' && after.assignment.coordinating.find((c) => c.department === cmd.actor.department);
      expect(mine && mine.contributions.at(-1)).toMatchObject({ note: cmd.note, contributedAt: cmd.now });
      break;
    }
    case 'RequestExplanation':
      expect(after.explanation).toMatchObject({ requestedAt: cmd.now, answeredAt: null, requestedBy: cmd.actor.sub });
      break;
    case 'GiveExplanation':
      expect(after.explanation).toMatchObject({ text: cmd.text, answeredAt: cmd.now });
      break;
    default:
      break;
  }
}

function advance(now: string, by: Step['advance'], state: RecommendationState): string {
  if (typeof by === 'number') return plus(now, by);
  const dueAt = state.status === 'assigned' ? state.assignment.dueAt : now;
  const target = by === 'toDue' ? dueAt : plus(dueAt, DAY);
  return new Date(target) > new Date(now) ? target : now;
}

const succeeded = new Map<RecommendationCommandType, number>();
const emitted = new Set<RecommendationEventType>();

function run(steps: Step[]): void {
  let state: RecommendationState = initialState;
  let now = SESSION_AT;
  const history: RecommendationEvent[] = [];
  let appended = 0;
  for (const step of steps) {
    now = advance(now, step.advance, state);
    const cmd = toCommand(step, state, now);
    try {
      const events = decideOrRefuse(cmd, state);
      if (events === null) continue;
      // One event of the command's own, then only the companions it may append, in their order.
      const companions = events.slice(1).map((e) => e.type);
      const allowed = COMPANIONS[cmd.type] ?? [];
      expect(companions).toEqual(allowed.filter((t) => companions.includes(t)));
      expect(API_TRANSITIONS[cmd.type].from).toContain(state.status);
      expect(API_WHO[cmd.type](cmd.actor, cmd, state)).toBe(true);
      for (const event of events) expectEventKeepsTheContract(event, cmd, state, history, events);
      const next = fold(events, state);
      expect(next.status).toBe(API_TRANSITIONS[cmd.type].to ?? state.status);
      expectInvariants(state, next, now);
      expectStateRecords(cmd, state, next);
      history.push(...events);
      appended += events.length;
      succeeded.set(cmd.type, (succeeded.get(cmd.type) ?? 0) + 1);
      for (const event of events) emitted.add(event.type);
      state = next;
    } catch (error) {
      // fast-check prints the raw choices; say what they meant.
      const story = history.map((e) => e.type).join(' → ') || 'nothing';
      throw new Error(`after ${story}, ${JSON.stringify(cmd)}:\n${(error as Error).message}`, { cause: error });
    }
  }
  // Replaying what was appended gives the same state.
  expect(history).toHaveLength(appended);
  expect(fold(history)).toEqual(state);
}

/** The events decided, or null when refused with a DomainError of a known code; anything else thrown fails the run. */
function decideOrRefuse(cmd: RecommendationCommand, state: RecommendationState): RecommendationEvent[] | null {
  try {
    return decide(cmd, state);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect(ERROR_CODES).toContain((error as DomainError).code);
    return null;
  }
}

describe('decide and evolve under random command sequences', () => {
  it('keep API.md and the invariants, and refuse only with DomainErrors', () => {
    // fast-check prints the seed and path of a failure; FC_SEED and FC_PATH replay it.
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
    const steps = fc.array(stepArbitrary, { minLength: 1, maxLength: 60, size: 'max' });
    fc.assert(
      fc.property(steps, (s) => run(s)),
      { numRuns: 1000, seed, path: process.env.FC_PATH },
    );
    // Without these, a generator that never got past "raised" would pass everything above.
    if (process.env.FC_COUNTS) console.log(Object.fromEntries([...succeeded].sort((a, b) => a[1] - b[1])));
    expect([...succeeded.keys()].sort()).toEqual([...COMMAND_TYPES].sort());
    expect([...emitted].sort()).toEqual([...EVENT_TYPES].sort());
  });
});
