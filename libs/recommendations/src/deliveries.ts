import type {
  CoordinationEscalated,
  CoordinationReminderSent,
  DeadlineEscalated,
  ExplanationReminderSent,
  RecommendationEvent,
  ReminderSent,
} from './events';

/**
 * Deliveries of notices. Each channel a notice (ReminderSent, DeadlineEscalated) names must end
 * in exactly one recorded outcome, NotificationDelivered or NotificationFailed, so the log alone
 * says which deliveries are still owed: a Redis that lost the delivery jobs can be made whole.
 */

/** Notices stored before this schema version owe no outcome: none was recorded then. */
export const DELIVERY_OUTCOMES_SINCE = 3;

export type NoticeEvent =
  ReminderSent | DeadlineEscalated | CoordinationReminderSent | CoordinationEscalated | ExplanationReminderSent;

const NOTICE_TYPES: ReadonlySet<string> = new Set<NoticeEvent['type']>([
  'ReminderSent',
  'DeadlineEscalated',
  'CoordinationReminderSent',
  'CoordinationEscalated',
  'ExplanationReminderSent',
]);

/** A stored event with what links notices and outcomes: its id, and the metadata the log keeps with it. */
export interface LoggedEvent<E extends RecommendationEvent = RecommendationEvent> {
  id: string;
  event: E;
  schemaVersion: unknown;
  causationId: unknown;
}

export function isNotice(event: RecommendationEvent): event is NoticeEvent {
  return NOTICE_TYPES.has(event.type);
}

/** The channels of a notice that each owe one outcome; none for any other event. */
export function channelsOwed(logged: LoggedEvent): string[] {
  if (!isNotice(logged.event)) return [];
  const version = typeof logged.schemaVersion === 'number' ? logged.schemaVersion : 1;
  return version >= DELIVERY_OUTCOMES_SINCE ? logged.event.data.channels : [];
}

/**
 * The delivery an outcome closes. A NotificationFailed names its notice by its causation id only
 * (its shape predates delivery tracking); a NotificationDelivered carries the notice's id.
 */
export function deliveryClosed(logged: LoggedEvent): { noticeId: string; channel: string } | null {
  const { event } = logged;
  if (event.type === 'NotificationDelivered') return { noticeId: event.data.noticeId, channel: event.data.channel };
  if (event.type === 'NotificationFailed' && typeof logged.causationId === 'string')
    return { noticeId: logged.causationId, channel: event.data.channel };
  return null;
}

/** The deliveries of one stream that have no outcome yet, in the order of their notices. */
export function deliveriesWithoutOutcome(
  events: readonly LoggedEvent[],
): Array<{ notice: LoggedEvent<NoticeEvent>; channel: string }> {
  const closed = new Set<string>();
  for (const logged of events) {
    const delivery = deliveryClosed(logged);
    if (delivery) closed.add(`${delivery.noticeId} ${delivery.channel}`);
  }
  return events.flatMap((logged) =>
    channelsOwed(logged)
      .filter((channel) => !closed.has(`${logged.id} ${channel}`))
      .map((channel) => ({ notice: logged as LoggedEvent<NoticeEvent>, channel })),
  );
}
