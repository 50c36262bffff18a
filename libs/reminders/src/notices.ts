import type { NoticeEvent } from '@app/recommendations';
import type { Notice } from './jobs';

/**
 * The notice of a ReminderSent or DeadlineEscalated event, from the log alone: the event, its id
 * and the item it is about (whose title and commune never change). The worker sends it right
 * after recording the event; a reconcile rebuilds the very same notice, and so the same delivery
 * ids, for a delivery that Redis lost before it had an outcome.
 */
export function noticeOf(
  notice: { id: string; event: NoticeEvent },
  item: { id: string; title: string; commune: string },
): Notice {
  const { event } = notice;
  const recommendation = { id: item.id, title: item.title, commune: item.commune, dueAt: event.data.dueAt };
  const base = { kind: event.type, eventId: notice.id, department: event.data.department };
  if (event.type === 'ReminderSent') return { ...base, occurredAt: event.data.sentAt, recommendation, lead: event.data.lead };
  const { level, daysOverdue } = event.data;
  return { ...base, occurredAt: event.data.escalatedAt, recommendation, level, daysOverdue };
}
