import { decide, fold, type RecommendationCommand, type RecommendationState } from '@app/recommendations';
import {
  COORDINATION_DUE_AT,
  DAY,
  DUE_AT,
  LETTER,
  SESSION_AT,
  aSession,
  anAttachment,
  command,
  committee,
  department,
  explicitDue,
  plus,
  secretariat,
} from '../../../libs/recommendations/src/testing/recommendation.builder';
import { replayProblems, type LoggedEvent } from './event-log';

const ID = 'rec-wg1-tam-thanh-headquarters';
const STREAM = `recommendation-${ID}`;

/**
 * A life through the domain's own decide, stored as the log would store it: each command's events in one
 * append (its own event and its companions), with the actor and time in every event's metadata.
 */
function lived(commands: RecommendationCommand[]): LoggedEvent[] {
  let state: RecommendationState = { status: 'none' };
  const log: LoggedEvent[] = [];
  for (const cmd of commands) {
    const events = decide({ ...cmd, recommendationId: ID }, state);
    state = fold(events, state);
    for (const event of events) {
      const revision = log.length;
      log.push({
        position: revision + 1,
        stream: STREAM,
        revision,
        id: `event-${revision}`,
        type: event.type,
        data: event.data as unknown as Record<string, unknown>,
        metadata: { actor: cmd.actor, occurredAt: cmd.now, schemaVersion: 3 },
      });
    }
  }
  return log;
}

const pdf = anAttachment('att-headquarters-plan');
const LATE = plus(DUE_AT, 2 * DAY);
const at = (days: number) => plus(SESSION_AT, days * DAY);

const LIFE: RecommendationCommand[] = [
  command('RaiseRecommendation', { now: at(0), session: aSession(), workingGroup: null, sessionDate: null, attachments: [pdf] }),
  command('AcceptRecommendation', { now: at(1) }),
  command('AssignRecommendation', {
    now: at(2),
    coordinating: [
      { department: 'finance', due: null },
      { department: 'construction', due: explicitDue(COORDINATION_DUE_AT) },
    ],
  }),
  command('ReportProgress', { now: at(3), attachments: [anAttachment('att-survey')] }),
  command('MakeContribution', { now: at(4), actor: department('finance'), attachments: [anAttachment('att-budget')] }),
  command('SendCoordinationReminder', {
    now: plus(COORDINATION_DUE_AT, -3 * DAY),
    department: 'construction',
    dueAt: COORDINATION_DUE_AT,
  }),
  command('EscalateCoordination', { now: COORDINATION_DUE_AT, department: 'construction', dueAt: COORDINATION_DUE_AT }),
  command('RecordNotificationDelivery', {
    now: COORDINATION_DUE_AT,
    department: 'construction',
    notice: 'CoordinationEscalated',
  }),
  command('TransferAssignment', {
    now: plus(COORDINATION_DUE_AT, DAY),
    fromDepartment: 'construction',
    toDepartment: 'industry-trade',
  }),
  command('RequestExplanation', { now: plus(DUE_AT, DAY), actor: committee(), due: explicitDue(plus(DUE_AT, 8 * DAY)) }),
  command('SendExplanationReminder', { now: plus(DUE_AT, 7 * DAY), explanationNo: 1, dueAt: plus(DUE_AT, 8 * DAY) }),
  command('ResolveRecommendation', { now: LATE, attachments: [pdf], document: LETTER }),
  command('GiveExplanation', { now: plus(DUE_AT, 3 * DAY), attachments: [anAttachment('att-explanation')] }),
  command('ReopenRecommendation', {
    now: plus(DUE_AT, 4 * DAY),
    actor: secretariat(),
    coordinating: [{ department: 'finance', due: null }],
  }),
];

describe('replayProblems: a log with companion events', () => {
  const log = lived(LIFE);

  it('the life has every companion event, each right after its command’s own', () => {
    const types = log.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['RecommendationRaised', 'RaisedInSession', 'DocumentsAttached']);
    expect(types.filter((t) => t === 'CoordinationRequested')).toHaveLength(2);
    expect(types.filter((t) => t === 'DocumentsAttached')).toHaveLength(3);
    expect(types).toContain('CoordinationTransferred');
    expect(types).toContain('ExplanationGiven');
  });

  it('replays each command with its companions to exactly the recorded events', () => {
    expect(replayProblems(log)).toEqual([]);
  });

  it('finds a companion that lost its command', () => {
    const i = log.findIndex((e) => e.type === 'CoordinationRequested');
    const orphaned = log.filter((_, j) => j !== i - 1).map((e, j) => ({ ...e, revision: j }));
    // It then counts as the companion of the event before it, which its command does not decide.
    expect(replayProblems(orphaned)[0]).toContain('@3 RecommendationAccepted: decide gave');
  });

  it('finds an event the state did not allow, with its companions', () => {
    const twice = [...log, ...log.slice(-2).map((e, j) => ({ ...e, id: `again-${j}`, revision: log.length + j }))];
    expect(replayProblems(twice)).toEqual([expect.stringContaining('RecommendationReopened is not allowed after')]);
  });
});
