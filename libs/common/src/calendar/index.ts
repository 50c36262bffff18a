export type { CalendarAnnouncement, CalendarAnnouncementFile, CalendarAnnouncementKind } from './calendar-announcements';
export { loadAnnouncements, parseAnnouncementFile, validateAnnouncements } from './calendar-announcements';
export { isLocalDate, localDateOf } from './local-date';
export type { DayExplanation, DueDate, DueDateComputation, SkippedDay, WorkingCalendarOptions } from './working-calendar';
export { MAX_WORKING_DAYS, WorkingCalendar } from './working-calendar';
