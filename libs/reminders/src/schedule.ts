import { parseDuration } from '@app/common';
import { escalationJobId, JobName, reminderJobId, type JobPayloads } from './jobs';

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

export type PlannedJob =
  | { name: JobName.Reminder; jobId: string; at: number; payload: JobPayloads[JobName.Reminder] }
  | { name: JobName.Escalation; jobId: string; at: number; payload: JobPayloads[JobName.Escalation] };

/**
 * The reminders and the first escalation a due date calls for. A reminder whose time had
 * already passed when the due date was set is not planned: "3 days before" means nothing for a
 * deadline set 2 days ahead. `alreadySent` holds reminder keys recorded for this due date.
 */
export function planDeadline(
  deadline: Deadline,
  leads: Lead[],
  options: { alreadySent?: (lead: string) => boolean; escalationLevel?: number; escalationEveryMs?: number } = {},
): PlannedJob[] {
  const due = Date.parse(deadline.dueAt);
  const setAt = Date.parse(deadline.setAt);
  const { recommendationId, assignmentNo, dueAt } = deadline;
  const jobs: PlannedJob[] = [];
  for (const lead of leads) {
    const at = due - lead.ms;
    if (at < setAt || options.alreadySent?.(lead.label)) continue;
    jobs.push({
      name: JobName.Reminder,
      jobId: reminderJobId(recommendationId, assignmentNo, lead.label),
      at,
      payload: { recommendationId, assignmentNo, dueAt, lead: lead.label },
    });
  }
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
