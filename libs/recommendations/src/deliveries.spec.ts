import { channelsOwed, deliveriesWithoutOutcome, deliveryClosed, isNotice, type LoggedEvent } from './deliveries';
import type { RecommendationEvent } from './events';
import { CURRENT_SCHEMA_VERSION } from './upcasters';
import { aRecommendation } from './testing/recommendation.builder';

const REMINDER = 'a1a1a1a1-0000-5000-8000-000000000001';
const ESCALATION = 'a1a1a1a1-0000-5000-8000-000000000002';
const LATER_REMINDER = 'a1a1a1a1-0000-5000-8000-000000000003';

/** The events as the log holds them: ids `event-<i>` unless given, stored today, caused by nothing in particular. */
function logged(
  events: RecommendationEvent[],
  ids: Record<number, string> = {},
  causes: Record<number, string> = {},
): LoggedEvent[] {
  return events.map((event, i) => ({
    id: ids[i] ?? `event-${i}`,
    event,
    schemaVersion: CURRENT_SCHEMA_VERSION,
    causationId: causes[i] ?? `request-${i}`,
  }));
}

const failed = (noticeKind: string, channel: string): RecommendationEvent => ({
  type: 'NotificationFailed',
  data: {
    assignmentNo: 1,
    department: 'home-affairs',
    channel,
    notice: noticeKind,
    error: 'HTTP 503',
    failedAt: '2025-09-30T10:00:00.000Z',
  },
});

describe('deliveries: what the log says is still owed', () => {
  const assigned = () => aRecommendation().accepted().assignedTo('home-affairs');

  it('a notice owes one outcome per channel it names; other events owe nothing', () => {
    const [assignedEvent, reminded, escalated] = logged(
      assigned()
        .reminded({ channels: ['webhook', 'email'] })
        .escalated({ channels: ['email'] })
        .build(),
    ).slice(2);
    expect(channelsOwed(assignedEvent)).toEqual([]);
    expect(channelsOwed(reminded)).toEqual(['webhook', 'email']);
    expect(channelsOwed(escalated)).toEqual(['email']);
  });

  it('a notice stored before outcomes were recorded (schema version 2 or none) owes nothing', () => {
    const [reminded] = logged(assigned().reminded().build()).slice(-1);
    expect(channelsOwed({ ...reminded, schemaVersion: 2 })).toEqual([]);
    expect(channelsOwed({ ...reminded, schemaVersion: undefined })).toEqual([]);
  });

  it('NotificationDelivered closes the delivery it names; NotificationFailed the one its causation id names', () => {
    const [delivered] = logged(assigned().delivered(REMINDER, { channel: 'email' }).build()).slice(-1);
    expect(deliveryClosed(delivered)).toEqual({ noticeId: REMINDER, channel: 'email' });
    const failure = { id: 'f', event: failed('ReminderSent', 'webhook'), schemaVersion: 3, causationId: REMINDER };
    expect(deliveryClosed(failure)).toEqual({ noticeId: REMINDER, channel: 'webhook' });
    expect(deliveryClosed({ ...failure, causationId: undefined })).toBeNull();
  });

  it('lists the deliveries without an outcome, in the order of their notices, whatever happened to the item since', () => {
    const events = assigned()
      .reminded({ channels: ['webhook', 'email'] })
      .escalated({ channels: ['webhook', 'email'] })
      .delivered(REMINDER, { channel: 'email' })
      .resolved()
      .build();
    // 0 raised, 1 accepted, 2 assigned, 3 reminded, 4 escalated, 5 delivered, 6 resolved, 7 failed.
    const log = logged([...events, failed('DeadlineEscalated', 'webhook')], { 3: REMINDER, 4: ESCALATION }, { 7: ESCALATION });
    const owed = deliveriesWithoutOutcome(log).map((d) => `${d.notice.event.type} ${d.notice.id} ${d.channel}`);
    expect(owed).toEqual([`ReminderSent ${REMINDER} webhook`, `DeadlineEscalated ${ESCALATION} email`]);
  });

  it('an outcome for one notice does not close the same channel of another', () => {
    const events = assigned()
      .reminded({ lead: '3d', channels: ['webhook'] })
      .reminded({ lead: '1d', channels: ['webhook'] })
      .build();
    const log = logged([...events, failed('ReminderSent', 'webhook')], { 3: REMINDER, 4: LATER_REMINDER }, { 5: REMINDER });
    expect(deliveriesWithoutOutcome(log).map((d) => d.notice.id)).toEqual([LATER_REMINDER]);
  });

  describe('notices to coordinating departments and of explanations', () => {
    const coordinated = () => assigned().coordinatedBy(['finance']);

    it('coordination reminders and escalations and explanation reminders are notices; contributions and explanations are not', () => {
      const events = coordinated()
        .coordinationReminded('finance', { channels: ['webhook', 'email'] })
        .coordinationEscalated('finance', { channels: ['email'] })
        .contributed('finance')
        .explanationRequested()
        .explanationReminded({ channels: ['webhook'] })
        .explained('home-affairs')
        .build()
        // After the raise, acceptance, assignment and CoordinationRequested.
        .slice(4);
      expect(events.filter(isNotice).map((e) => e.type)).toEqual([
        'CoordinationReminderSent',
        'CoordinationEscalated',
        'ExplanationReminderSent',
      ]);
      expect(logged(events).map(channelsOwed)).toEqual([['webhook', 'email'], ['email'], [], [], ['webhook'], []]);
    });

    it('each of their channels owes one outcome, closed by the delivery that names it', () => {
      const events = coordinated()
        .coordinationReminded('finance', { channels: ['webhook', 'email'] })
        .explanationRequested()
        .explanationReminded({ channels: ['email'] })
        .build();
      // 0 raised, 1 accepted, 2 assigned, 3 coordination requested, 4 coordination reminder, 5 explanation, 6 its reminder.
      const log = logged(events, { 4: REMINDER, 6: LATER_REMINDER });
      const owed = (l: LoggedEvent[]) => deliveriesWithoutOutcome(l).map((d) => `${d.notice.event.type} ${d.channel}`);
      expect(owed(log)).toEqual([
        'CoordinationReminderSent webhook',
        'CoordinationReminderSent email',
        'ExplanationReminderSent email',
      ]);
      const delivered: RecommendationEvent = {
        type: 'NotificationDelivered',
        data: {
          assignmentNo: 1,
          department: 'finance',
          channel: 'email',
          notice: 'CoordinationReminderSent',
          noticeId: REMINDER,
          deliveredAt: '2025-09-13T10:00:00.000Z',
        },
      };
      const withOutcome = [...log, ...logged([delivered], { 0: 'outcome-1' })];
      expect(owed(withOutcome)).toEqual(['CoordinationReminderSent webhook', 'ExplanationReminderSent email']);
    });
  });
});
