import type { NoticeEvent } from '@app/recommendations';
import { aRecommendation, DUE_AT, plus, DAY } from '../../recommendations/src/testing/recommendation.builder';
import { noticeOf } from './notices';

const item = { id: 'rec-7', title: 'Second IT officer for the ward', commune: 'tam-thanh' };
const last = (events: ReturnType<ReturnType<typeof aRecommendation>['build']>) => events[events.length - 1] as NoticeEvent;

describe('noticeOf', () => {
  const assigned = () => aRecommendation('rec-7').accepted().assignedTo('home-affairs', { dueAt: DUE_AT });

  it('words a reminder from its event: the event id, the department, when it was sent, the lead, the due date', () => {
    const event = last(
      assigned()
        .reminded({ lead: '3d', at: plus(DUE_AT, -3 * DAY) })
        .build(),
    );
    expect(noticeOf({ id: 'evt-1', event }, item)).toEqual({
      kind: 'ReminderSent',
      eventId: 'evt-1',
      department: 'home-affairs',
      occurredAt: plus(DUE_AT, -3 * DAY),
      recommendation: { ...item, dueAt: DUE_AT },
      lead: '3d',
    });
  });

  it('words an escalation from its event: level and days overdue as recorded', () => {
    const event = last(
      assigned()
        .escalated({ level: 2, at: plus(DUE_AT, 7 * DAY) })
        .build(),
    );
    expect(noticeOf({ id: 'evt-2', event }, item)).toEqual({
      kind: 'DeadlineEscalated',
      eventId: 'evt-2',
      department: 'home-affairs',
      occurredAt: plus(DUE_AT, 7 * DAY),
      recommendation: { ...item, dueAt: DUE_AT },
      level: 2,
      daysOverdue: 7,
    });
  });

  it('gives the same notice, byte for byte, each time it is rebuilt from the same event', () => {
    const event = last(assigned().reminded().build());
    expect(JSON.stringify(noticeOf({ id: 'evt-3', event }, item))).toBe(
      JSON.stringify(noticeOf({ id: 'evt-3', event: JSON.parse(JSON.stringify(event)) as NoticeEvent }, { ...item })),
    );
  });

  const COORDINATION_DUE = plus(DUE_AT, -5 * DAY);

  it("words a coordinating department's reminder for that department, with its own due date", () => {
    const event: NoticeEvent = {
      type: 'CoordinationReminderSent',
      data: {
        assignmentNo: 1,
        department: 'finance',
        lead: '1d',
        dueAt: COORDINATION_DUE,
        channels: ['webhook'],
        sentAt: plus(COORDINATION_DUE, -DAY),
      },
    };
    expect(noticeOf({ id: 'evt-4', event }, item)).toEqual({
      kind: 'CoordinationReminderSent',
      eventId: 'evt-4',
      department: 'finance',
      occurredAt: plus(COORDINATION_DUE, -DAY),
      recommendation: { ...item, dueAt: COORDINATION_DUE },
      lead: '1d',
    });
  });

  it("words a coordinating department's escalation with its level and days overdue", () => {
    const event: NoticeEvent = {
      type: 'CoordinationEscalated',
      data: {
        assignmentNo: 1,
        department: 'finance',
        level: 2,
        dueAt: COORDINATION_DUE,
        daysOverdue: 7,
        channels: ['webhook', 'email'],
        escalatedAt: plus(COORDINATION_DUE, 7 * DAY),
      },
    };
    expect(noticeOf({ id: 'evt-5', event }, item)).toEqual({
      kind: 'CoordinationEscalated',
      eventId: 'evt-5',
      department: 'finance',
      occurredAt: plus(COORDINATION_DUE, 7 * DAY),
      recommendation: { ...item, dueAt: COORDINATION_DUE },
      level: 2,
      daysOverdue: 7,
    });
  });

  it("words an explanation's reminder to the lead department, with the explanation's due date and number", () => {
    const explanationDue = plus(DUE_AT, 10 * DAY);
    const event: NoticeEvent = {
      type: 'ExplanationReminderSent',
      data: {
        assignmentNo: 1,
        explanationNo: 2,
        department: 'home-affairs',
        lead: '3d',
        dueAt: explanationDue,
        channels: ['webhook'],
        sentAt: plus(explanationDue, -3 * DAY),
      },
    };
    expect(noticeOf({ id: 'evt-6', event }, item)).toEqual({
      kind: 'ExplanationReminderSent',
      eventId: 'evt-6',
      department: 'home-affairs',
      occurredAt: plus(explanationDue, -3 * DAY),
      recommendation: { ...item, dueAt: explanationDue },
      explanationNo: 2,
      lead: '3d',
    });
  });
});
