import { JobName, QueueName } from '@app/reminders';
import { DeadlinesProcessor } from './deadlines.processor';
import { MaintenanceProcessor } from './maintenance.processor';
import { NotificationsProcessor } from './notifications.processor';
import { assertEveryJobHandled, RemindersLifecycle } from './reminders-lifecycle';
import { JobsProcessor } from '../jobs/jobs.processor';
import type { Handlers, TypedProcessor } from './typed-processor';

const handle = async () => undefined;
const processor = (queueName: QueueName, handlers: Handlers) => ({ queueName, handlers }) as TypedProcessor;

/** The three queues with a handler for every job: the shape the worker must have. */
function complete(): TypedProcessor[] {
  return [
    processor(QueueName.Deadlines, {
      [JobName.Reminder]: handle,
      [JobName.Escalation]: handle,
      [JobName.CoordinationReminder]: handle,
      [JobName.CoordinationEscalation]: handle,
      [JobName.ExplanationReminder]: handle,
    }),
    processor(QueueName.Notifications, { [JobName.Notify]: handle }),
    processor(QueueName.Maintenance, { [JobName.Reconcile]: handle, [JobName.DailyDigest]: handle }),
  ];
}

describe('assertEveryJobHandled', () => {
  it('accepts processors that handle every job name on the queue that carries it', () => {
    expect(() => assertEveryJobHandled(complete())).not.toThrow();
  });

  it('refuses to start when a job name has no handler: a digest job would otherwise fail forever in Redis', () => {
    const [deadlines, notifications] = complete();
    const maintenance = processor(QueueName.Maintenance, { [JobName.Reconcile]: handle });
    expect(() => assertEveryJobHandled([deadlines, notifications, maintenance])).toThrow(
      'job "daily-digest" has no handler on queue "maintenance": refusing to start',
    );
  });

  it('refuses a handler on the wrong queue: jobs go to the queue JOB_QUEUE names, not to any processor', () => {
    const [, notifications, maintenance] = complete();
    const misplaced = processor(QueueName.Maintenance, { [JobName.Reminder]: handle, [JobName.Escalation]: handle });
    expect(() => assertEveryJobHandled([misplaced, notifications, maintenance])).toThrow(/job "reminder" has no handler/);
  });

  it('finds the jobs queue complete with its own processor', () => {
    const none = null as never;
    const config = { DATA_DIR: '/nonexistent' } as never;
    expect(() =>
      assertEveryJobHandled([new JobsProcessor(none, none, none, none, config, none)], [QueueName.Jobs]),
    ).not.toThrow();
    expect(() => assertEveryJobHandled([], [QueueName.Jobs])).toThrow(/job "merge-department" has no handler/);
  });

  it('finds the real processors complete', () => {
    const none = null as never;
    const config = { DATA_DIR: '/nonexistent' } as never;
    expect(() =>
      assertEveryJobHandled([
        new DeadlinesProcessor(none, none, none, none, none, none),
        new NotificationsProcessor(none, none, none),
        new MaintenanceProcessor(none, none, none, config, none),
      ]),
    ).not.toThrow();
  });

  it('runs at module init, so a worker missing a handler fails at startup', () => {
    const [deadlines, notifications] = complete();
    const incomplete = processor(QueueName.Maintenance, {});
    const none = null as never;
    const lifecycle = new RemindersLifecycle(
      none,
      none,
      none,
      none,
      deadlines as never,
      notifications as never,
      incomplete as never,
      none,
      none,
      none,
    );
    expect(() => lifecycle.onModuleInit()).toThrow(/job "reconcile" has no handler on queue "maintenance"/);
  });
});
