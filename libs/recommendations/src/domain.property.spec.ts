import fc from 'fast-check';
import type { Actor } from './actor';
import type { RecommendationCommand, RecommendationCommandType } from './commands';
import { decide } from './decide';
import { DomainError, ErrorCodes } from './errors';
import type { RecommendationEvent } from './events';
import { fold } from './evolve';
import { initialState, overdueness, type RecommendationState, type RecommendationStatus } from './state';
import {
  DAY,
  SESSION_AT,
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
 */

const DEPARTMENTS = ['home-affairs', 'finance', 'construction'];
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
  SendReminder: (a) => a.role === 'system',
  EscalateDeadline: (a) => a.role === 'system',
  RecordNotificationDelivery: (a) => a.role === 'system',
  RecordNotificationFailure: (a) => a.role === 'system',
  TransferAssignment: (a) => a.role === 'system',
};

function theAssignedDepartment(actor: Actor, state: RecommendationState): boolean {
  return actor.role === 'department' && state.status === 'assigned' && actor.department === state.assignment.department;
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
  SendReminder: { from: ['assigned'], to: 'assigned' },
  EscalateDeadline: { from: ['assigned'], to: 'assigned' },
  RecordNotificationDelivery: { from: ['raised', 'accepted', 'declined', 'assigned', 'resolved'], to: null },
  RecordNotificationFailure: { from: ['raised', 'accepted', 'declined', 'assigned', 'resolved'], to: null },
  TransferAssignment: { from: ['assigned'], to: 'assigned' },
};
const COMMAND_TYPES = Object.keys(API_TRANSITIONS) as RecommendationCommandType[];
const ERROR_CODES: string[] = Object.values(ErrorCodes);

/** One step's random choices; `toCommand` turns them into a command against the state reached so far. */
const stepArbitrary = fc.record({
  // Mostly a command API.md allows from the current status, so that runs go deep; otherwise any command.
  fitting: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  pick: fc.nat(),
  // Half the time someone API.md allows, so that runs get past the first statuses.
  actor: fc.oneof(fc.constant('allowed' as const), fc.constantFrom(...ACTORS)),
  // Time only moves forward; 'toDue' lands exactly on the current due date, where on time and overdue meet.
  advance: fc.oneof(fc.constantFrom(0, 'toDue' as const), fc.integer({ min: 1, max: 20 * DAY })),
  // New due dates relative to now: mostly ahead, sometimes exactly now or past, or the current due date.
  due: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 60 * DAY }), weight: 4 },
    { arbitrary: fc.constantFrom('current' as const, 0), weight: 1 },
    { arbitrary: fc.integer({ min: -5 * DAY, max: -1 }), weight: 1 },
  ),
  // The due date a reminder or escalation was scheduled for: mostly the current one.
  noticeDue: fc.oneof(
    { arbitrary: fc.constant('current' as const), weight: 3 },
    { arbitrary: fc.integer({ min: -DAY, max: DAY }), weight: 1 },
  ),
  department: fc.constantFrom(...DEPARTMENTS),
  reopenTo: fc.option(fc.constantFrom(...DEPARTMENTS), { nil: null }),
  commune: fc.constantFrom(...COMMUNES),
  assignmentNo: fc.oneof(
    { arbitrary: fc.constant('current' as const), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 },
  ),
  lead: fc.constantFrom('3d', '1d'),
  level: fc.oneof(
    { arbitrary: fc.constant('next' as const), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 },
  ),
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
  const level = step.level === 'next' ? (current?.escalationLevel ?? 0) + 1 : step.level;
  const dueAt = step.due === 'current' ? (current?.dueAt ?? now) : plus(now, step.due);
  const noticeDueAt =
    current && step.noticeDue === 'current'
      ? current.dueAt
      : plus(current?.dueAt ?? now, step.noticeDue === 'current' ? 0 : step.noticeDue);
  const assignmentNo = step.assignmentNo === 'current' ? (current?.assignmentNo ?? 1) : step.assignmentNo;
  const due = explicitDue(dueAt);
  const fields: Partial<Record<RecommendationCommandType, object>> = {
    RaiseRecommendation: { commune: step.commune },
    AssignRecommendation: { department: step.department, due },
    RequestExtension: { requestedDueAt: dueAt },
    ExtendDeadline: { due },
    ReopenRecommendation: { due, department: step.reopenTo },
    SendReminder: { assignmentNo, dueAt: noticeDueAt, lead: step.lead },
    EscalateDeadline: { assignmentNo, dueAt: noticeDueAt, level },
    RecordNotificationDelivery: { assignmentNo },
    RecordNotificationFailure: { assignmentNo },
  };
  const base = command(type, { now, ...fields[type] });
  const actor =
    step.actor === 'allowed' ? (ACTORS.find((a) => API_WHO[type](a, { ...base, actor: a }, state)) ?? secretariat()) : step.actor;
  return { ...base, actor };
}

