/**
 * The jobs of the reminder system, typed: one queue per kind of work, one payload type per job,
 * deterministic job ids (BullMQ forbids `:` in custom ids, so ids use `-`).
 */
export enum QueueName {
  Deadlines = 'deadlines',
  Notifications = 'notifications',
  Maintenance = 'maintenance',
  /** Long work an administrator starts (a merger of departments), followed at GET /jobs/:id. */
  Jobs = 'jobs',
}

export enum JobName {
  Reminder = 'reminder',
  Escalation = 'escalation',
  /** A coordinating department's due date: a reminder, then escalations while it has not contributed. */
  CoordinationReminder = 'coordination-reminder',
  CoordinationEscalation = 'coordination-escalation',
  /** A written explanation's due date: reminders to the lead department. */
  ExplanationReminder = 'explanation-reminder',
  Notify = 'notify',
  Reconcile = 'reconcile',
  DailyDigest = 'daily-digest',
  MergeDepartment = 'merge-department',
}

/** Which queue carries each job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.Reminder]: QueueName.Deadlines,
  [JobName.Escalation]: QueueName.Deadlines,
  [JobName.CoordinationReminder]: QueueName.Deadlines,
  [JobName.CoordinationEscalation]: QueueName.Deadlines,
  [JobName.ExplanationReminder]: QueueName.Deadlines,
  [JobName.Notify]: QueueName.Notifications,
  [JobName.Reconcile]: QueueName.Maintenance,
  [JobName.DailyDigest]: QueueName.Maintenance,
  [JobName.MergeDepartment]: QueueName.Jobs,
};

export type Channel = 'webhook' | 'email';

/** A channel as events record it (a plain string): one the notifier knows, or not. */
export const isChannel = (value: string): value is Channel => value === 'webhook' || value === 'email';

/** What a notification says; complete, so delivery needs no further lookup. */
export interface Notice {
  kind:
    | 'ReminderSent'
    | 'DeadlineEscalated'
    | 'CoordinationReminderSent'
    | 'CoordinationEscalated'
    | 'ExplanationReminderSent'
    | 'DailyDigest';
  eventId: string;
  department: string;
  occurredAt: string;
  /** `dueAt`: the due date the notice is about (the lead's, a coordinating department's own, or the explanation's). */
  recommendation?: { id: string; title: string; commune: string; dueAt: string };
  /** The explanation a reminder is about. */
  explanationNo?: number;
  lead?: string;
  level?: number;
  daysOverdue?: number;
  digest?: { open: number; overdue: number; items: Array<{ id: string; title: string; dueAt: string | null; overdue: boolean }> };
}

export interface JobPayloads {
  [JobName.Reminder]: { recommendationId: string; assignmentNo: number; dueAt: string; lead: string };
  [JobName.Escalation]: { recommendationId: string; assignmentNo: number; dueAt: string; level: number };
  [JobName.CoordinationReminder]: {
    recommendationId: string;
    assignmentNo: number;
    department: string;
    dueAt: string;
    lead: string;
  };
  [JobName.CoordinationEscalation]: {
    recommendationId: string;
    assignmentNo: number;
    department: string;
    dueAt: string;
    level: number;
  };
  [JobName.ExplanationReminder]: { recommendationId: string; explanationNo: number; dueAt: string; lead: string };
  [JobName.Notify]: { channel: Channel; notice: Notice; assignmentNo: number | null };
  [JobName.Reconcile]: Record<string, never>;
  [JobName.DailyDigest]: Record<string, never>;
  /** `position`: where the merger is in the log; the job starts once the read models are there. */
  [JobName.MergeDepartment]: { mergerId: string; from: string; into: string; reason: string; position: number };
}

/** How far a merger job is: what GET /jobs/:id shows. */
export interface JobProgress {
  total: number;
  done: number;
  failed: number;
  errors: string[];
}

export const reminderJobId = (id: string, assignmentNo: number, lead: string) => `reminder-${id}-${assignmentNo}-${lead}`;
export const escalationJobId = (id: string, assignmentNo: number, level: number) => `escalation-${id}-${assignmentNo}-${level}`;
/** Department codes are lower-case letters, digits and `-`; leads and levels have no `-`: the ids stay unambiguous. */
export const coordinationReminderJobId = (id: string, assignmentNo: number, department: string, lead: string) =>
  `coordination-reminder-${id}-${assignmentNo}-${department}-${lead}`;
export const coordinationEscalationJobId = (id: string, assignmentNo: number, department: string, level: number) =>
  `coordination-escalation-${id}-${assignmentNo}-${department}-${level}`;
export const explanationReminderJobId = (id: string, explanationNo: number, lead: string) =>
  `explanation-reminder-${id}-${explanationNo}-${lead}`;
export const notifyJobId = (eventId: string, channel: Channel) => `notify-${eventId}-${channel}`;
