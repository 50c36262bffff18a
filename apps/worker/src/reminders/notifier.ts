import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig, Directory } from '@app/common';
import { JobName, Mailer, notifyJobId, postWebhook, QueueName, type Channel, type Notice } from '@app/reminders';
import { DEFAULT_JOB_OPTIONS } from './job-options';

/**
 * Where a department's notices go, and their delivery. Each delivery is its own job with a
 * deterministic id, retried with backoff; a second enqueue of the same notice is a no-op.
 */
@Injectable()
export class Notifier implements OnApplicationShutdown {
  private readonly mailer: Mailer | null;

  constructor(
    @InjectQueue(QueueName.Notifications) private readonly queue: Queue,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly directory: Directory,
  ) {
    this.mailer = config.SMTP_URL
      ? new Mailer(config.SMTP_URL, config.SMTP_FROM ?? 'Follow-up Tracker <follow-up-tracker@localhost>')
      : null;
  }

  channelsFor(department: string): Channel[] {
    const channels: Channel[] = [];
    if (this.webhookFor(department)) channels.push('webhook');
    if (this.mailer && this.directory.department(department)?.email) channels.push('email');
    return channels;
  }

  async enqueue(notice: Notice, channels: Channel[], assignmentNo: number | null): Promise<void> {
    for (const channel of channels) await this.add(notice, channel, assignmentNo);
  }

  /**
   * Makes Redis hold a delivery that has no outcome yet: adds it when missing (Redis lost it) and
   * replaces it when it failed for good without recording an outcome (failed by stalls, or its
   * outcome could not be appended); a waiting, running or completed one is kept.
   */
  async ensure(notice: Notice, channel: Channel, assignmentNo: number | null): Promise<'kept' | 'added'> {
    const existing = await this.queue.getJob(notifyJobId(notice.eventId, channel));
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'unknown') return 'kept';
      await existing.remove().catch(() => undefined);
    }
    await this.add(notice, channel, assignmentNo);
    return 'added';
  }

  async deliver(channel: Channel, notice: Notice): Promise<void> {
    if (channel === 'webhook') {
      const url = this.webhookFor(notice.department);
      if (!url) throw new Error(`no webhook for ${notice.department}`);
      await postWebhook(url, notice, { secret: this.config.WEBHOOK_SECRET, deliveryId: `${notice.eventId}-webhook` });
      return;
    }
    const to = this.directory.department(notice.department)?.email;
    if (!this.mailer || !to) throw new Error(`no email route for ${notice.department}`);
    await this.mailer.send(to, notice);
  }

  private async add(notice: Notice, channel: Channel, assignmentNo: number | null): Promise<void> {
    await this.queue.add(
      JobName.Notify,
      { channel, notice, assignmentNo },
      {
        ...DEFAULT_JOB_OPTIONS,
        attempts: this.config.NOTIFY_ATTEMPTS,
        backoff: { type: 'exponential', delay: this.config.NOTIFY_BACKOFF_MS },
        jobId: notifyJobId(notice.eventId, channel),
      },
    );
  }

  private webhookFor(department: string): string | undefined {
    return this.directory.department(department)?.webhookUrl ?? this.config.NOTIFY_WEBHOOK_URL;
  }

  onApplicationShutdown(): void {
    this.mailer?.close();
  }
}