/** What must hold between two consecutive states, whatever the commands were. */
function expectInvariants(before: RecommendationState, after: RecommendationState, now: string): void {
  if (after.status === 'none') return;
  if (after.status === 'assigned') {
    expect(after.departmentsHeld).toContain(after.assignment.department);
    // The current assignment is always the newest one.
    expect(after.assignment.assignmentNo).toBe(after.assignmentCount);
    expect(after.lastAssignment).toEqual(after.assignment);
  }
  if (after.status === 'resolved')
    expect(after.resolution).toEqual(expect.objectContaining({ text: expect.any(String), resolvedAt: expect.any(String) }));
  if (before.status !== 'none') {
    expect(after.assignmentCount).toBeGreaterThanOrEqual(before.assignmentCount);
    expect(after.departmentsHeld.slice(0, before.departmentsHeld.length)).toEqual(before.departmentsHeld);
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
): void {
  const future = (iso: string) => new Date(iso).getTime() > new Date(cmd.now).getTime();
  const current = before.status === 'assigned' ? before.assignment : null;
  switch (event.type) {
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
    default:
      break;
  }
}

function advance(now: string, by: Step['advance'], state: RecommendationState): string {
  if (by !== 'toDue') return plus(now, by);
  const dueAt = state.status === 'assigned' ? state.assignment.dueAt : now;
  return new Date(dueAt) > new Date(now) ? dueAt : now;
}

const succeeded = new Set<RecommendationCommandType>();

function run(steps: Step[]): void {
  let state: RecommendationState = initialState;
  let now = SESSION_AT;
  const history: RecommendationEvent[] = [];
  let accepted = 0;
  for (const step of steps) {
    now = advance(now, step.advance, state);
    const cmd = toCommand(step, state, now);
    try {
      const events = decideOrRefuse(cmd, state);
      if (events === null) continue;
      expect(events).toHaveLength(1);
      expect(API_TRANSITIONS[cmd.type].from).toContain(state.status);
      expect(API_WHO[cmd.type](cmd.actor, cmd, state)).toBe(true);
      expectEventKeepsTheContract(events[0], cmd, state, history);
      const next = fold(events, state);
      expect(next.status).toBe(API_TRANSITIONS[cmd.type].to ?? state.status);
      expectInvariants(state, next, now);
      history.push(...events);
      accepted += 1;
      succeeded.add(cmd.type);
      state = next;
    } catch (error) {
      // fast-check prints the raw choices; say what they meant.
      const story = history.map((e) => e.type).join(' → ') || 'nothing';
      throw new Error(`after ${story}, ${JSON.stringify(cmd)}:\n${(error as Error).message}`, { cause: error });
    }
  }
  // One event per accepted command: the revision (history.length - 1) counts them, and replay gives the same state.
  expect(history).toHaveLength(accepted);
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
    const steps = fc.array(stepArbitrary, { minLength: 1, maxLength: 40, size: 'max' });
    fc.assert(
      fc.property(steps, (s) => run(s)),
      { numRuns: 500, seed, path: process.env.FC_PATH },
    );
    // Without this, a generator that never got past "raised" would pass everything above.
    expect([...succeeded].sort()).toEqual([...COMMAND_TYPES].sort());
  });
});
