import { JobName } from './jobs';
import {
  nextCoordinationEscalation,
  nextEscalation,
  parseLeads,
  planCoordination,
  planDeadline,
  planExplanation,
  type Deadline,
} from './schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DUE = '2026-04-30T17:00:00+07:00';
const due = Date.parse(DUE);
const at = (offsetMs: number) => new Date(due + offsetMs).toISOString();
const deadline = (setAt: string): Deadline => ({ recommendationId: 'rec-1', assignmentNo: 2, dueAt: DUE, setAt });
const LEADS = parseLeads('3d,1d');

describe('parseLeads', () => {
  it('keeps each label as written and sorts the longest lead first, whatever the order given', () => {
    expect(parseLeads(' 1d, 3d ,12h')).toEqual([
      { label: '3d', ms: 3 * DAY },
      { label: '1d', ms: DAY },
      { label: '12h', ms: 12 * HOUR },
    ]);
  });
});

describe('planDeadline', () => {
  it('plans a reminder at due − lead for each lead, then the first escalation at the due date', () => {
    const jobs = planDeadline(deadline(at(-10 * DAY)), LEADS);
    expect(jobs.map((j) => [j.name, j.jobId, j.at])).toEqual([
      [JobName.Reminder, 'reminder-rec-1-2-3d', due - 3 * DAY],
      [JobName.Reminder, 'reminder-rec-1-2-1d', due - DAY],
      [JobName.Escalation, 'escalation-rec-1-2-1', due],
    ]);
    expect(jobs[0].payload).toEqual({ recommendationId: 'rec-1', assignmentNo: 2, dueAt: DUE, lead: '3d' });
    expect(jobs[2].payload).toEqual({ recommendationId: 'rec-1', assignmentNo: 2, dueAt: DUE, level: 1 });
  });

  it('skips a lead whose time had already passed when the due date was set: no "3 days before" for a 2-day deadline', () => {
    const jobs = planDeadline(deadline(at(-2 * DAY)), LEADS);
    expect(jobs.map((j) => j.jobId)).toEqual(['reminder-rec-1-2-1d', 'escalation-rec-1-2-1']);
  });

  it('keeps a reminder that falls exactly when the due date was set', () => {
    expect(planDeadline(deadline(at(-3 * DAY)), LEADS).map((j) => j.jobId)).toContain('reminder-rec-1-2-3d');
  });

  it('decides on when the due date was set, not on now: a reminder missed since (Redis down) is still planned, to fire late', () => {
    // The plan has no notion of now: a reconcile a week later plans the same jobs as the assignment did.
    expect(planDeadline(deadline(at(-5 * DAY)), LEADS).map((j) => j.at)).toEqual([due - 3 * DAY, due - DAY, due]);
  });

  it('does not plan again a reminder already sent for this due date', () => {
    const jobs = planDeadline(deadline(at(-10 * DAY)), LEADS, { alreadySent: (lead) => lead === '3d' });
    expect(jobs.map((j) => j.jobId)).toEqual(['reminder-rec-1-2-1d', 'escalation-rec-1-2-1']);
  });

  it('after escalation n, plans escalation n + 1 at due + n × every, not the first one again', () => {
    const jobs = planDeadline(deadline(at(-10 * DAY)), LEADS, {
      alreadySent: () => true,
      escalationLevel: 2,
      escalationEveryMs: 7 * DAY,
    });
    expect(jobs).toEqual([
      {
        name: JobName.Escalation,
        jobId: 'escalation-rec-1-2-3',
        at: due + 14 * DAY,
        payload: { recommendationId: 'rec-1', assignmentNo: 2, dueAt: DUE, level: 3 },
      },
    ]);
  });
});

describe('nextEscalation', () => {
  const target = { recommendationId: 'rec-1', assignmentNo: 1, dueAt: DUE };

  it('puts level 1 at the due date and each further level `every` later', () => {
    expect([1, 2, 3, 4].map((level) => nextEscalation(target, level, 2000).at - due)).toEqual([0, 2000, 4000, 6000]);
  });

  it('gives each level of each assignment its own job id, so re-adding one is a no-op and levels never collide', () => {
    expect(nextEscalation(target, 3, DAY).jobId).toBe('escalation-rec-1-1-3');
    expect(nextEscalation({ ...target, assignmentNo: 2 }, 3, DAY).jobId).toBe('escalation-rec-1-2-3');
    // BullMQ refuses ':' in custom ids.
    expect(nextEscalation(target, 1, DAY).jobId).not.toContain(':');
  });
});

