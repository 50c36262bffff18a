import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { RecommendationCommands, RecommendationStream } from '@app/application';
import { DIRECTORY_STREAM, type DirectoryEvent } from '@app/accounts';
import { AppConfig, LOGGER } from '@app/common';
import { EVENT_STORE, StreamNotFoundError, type EventStore } from '@app/event-store';
import { openInvolvements, ReadModelReader } from '@app/read-models';
import { DomainError, ErrorCodes, type Actor } from '@app/recommendations';
import { JobName, QueueName, type JobPayloads, type JobProgress } from '@app/reminders';
import { DEFAULT_JOB_OPTIONS, KEEP_FINISHED, RECOVER_PROMPTLY } from '../reminders/job-options';
import { TypedProcessor, type Handlers } from '../reminders/typed-processor';

export const MERGER_ACTOR: Actor = { sub: 'system:merger', name: 'Department merger', role: 'system' };
const READ_MODELS_WAIT_MS = 60_000;
const IN_FLIGHT = 8;
const MAX_ERRORS = 50;

/**
 * A merger of departments, item by item: each open assignment the merged department leads or
 * coordinates moves to the department it merged into, one event citing the merger
 * (AssignmentTransferred for the lead's part, CoordinationTransferred for a coordinating one).
 * Resumable: a re-run (a crash, a retry) lists what the merged department still holds; an item
 * moved already is refused by the domain (it no longer holds it), and each event's id comes from
 * the merger and the item, so no item moves twice.
 */
@Processor(QueueName.Jobs, { concurrency: 1, ...KEEP_FINISHED, ...RECOVER_PROMPTLY })
export class JobsProcessor extends TypedProcessor implements OnApplicationBootstrap {
  readonly queueName = QueueName.Jobs;
  readonly handlers: Handlers = {
    [JobName.MergeDepartment]: (job) => this.merge(job),
  };
  private readonly readModels: ReadModelReader;

  constructor(
    private readonly commands: RecommendationCommands,
    private readonly streams: RecommendationStream,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @InjectQueue(QueueName.Jobs) private readonly queue: Queue,
    @Inject(AppConfig) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.readModels = new ReadModelReader(config.DATA_DIR);
  }

  /** A merger recorded while its job could not be queued (Redis away) is queued now; a queued one is kept. */
  async onApplicationBootstrap(): Promise<void> {
    let events;
    try {
      events = await this.store.readStream(DIRECTORY_STREAM);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as DirectoryEvent;
      if (event.type !== 'DepartmentsMerged') continue;
      const { code, into, reason, mergerId } = event.data;
      const payload = { mergerId, from: code, into, reason, position: Number(recorded.position) };
      await this.queue
        .add(JobName.MergeDepartment, payload, { ...DEFAULT_JOB_OPTIONS, jobId: mergerId })
        .catch((error: unknown) =>
          this.logger.warn({ err: error, mergerId }, 'a merger job could not be queued; the next start tries again'),
        );
    }
  }

  private async merge(job: Job<JobPayloads[JobName.MergeDepartment]>): Promise<JobProgress> {
    const { mergerId, from, into, reason, position } = job.data;
    await this.readModelsAt(BigInt(position));
    const ids = openInvolvements(this.readModels.connection(), from);
    const before = typeof job.progress === 'object' ? (job.progress as unknown as JobProgress) : null;
    // The total is fixed by the first run, before anything moves; a re-run counts what it no longer finds as done.
    const total = before?.total ?? ids.length;
    const progress: JobProgress = { total, done: total - ids.length, failed: 0, errors: [] };
    await job.updateProgress(progress as unknown as object);
    for (let i = 0; i < ids.length; i += IN_FLIGHT) {
      await Promise.all(ids.slice(i, i + IN_FLIGHT).map((id) => this.moveOne(id, job.data, progress)));
      await job.updateProgress(progress as unknown as object);
    }
    this.logger.info({ mergerId, from, into, reason, ...progress, errors: progress.errors.length }, 'department merger done');
    if (progress.failed > 0) throw new Error(`${progress.failed} item(s) of ${from} could not move to ${into}; retrying`);
    return progress;
  }

  private async moveOne(id: string, data: JobPayloads[JobName.MergeDepartment], progress: JobProgress): Promise<void> {
    try {
      await this.commands.execute(
        {
          type: 'TransferAssignment',
          recommendationId: id,
          fromDepartment: data.from,
          toDepartment: data.into,
          reason: data.reason,
          mergerId: data.mergerId,
        },
        MERGER_ACTOR,
        { correlationId: data.mergerId, causationId: data.mergerId, idSeed: `${data.mergerId}-${id}` },
      );
      progress.done++;
    } catch (error) {
      if (await this.movedAlready(id, error, data)) {
        progress.done++;
        return;
      }
      progress.failed++;
      if (progress.errors.length < MAX_ERRORS) progress.errors.push(`${id}: ${(error as Error).message}`);
    }
  }

  /** The item no longer involves the merged department: moved by this merger (an earlier run), or no longer open there. */
  private async movedAlready(id: string, error: unknown, data: JobPayloads[JobName.MergeDepartment]): Promise<boolean> {
    if (!(error instanceof DomainError)) return false;
    if (error.code !== ErrorCodes.notHeldByDepartment && error.code !== ErrorCodes.invalidTransition) return false;
    const { state } = await this.streams.current(id);
    // Returned or resolved meanwhile, or moved: in every case nothing of the merged department is left on it.
    if (state.status !== 'assigned') return true;
    const { department, coordinating } = state.assignment;
    return department !== data.from && !coordinating.some((c) => c.department === data.from);
  }

  private async readModelsAt(position: bigint): Promise<void> {
    const deadline = Date.now() + READ_MODELS_WAIT_MS;
    while (this.readModels.checkpoint() < position) {
      if (Date.now() > deadline) throw new Error(`the read models have not reached position ${position} yet; retrying`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
