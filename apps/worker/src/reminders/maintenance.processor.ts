import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { AppConfig, CLOCK, Directory, type Clock } from '@app/common';
import { listRecommendations, ReadModelReader } from '@app/read-models';
import { JobName, QueueName } from '@app/reminders';
import { Notifier } from './notifier';
import { Reconciler } from './reconciler';
import { KEEP_FINISHED } from './job-options';
import { TypedProcessor, type Handlers } from './typed-processor';

/** Periodic work: the reconcile pass, and the weekday-morning digest to each department. */
@Processor(QueueName.Maintenance, { concurrency: 1, ...KEEP_FINISHED })
export class MaintenanceProcessor extends TypedProcessor {
  readonly queueName = QueueName.Maintenance;
  readonly handlers: Handlers = {
    [JobName.Reconcile]: () => this.reconciler.reconcile(),
    [JobName.DailyDigest]: () => this.digest(),
  };
  private readonly readModels: ReadModelReader;

  constructor(
    private readonly reconciler: Reconciler,
    private readonly notifier: Notifier,
    private readonly directory: Directory,
    @Inject(AppConfig) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
    this.readModels = new ReadModelReader(config.DATA_DIR);
  }

  /** One notice per department with open items: its open and overdue assignments, soonest due first. */
  private async digest(): Promise<{ departments: number }> {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    let departments = 0;
    for (const { code } of this.directory.data.departments) {
      const actor = { sub: 'system:digest', name: 'Daily digest', role: 'department' as const, department: code };
      const open = listRecommendations(
        this.readModels.connection(),
        actor,
        { department: code, status: 'assigned', sort: 'dueAt', limit: 200 },
        now,
      );
      if (open.total === 0) continue;
      departments++;
      const items = open.items.map((i) => ({ id: i.id, title: i.title, dueAt: i.dueAt, overdue: i.overdue }));
      const notice = {
        kind: 'DailyDigest' as const,
        eventId: `digest-${day}-${code}`,
        department: code,
        occurredAt: now.toISOString(),
        digest: { open: open.total, overdue: items.filter((i) => i.overdue).length, items },
      };
      await this.notifier.enqueue(notice, this.notifier.channelsFor(code), null);
    }
    return { departments };
  }
}
