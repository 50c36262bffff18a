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
  Notify = 'notify',
  Reconcile = 'reconcile',
  DailyDigest = 'daily-digest',
  MergeDepartment = 'merge-department',
}

/** Which queue carries each job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.Reminder]: QueueName.Deadlines,
  [JobName.Escalation]: QueueName.Deadlines,
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
  kind: 'ReminderSent' | 'DeadlineEscalated' | 'DailyDigest';
  eventId: string;
  department: string;
  occurredAt: string;
  recommendation?: { id: string; title: string; commune: string; dueAt: string };
  lead?: string;
  level?: number;
  daysOverdue?: number;
  digest?: { open: number; overdue: number; items: Array<{ id: string; title: string; dueAt: string | null; overdue: boolean }> };
}

export interface JobPayloads {
  [JobName.Reminder]: { recommendationId: string; assignmentNo: number; dueAt: string; lead: string };
  [JobName.Escalation]: { recommendationId: string; assignmentNo: number; dueAt: string; level: number };
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
export const notifyJobId = (eventId: string, channel: Channel) => `notify-${eventId}-${channel}`;
