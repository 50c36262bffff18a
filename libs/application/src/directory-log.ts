import {
  decideDirectory,
  DIRECTORY_STREAM,
  EMPTY_DIRECTORY,
  evolveDirectory,
  seedEvents,
  type DirectoryCommand,
  type DirectoryContent,
  type DirectoryEvent,
} from '@app/accounts';
import { Directory, type Clock, type DirectoryData } from '@app/common';
import {
  ConcurrencyError,
  EventStreamRepository,
  StreamNotFoundError,
  type EventStore,
  type RecordedEvent,
} from '@app/event-store';
import { CURRENT_SCHEMA_VERSION, type Actor } from '@app/recommendations';
import { directContext } from './direct-context';

const toDomain = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as DirectoryEvent;

/**
 * The directory kept in the log: seeded once from the directory file, then changed only by the
 * administrator's commands, each an event of the `directory` stream. The process's shared
 * {@link Directory} follows the stream: `refresh` reads only what was appended since, so commands
 * check codes against the directory as it is now, whichever process changed it.
 */
export class DirectoryLog {
  private readonly repository: EventStreamRepository;
  private content: DirectoryContent = EMPTY_DIRECTORY;
  private revision: bigint | null = null;
  private lastHash: string | null = null;
  private refreshing: Promise<Directory> | null = null;

  constructor(
    private readonly store: EventStore,
    readonly directory: Directory,
    private readonly clock: Clock,
  ) {
    this.repository = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  }

  /** Seeds the log from `content` (the file's) unless it was seeded before: one append, done once. */
  async seed(content: DirectoryData, source: string): Promise<void> {
    const loaded = await this.repository.load(DIRECTORY_STREAM);
    if (loaded.revision !== null) return;
    try {
      await this.append(loaded, seedEvents(content as DirectoryContent, source), {
        sub: 'system',
        name: 'directory seed',
        role: 'system',
      });
    } catch (error) {
      // Another process seeded it meanwhile: the same file, once.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }

  /** Reads what the stream gained since the last read, and puts it in the shared directory. */
  refresh(): Promise<Directory> {
    this.refreshing ??= this.readNew().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async readNew(): Promise<Directory> {
    let events: RecordedEvent[];
    try {
      const fromRevision = this.revision === null ? 0n : this.revision + 1n;
      events = await this.store.readStream(DIRECTORY_STREAM, { fromRevision });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return this.directory;
      throw error;
    }
    // Two reads may overlap (a command's and the follower's): fold only what this one has not seen.
    events = events.filter((e) => this.revision === null || e.revision > this.revision);
    if (events.length === 0) return this.directory;
    this.content = events.reduce((d, e) => evolveDirectory(d, toDomain(e)), this.content);
    const last = events[events.length - 1];
    this.revision = last.revision;
    this.lastHash = String(last.metadata.hash);
    this.directory.replace(this.content as DirectoryData);
    return this.directory;
  }

  /** The directory as it was at `asOf` (by the events' time). */
  async asOf(asOf: Date): Promise<Directory> {
    const loaded = await this.repository.load(DIRECTORY_STREAM);
    // The seed stands for the directory as it always was: an instant before it reads the seed too.
    const seed = loaded.events[0]?.metadata.correlationId;
    const content = loaded.events
      .filter((e) => e.metadata.correlationId === seed || Date.parse(String(e.metadata.occurredAt)) <= asOf.getTime())
      .reduce((d, e) => evolveDirectory(d, toDomain(e)), EMPTY_DIRECTORY);
    return new Directory(content as DirectoryData);
  }

  /** An administrator's change: decided against the directory as it is, appended, then in force here at once. */
  async execute(command: DirectoryCommand, actor: Actor): Promise<{ revision: number; position: number }> {
    for (let attempt = 0; ; attempt++) {
      await this.readNew();
      const events = decideDirectory(this.content, command);
      try {
        const result = await this.append({ revision: this.revision, lastHash: this.lastHash ?? '' }, events, actor);
        await this.readNew();
        return { revision: Number(result.nextRevision), position: Number(result.position) };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= 5) throw error;
      }
    }
  }

  private append(loaded: { revision: bigint | null; lastHash: string }, events: DirectoryEvent[], actor: Actor) {
    return this.repository.append(DIRECTORY_STREAM, loaded, events, directContext(actor, this.clock));
  }
}
