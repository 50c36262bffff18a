import nodemailer, { type Transporter } from 'nodemailer';
import type { Notice } from '../jobs';

/** Sends notices by email through the server in `SMTP_URL`. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(to: string, notice: Notice): Promise<void> {
    const { subject, text } = render(notice);
    await this.transport.sendMail({ from: this.from, to, subject, text, headers: { 'X-Delivery-Id': notice.eventId } });
  }

  close(): void {
    this.transport.close();
  }
}

/** Plain-text wording of a notice, for email and logs. */
export function render(notice: Notice): { subject: string; text: string } {
  const r = notice.recommendation;
  if (notice.kind === 'ReminderSent' && r) {
    return {
      subject: `Reminder: "${r.title}" is due ${r.dueAt}`,
      text: `The recommendation "${r.title}" from ${r.commune}, assigned to ${notice.department}, is due at ${r.dueAt} (${notice.lead} left).\nRecommendation id: ${r.id}`,
    };
  }
  if (notice.kind === 'DeadlineEscalated' && r) {
    return {
      subject: `Overdue (escalation ${notice.level}): "${r.title}"`,
      text: `The recommendation "${r.title}" from ${r.commune}, assigned to ${notice.department}, was due at ${r.dueAt} and is ${notice.daysOverdue} day(s) overdue.\nRecommendation id: ${r.id}`,
    };
  }
  if (notice.kind === 'CoordinationReminderSent' && r) {
    return {
      subject: `Reminder: your contribution to "${r.title}" is due ${r.dueAt}`,
      text: `${notice.department} coordinates the recommendation "${r.title}" from ${r.commune}; its contribution is due at ${r.dueAt} (${notice.lead} left).\nRecommendation id: ${r.id}`,
    };
  }
  if (notice.kind === 'CoordinationEscalated' && r) {
    return {
      subject: `Contribution overdue (escalation ${notice.level}): "${r.title}"`,
      text: `${notice.department} coordinates the recommendation "${r.title}" from ${r.commune}; its contribution was due at ${r.dueAt} and is ${notice.daysOverdue} day(s) overdue.\nRecommendation id: ${r.id}`,
    };
  }
  if (notice.kind === 'ExplanationReminderSent' && r) {
    return {
      subject: `Reminder: the explanation of "${r.title}" is due ${r.dueAt}`,
      text: `The committee requires ${notice.department} to explain in writing why the recommendation "${r.title}" from ${r.commune} is overdue; the explanation is due at ${r.dueAt} (${notice.lead} left).\nRecommendation id: ${r.id}`,
    };
  }
  const digest = notice.digest ?? { open: 0, overdue: 0, items: [] };
  const lines = digest.items.map((i) => `- ${i.overdue ? '[OVERDUE] ' : ''}${i.title} (due ${i.dueAt ?? 'n/a'}) ${i.id}`);
  return {
    subject: `Daily digest for ${notice.department}: ${digest.open} open, ${digest.overdue} overdue`,
    text: [
      `Open recommendations assigned to ${notice.department}: ${digest.open}, of which overdue: ${digest.overdue}.`,
      ...lines,
    ].join('\n'),
  };
}