describe('planCoordination', () => {
  const part = (setAt: string) => ({ recommendationId: 'rec-1', assignmentNo: 2, department: 'finance', dueAt: DUE, setAt });

  it("plans the coordinating department's reminders at its own due − lead, then its first escalation at its due date", () => {
    const jobs = planCoordination(part(at(-10 * DAY)), LEADS, { escalationEveryMs: 7 * DAY });
    expect(jobs.map((j) => [j.name, j.jobId, j.at])).toEqual([
      [JobName.CoordinationReminder, 'coordination-reminder-rec-1-2-finance-3d', due - 3 * DAY],
      [JobName.CoordinationReminder, 'coordination-reminder-rec-1-2-finance-1d', due - DAY],
      [JobName.CoordinationEscalation, 'coordination-escalation-rec-1-2-finance-1', due],
    ]);
    expect(jobs[0].payload).toEqual({
      recommendationId: 'rec-1',
      assignmentNo: 2,
      department: 'finance',
      dueAt: DUE,
      lead: '3d',
    });
    expect(jobs[2].payload).toEqual({ recommendationId: 'rec-1', assignmentNo: 2, department: 'finance', dueAt: DUE, level: 1 });
  });

  it('skips a lead already past when the assignment named the department, as for the lead department', () => {
    expect(planCoordination(part(at(-2 * DAY)), LEADS).map((j) => j.jobId)).toEqual([
      'coordination-reminder-rec-1-2-finance-1d',
      'coordination-escalation-rec-1-2-finance-1',
    ]);
  });

  it('gives each department of an assignment its own ids, none shared with the lead department, none with a colon', () => {
    const finance = planCoordination(part(at(-10 * DAY)), LEADS).map((j) => j.jobId);
    const health = planCoordination({ ...part(at(-10 * DAY)), department: 'health' }, LEADS).map((j) => j.jobId);
    const lead = planDeadline(deadline(at(-10 * DAY)), LEADS).map((j) => j.jobId);
    const all = [...finance, ...health, ...lead];
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((id) => id.includes(':'))).toEqual([]);
  });

  it('after a merger carried over what was sent: only the reminders left, and the escalation after the level reached', () => {
    const jobs = planCoordination(part(at(-10 * DAY)), LEADS, {
      alreadySent: (lead) => lead === '3d',
      escalationLevel: 2,
      escalationEveryMs: 7 * DAY,
    });
    expect(jobs.map((j) => [j.jobId, j.at])).toEqual([
      ['coordination-reminder-rec-1-2-finance-1d', due - DAY],
      ['coordination-escalation-rec-1-2-finance-3', due + 14 * DAY],
    ]);
  });
});

describe('nextCoordinationEscalation', () => {
  it('puts level 1 at the due date and each further level `every` later, per department', () => {
    const target = { recommendationId: 'rec-1', assignmentNo: 1, department: 'finance', dueAt: DUE };
    expect([1, 2, 3].map((level) => nextCoordinationEscalation(target, level, 2000).at - due)).toEqual([0, 2000, 4000]);
    expect(nextCoordinationEscalation(target, 3, DAY)).toEqual({
      name: JobName.CoordinationEscalation,
      jobId: 'coordination-escalation-rec-1-1-finance-3',
      at: due + 2 * DAY,
      payload: { ...target, level: 3 },
    });
  });
});

describe('planExplanation', () => {
  const explanation = (setAt: string) => ({ recommendationId: 'rec-1', explanationNo: 3, dueAt: DUE, setAt });

  it('plans a reminder at due − lead for each lead and no escalation', () => {
    const jobs = planExplanation(explanation(at(-10 * DAY)), LEADS);
    expect(jobs).toEqual([
      {
        name: JobName.ExplanationReminder,
        jobId: 'explanation-reminder-rec-1-3-3d',
        at: due - 3 * DAY,
        payload: { recommendationId: 'rec-1', explanationNo: 3, dueAt: DUE, lead: '3d' },
      },
      {
        name: JobName.ExplanationReminder,
        jobId: 'explanation-reminder-rec-1-3-1d',
        at: due - DAY,
        payload: { recommendationId: 'rec-1', explanationNo: 3, dueAt: DUE, lead: '1d' },
      },
    ]);
  });

  it('skips leads past when it was requested, and reminders already sent; nothing is left to plan after the last', () => {
    expect(planExplanation(explanation(at(-2 * DAY)), LEADS).map((j) => j.jobId)).toEqual(['explanation-reminder-rec-1-3-1d']);
    expect(planExplanation(explanation(at(-2 * DAY)), LEADS, { alreadySent: () => true })).toEqual([]);
  });
});
