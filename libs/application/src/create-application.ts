import type { Clock, Directory, WorkingCalendar } from '@app/common';
import type { EventStore } from '@app/event-store';
import { CommandExecutor } from './command-executor';
import { DirectoryLog } from './directory-log';
import { IdempotentRequests } from './idempotent-requests';
import { RecommendationCommands } from './recommendation-commands';
import { RecommendationStream } from './recommendation-stream';
import { AttachmentCatalog } from './attachment-catalog';
import { WorkingSessions } from './working-sessions';

/** The application layer's parts over one event store: what a process, a test or a benchmark uses. */
export interface Application {
  streams: RecommendationStream;
  commands: RecommendationCommands;
  idempotency: IdempotentRequests;
  directory: DirectoryLog;
  sessions: WorkingSessions;
  attachments: AttachmentCatalog;
}

export function createApplication(
  store: EventStore,
  deps: { directory: Directory; calendar: WorkingCalendar; clock: Clock },
): Application {
  const streams = new RecommendationStream(store);
  const executor = new CommandExecutor(streams, deps.clock);
  const directory = new DirectoryLog(store, deps.directory, deps.clock);
  const sessions = new WorkingSessions(store, deps.directory, deps.clock, directory);
  const attachments = new AttachmentCatalog(store, deps.clock);
  return {
    streams,
    sessions,
    attachments,
    commands: new RecommendationCommands(executor, deps.directory, deps.calendar, deps.clock, directory, {
      attachments,
      sessions,
    }),
    idempotency: new IdempotentRequests(store),
    directory,
  };
}
