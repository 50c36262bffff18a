import fc from 'fast-check';
import {
  decide,
  DomainError,
  evolve,
  initialState,
  itemMustBeInCallerScope,
  type Actor,
  type RecommendationCommand,
  type RecommendationEvent,
  type RecommendationState,
} from '@app/recommendations';
import {
  DAY,
  LATER_DUE_AT,
  NOW,
  auditor,
  command,
  committee,
  commune,
  department,
  explicitDue,
  plus,
  secretariat,
  system,
} from '../../../recommendations/src/testing/recommendation.builder';
import { ProjectedReadModel } from '../testing/projected-read-model';
import { listRecommendations } from './list-recommendations';

/*
 * One scope rule: for random histories of random items, an item is listed for a caller exactly
 * when a single read of it (the domain's check, which GET /recommendations/:id applies) admits
 * the caller — for every role, with and without the inbox's department filter. Histories name
 * coordinating departments, take contributions and move parts and leads in mergers: a department
 * reads what it leads or coordinates, now or before, and `?involvement=` splits exactly that.
 * Replay a failure with the seed fast-check prints: FC_SEED=<seed> npx jest read-scope.property
 */

const DEPARTMENTS = ['home-affairs', 'finance', 'construction', 'justice'];
const COMMUNES = ['tam-thanh', 'luong-van-tri', 'dong-kinh'];
const READERS: Actor[] = [
  secretariat(),
  committee(),
  auditor(),
  ...DEPARTMENTS.map(department),
  ...COMMUNES.map(commune),
  // Tokens that lack their code reach nothing, in either place.
  { sub: 'no-department', name: 'No department', role: 'department' },
  { sub: 'no-commune', name: 'No commune', role: 'commune' },
];

/** One step of an item's life: a command kind and the department or commune it names. */
/** Each kind of step, weighted so that most items get assigned and go on from there. */
const KINDS: Array<[string, number]> = [
  ['accept', 6],
  ['decline', 1],
  ['assign', 2],
  ['assignCoordinated', 4],
  ['contribute', 2],
  ['transferLead', 1],
  ['transferPart', 2],
  ['return', 1],
  ['resolve', 2],
  ['reopen', 1],
  ['reopenCoordinated', 1],
  ['answerOnSpot', 1],
];
const step = fc.record({
  kind: fc.oneof(...KINDS.map(([kind, weight]) => ({ arbitrary: fc.constant(kind), weight }))),
  department: fc.constantFrom(...DEPARTMENTS),
});

/** Another department than `code`: the one after it. */
const other = (code: string) => DEPARTMENTS[(DEPARTMENTS.indexOf(code) + 1) % DEPARTMENTS.length];
const item = fc.record({
  commune: fc.constantFrom(...COMMUNES),
  steps: fc.array(step, { maxLength: 10 }),
});

/** The command a step stands for in the current state, by someone allowed to issue it. */
function commandFor(
  s: { kind: string; department: string },
  state: RecommendationState,
  id: string,
  now: string,
): RecommendationCommand | null {
  const base = { recommendationId: id, now };
  const holder = state.status === 'assigned' ? department(state.assignment.department) : department(s.department);
  const parts = state.status === 'assigned' ? state.assignment.coordinating : [];
  const merger = { actor: system(), reason: 'merged', mergerId: `merge-${now}` };
  switch (s.kind) {
    case 'assignCoordinated':
      return command('AssignRecommendation', {
        ...base,
        department: s.department,
        due: explicitDue(plus(now, 20 * DAY)),
        coordinating: [{ department: other(s.department), due: explicitDue(plus(now, 10 * DAY)) }],
      });
    case 'reopenCoordinated': {
      const lead = state.status === 'resolved' ? (state.resolution.department ?? s.department) : s.department;
      return command('ReopenRecommendation', {
        ...base,
        due: explicitDue(plus(now, 30 * DAY)),
        department: state.status === 'resolved' && state.resolution.department === null ? s.department : null,
        coordinating: [{ department: other(lead), due: null }],
      });
    }
    case 'contribute':
      return parts.length > 0 ? command('MakeContribution', { ...base, actor: department(parts[0].department) }) : null;
    case 'transferLead':
      return state.status === 'assigned'
        ? command('TransferAssignment', {
            ...base,
            ...merger,
            fromDepartment: state.assignment.department,
            toDepartment: s.department,
          })
        : null;
    case 'transferPart':
      return parts.length > 0
        ? command('TransferAssignment', { ...base, ...merger, fromDepartment: parts[0].department, toDepartment: s.department })
        : null;
    case 'accept':
      return command('AcceptRecommendation', base);
    case 'decline':
      return command('DeclineRecommendation', base);
    case 'assign':
      return command('AssignRecommendation', { ...base, department: s.department, due: explicitDue(plus(now, 20 * DAY)) });
    case 'return':
      return command('ReturnAssignment', { ...base, actor: holder });
    case 'resolve':
      return command('ResolveRecommendation', { ...base, actor: holder });
    case 'answerOnSpot':
      return command('ResolveRecommendation', { ...base, actor: secretariat() });
    case 'reopen':
      return command('ReopenRecommendation', {
        ...base,
        due: explicitDue(plus(now, 30 * DAY)),
        department: state.status === 'resolved' && state.lastAssignment === null ? s.department : null,
      });
    default:
      return null;
  }
}

