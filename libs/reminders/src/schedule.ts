import { parseDuration } from '@app/common';
import {
  coordinationEscalationJobId,
  coordinationReminderJobId,
  escalationJobId,
  explanationReminderJobId,
  JobName,
  reminderJobId,
  type JobPayloads,
} from './jobs';

export interface Lead {
  /** As configured, e.g. `3d`; part of the job id and of the ReminderSent event. */
  label: string;
  ms: number;
}

/** Parses `REMINDER_LEADS` (`3d,1d`), longest lead first. */
export function parseLeads(text: string): Lead[] {
  return text
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean)
    .map((label) => ({ label, ms: parseDuration(label) }))
    .sort((a, b) => b.ms - a.ms);
}

/** One due date of one assignment, and when it was set. */
export interface Deadline {
  recommendationId: string;
  assignmentNo: number;
  dueAt: string;
  /** When this due date was set (assigned, reopened or extended). */
  setAt: string;
}

type Planned<N extends JobName> = { name: N; jobId: string; at: number; payload: JobPayloads[N] };

/** A delayed job of a due date: the lead's, a coordinating department's or an explanation's. */
export type PlannedJob =
  | Planned<JobName.Reminder>
  | Planned<JobName.Escalation>
  | Planned<JobName.CoordinationReminder>
  | Planned<JobName.CoordinationEscalation>
  | Planned<JobName.ExplanationReminder>;

/** What is already recorded for a due date: reminders sent (by lead label) and the escalation level reached. */
export interface PlanOptions {
  alreadySent?: (lead: string) => boolean;
  escalationLevel?: number;
  escalationEveryMs?: number;
}

/**
 * The leads whose reminder a due date calls for, with when each fires. A reminder whose time had
 * already passed when the due date was set is not planned: "3 days before" means nothing for a
 * deadline set 2 days ahead. The plan has no notion of now: one missed since fires late.
 */
function remindersDue(dueAt: string, setAt: string, leads: Lead[], alreadySent?: (lead: string) => boolean) {
  const due = Date.parse(dueAt);
  const set = Date.parse(setAt);
  return leads
    .map((lead) => ({ lead: lead.label, at: due - lead.ms }))
    .filter(({ lead, at }) => at >= set && !alreadySent?.(lead));
}

/**
 * The reminders and the first escalation a due date calls for. A reminder whose time had
 * already passed when the due date was set is not planned: "3 days before" means nothing for a
 * deadline set 2 days ahead. `alreadySent` holds reminder keys recorded for this due date.
 */
export function planDeadline(deadline: Deadline, leads: Lead[], options: PlanOptions = {}): PlannedJob[] {
  const { recommendationId, assignmentNo, dueAt } = deadline;
  const jobs: PlannedJob[] = remindersDue(dueAt, deadline.setAt, leads, options.alreadySent).map(({ lead, at }) => ({
    name: JobName.Reminder,
    jobId: reminderJobId(recommendationId, assignmentNo, lead),
    at,
    payload: { recommendationId, assignmentNo, dueAt, lead },
  }));
  const level = (options.escalationLevel ?? 0) + 1;
  jobs.push(nextEscalation({ recommendationId, assignmentNo, dueAt }, level, options.escalationEveryMs ?? 0));
  return jobs;
}

/** Escalation `level` of a due date: at the due date for level 1, then every `everyMs`. */
export function nextEscalation(
  target: { recommendationId: string; assignmentNo: number; dueAt: string },
  level: number,
  everyMs: number,
): PlannedJob {
  const at = Date.parse(target.dueAt) + (level - 1) * everyMs;
  return {
    name: JobName.Escalation,
    jobId: escalationJobId(target.recommendationId, target.assignmentNo, level),
    at,
    payload: { ...target, level },
  };
}

/** A coordinating department's own due date on one assignment, and when it was set (the assignment's time). */
export interface CoordinationDeadline {
  recommendationId: string;
  assignmentNo: number;
  department: string;
  dueAt: string;
  setAt: string;
}

/**
 * The reminders and the first escalation of a coordinating department's due date, as
 * {@link planDeadline} plans the lead's: its own job ids, so the lead's and each department's
 * never collide, and escalations go on every `escalationEveryMs` while it has not contributed.
 */
export function planCoordination(deadline: CoordinationDeadline, leads: Lead[], options: PlanOptions = {}): PlannedJob[] {
  const { recommendationId, assignmentNo, department, dueAt } = deadline;
  const jobs: PlannedJob[] = remindersDue(dueAt, deadline.setAt, leads, options.alreadySent).map(({ lead, at }) => ({
    name: JobName.CoordinationReminder,
    jobId: coordinationReminderJobId(recommendationId, assignmentNo, department, lead),
    at,
    payload: { recommendationId, assignmentNo, department, dueAt, lead },
  }));
  const level = (options.escalationLevel ?? 0) + 1;
  jobs.push(
    nextCoordinationEscalation({ recommendationId, assignmentNo, department, dueAt }, level, options.escalationEveryMs ?? 0),
  );
  return jobs;
}

/** Escalation `level` of a coordinating department's due date: at the due date for level 1, then every `everyMs`. */
export function nextCoordinationEscalation(
  target: { recommendationId: string; assignmentNo: number; department: string; dueAt: string },
  level: number,
  everyMs: number,
): PlannedJob {
  return {
    name: JobName.CoordinationEscalation,
    jobId: coordinationEscalationJobId(target.recommendationId, target.assignmentNo, target.department, level),
    at: Date.parse(target.dueAt) + (level - 1) * everyMs,
    payload: { ...target, level },
  };
}

/** The due date of a written explanation, and when it was requested. */
export interface ExplanationDeadline {
  recommendationId: string;
  explanationNo: number;
  dueAt: string;
  setAt: string;
}

/**
 * The reminders of an explanation's due date, to the lead department. No escalation: an
 * explanation is itself what the committee demands of an overdue item, and one left unanswered
 * shows in the reports (pending, late) that the committee reads; escalating it would only
 * repeat the overdue item's own escalations.
 */
export function planExplanation(
  deadline: ExplanationDeadline,
  leads: Lead[],
  options: Pick<PlanOptions, 'alreadySent'> = {},
): PlannedJob[] {
  const { recommendationId, explanationNo, dueAt } = deadline;
  return remindersDue(dueAt, deadline.setAt, leads, options.alreadySent).map(({ lead, at }) => ({
    name: JobName.ExplanationReminder,
    jobId: explanationReminderJobId(recommendationId, explanationNo, lead),
    at,
    payload: { recommendationId, explanationNo, dueAt, lead },
  }));
}
