import type { Notice } from './jobs';
import { render } from './notify/mail';

const recommendation = {
  id: 'rec-7',
  title: 'Second IT officer for the ward',
  commune: 'tam-thanh',
  dueAt: '2026-04-30T17:00:00+07:00',
};
const base = { eventId: 'evt-1', department: 'home-affairs', occurredAt: '2026-04-27T17:00:00+07:00' };

describe('render', () => {
  it('words a reminder with the title, due date, who it is assigned to, the lead left and the id', () => {
    const { subject, text } = render({ ...base, kind: 'ReminderSent', recommendation, lead: '3d' });
    expect(subject).toBe('Reminder: "Second IT officer for the ward" is due 2026-04-30T17:00:00+07:00');
    expect(text).toBe(
      'The recommendation "Second IT officer for the ward" from tam-thanh, assigned to home-affairs, ' +
        'is due at 2026-04-30T17:00:00+07:00 (3d left).\nRecommendation id: rec-7',
    );
  });

  it('words an escalation with its level and the days overdue', () => {
    const { subject, text } = render({ ...base, kind: 'DeadlineEscalated', recommendation, level: 2, daysOverdue: 7 });
    expect(subject).toBe('Overdue (escalation 2): "Second IT officer for the ward"');
    expect(text).toContain('was due at 2026-04-30T17:00:00+07:00 and is 7 day(s) overdue');
    expect(text).toContain('Recommendation id: rec-7');
  });

  it('words a daily digest with the counts and one line per item, overdue ones marked', () => {
    const notice: Notice = {
      ...base,
      kind: 'DailyDigest',
      digest: {
        open: 2,
        overdue: 1,
        items: [
          { id: 'rec-1', title: 'Road to the ward centre', dueAt: '2026-04-01T17:00:00+07:00', overdue: true },
          { id: 'rec-2', title: 'Headquarters', dueAt: null, overdue: false },
        ],
      },
    };
    expect(render(notice)).toEqual({
      subject: 'Daily digest for home-affairs: 2 open, 1 overdue',
      text: [
        'Open recommendations assigned to home-affairs: 2, of which overdue: 1.',
        '- [OVERDUE] Road to the ward centre (due 2026-04-01T17:00:00+07:00) rec-1',
        '- Headquarters (due n/a) rec-2',
      ].join('\n'),
    });
  });

  it("words a coordinating department's reminder and escalation as about its contribution", () => {
    const reminder = render({ ...base, department: 'finance', kind: 'CoordinationReminderSent', recommendation, lead: '1d' });
    expect(reminder.subject).toBe(
      'Reminder: your contribution to "Second IT officer for the ward" is due 2026-04-30T17:00:00+07:00',
    );
    expect(reminder.text).toContain('finance coordinates the recommendation "Second IT officer for the ward" from tam-thanh');
    expect(reminder.text).toContain('(1d left)');
    const escalation = render({
      ...base,
      department: 'finance',
      kind: 'CoordinationEscalated',
      recommendation,
      level: 1,
      daysOverdue: 0,
    });
    expect(escalation.subject).toBe('Contribution overdue (escalation 1): "Second IT officer for the ward"');
    expect(escalation.text).toContain('is 0 day(s) overdue');
  });

  it("words an explanation's reminder with its due date", () => {
    const { subject, text } = render({ ...base, kind: 'ExplanationReminderSent', recommendation, explanationNo: 1, lead: '3d' });
    expect(subject).toBe('Reminder: the explanation of "Second IT officer for the ward" is due 2026-04-30T17:00:00+07:00');
    expect(text).toContain('requires home-affairs to explain in writing');
    expect(text).toContain('Recommendation id: rec-7');
  });
});
