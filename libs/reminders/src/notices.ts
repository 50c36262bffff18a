import type { NoticeEvent } from '@app/recommendations';
import type { Notice } from './jobs';

/**
 * The notice of a notice event (a reminder or an escalation, of the lead's due date, of a
 * coordinating department's or of an explanation's), from the log alone: the event, its id and
 * the item it is about (whose title and commune never change). The worker sends it right after
 * recording the event; a reconcile rebuilds the very same notice, and so the same delivery ids,
 * for a delivery that Redis lost before it had an outcome. It goes to the event's department.
 */
export function noticeOf(
  notice: { id: string; event: NoticeEvent },
  item: { id: string; title: string; commune: string },
): Notice {
  const { event } = notice;
  const recommendation = { id: item.id, title: item.title, commune: item.commune, dueAt: event.data.dueAt };
  const base = { kind: event.type, eventId: notice.id, department: event.data.department };
  switch (event.type) {
    case 'ReminderSent':
    case 'CoordinationReminderSent':
      return { ...base, occurredAt: event.data.sentAt, recommendation, lead: event.data.lead };
    case 'ExplanationReminderSent':
      return {
        ...base,
        occurredAt: event.data.sentAt,
        recommendation,
        explanationNo: event.data.explanationNo,
        lead: event.data.lead,
      };
    case 'DeadlineEscalated':
    case 'CoordinationEscalated': {
      const { level, daysOverdue } = event.data;
      return { ...base, occurredAt: event.data.escalatedAt, recommendation, level, daysOverdue };
    }
    default: {
      const unhandled: never = event;
      throw new Error(`no notice for ${(unhandled as { type: string }).type}`);
    }
  }
}