/** A valid history: the raise, then each step that `decide` accepts at that point. */
function history(id: string, spec: { commune: string; steps: Array<{ kind: string; department: string }> }) {
  let now = NOW;
  const raise = command('RaiseRecommendation', { recommendationId: id, now, commune: spec.commune });
  const events: RecommendationEvent[] = [...decide(raise, initialState)];
  let state = events.reduce(evolve, initialState);
  for (const s of spec.steps) {
    now = plus(now, DAY);
    const next = commandFor(s, state, id, now);
    if (!next) continue;
    try {
      const decided = decide(next, state);
      events.push(...decided);
      state = decided.reduce(evolve, state);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return { events, state };
}

/** The departments that led the item at some point: assigned, reopened to, or given the lead by a merger. */
function leadsOf(events: readonly RecommendationEvent[]): Set<string> {
  const leads = new Set<string>();
  for (const e of events)
    if (e.type === 'RecommendationAssigned' || e.type === 'RecommendationReopened' || e.type === 'AssignmentTransferred')
      leads.add(e.data.department);
  return leads;
}

function readableBy(state: RecommendationState, actor: Actor): boolean {
  if (state.status === 'none') return false;
  try {
    itemMustBeInCallerScope(state, actor);
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') return false;
    throw error;
  }
}

describe('one read scope: listed exactly when readable', () => {
  it('holds for random histories, every role, with and without the inbox filter', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 12 }), (items) => {
        const readModel = new ProjectedReadModel();
        try {
          const states = items.map((spec, i) => {
            const id = `item-${i}`;
            const { events, state } = history(id, spec);
            readModel.add(id, events);
            return { id, state, leads: leadsOf(events) };
          });
          const at = new Date(LATER_DUE_AT);
          for (const actor of READERS) {
            const expected = states.filter((s) => readableBy(s.state, actor)).map((s) => s.id);
            const listed = listRecommendations(readModel.db, actor, { limit: 500 }, at).items;
            const ids = listed.map((i) => i.id).sort();
            expect({ actor: actor.sub, ids }).toEqual({ actor: actor.sub, ids: [...expected].sort() });
            if (actor.role !== 'department' || !actor.department) continue;
            // The inbox (`?department=` of the caller) skips the scope lookup in SQL: it must list
            // what the scoped list holds for that department, no more.
            const inbox = listRecommendations(readModel.db, actor, { limit: 500, department: actor.department }, at);
            const holding = listed.filter((i) => i.department === actor.department).map((i) => i.id);
            expect(inbox.items.map((i) => i.id).sort()).toEqual(holding.sort());
            // Lead now or before, and coordinating now or before: together, everything it reads.
            const involved = (involvement: 'lead' | 'coordinating') =>
              listRecommendations(readModel.db, actor, { limit: 500, involvement }, at).items.map((i) => i.id);
            const led = involved('lead');
            expect(led.sort()).toEqual(
              states
                .filter((s) => s.leads.has(actor.department as string))
                .map((s) => s.id)
                .sort(),
            );
            expect([...new Set([...led, ...involved('coordinating')])].sort()).toEqual(ids);
          }
        } finally {
          readModel.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
