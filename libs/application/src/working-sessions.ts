import { randomUUID } from 'node:crypto';
import type { Clock, Directory } from '@app/common';
import {
  ConcurrencyError,
  deterministicUuid,
  EventStreamRepository,
  type EventStore,
  type RecordedEvent,
} from '@app/event-store';
import {
  CURRENT_SCHEMA_VERSION,
  decideWorkingSession,
  evolveWorkingSession,
  SessionErrorCodes,
  workingSessionStream,
  type Actor,
  type SessionRef,
  type WorkingSessionEvent,
  type WorkingSessionState,
} from '@app/recommendations';
import { ApplicationError } from './application.errors';
import { assertKnownSessionCodes } from './directory-codes';
import { directContext } from './direct-context';
import type { DirectoryLog } from './directory-log';
import { isUuid } from './ids';

/** What a person gives to record a working session. */
export interface WorkingSessionInput {
  workingGroup: number;
  date: string;
  communes: string[];
  place?: string | null;
  leader?: string | null;
  minutesRef?: string | null;
}

/**
 * Working sessions: recorded through the domain's decider in their own streams, and read back
 * (always current, from the stream) when a recommendation is raised at one.
 */
export class WorkingSessions {
  private readonly repository: EventStreamRepository;

  constructor(
    store: EventStore,
    private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly directoryLog?: DirectoryLog,
  ) {
    this.repository = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  }

  /** Records a session; with `idSeed` (an Idempotency-Key) a retry records nothing twice and answers the same id. */
  async record(
    input: WorkingSessionInput,
    actor: Actor,
    options: { idSeed?: string; now?: Date } = {},
  ): Promise<{ id: string; position: string }> {
    const sessionId = options.idSeed ? deterministicUuid(`${options.idSeed}:session`) : randomUUID();
    if (this.directoryLog) await this.directoryLog.refresh();
    assertKnownSessionCodes(input, this.directory);
    const stream = workingSessionStream(sessionId);
    const loaded = await this.repository.load(stream);
    if (options.idSeed && loaded.revision !== null) return { id: sessionId, position: String(loaded.events[0].position) };
    const now = options.now ?? this.clock.now();
    const events = decideWorkingSession(
      {
        type: 'RecordWorkingSession',
        sessionId,
        actor,
        now: now.toISOString(),
        workingGroup: input.workingGroup,
        date: input.date,
        communes: input.communes,
        place: input.place ?? null,
        leader: input.leader ?? null,
        minutesRef: input.minutesRef ?? null,
      },
      fold(loaded.events),
    );
    try {
      const result = await this.repository.append(stream, loaded, events, directContext(actor, this.clock), options.idSeed);
      return { id: sessionId, position: String(result.position) };
    } catch (error) {
      if (error instanceof ConcurrencyError && options.idSeed) return this.record(input, actor, options);
      throw error;
    }
  }

  /** The session as recorded; null when there is none with this id. */
  async get(id: string): Promise<Extract<WorkingSessionState, { status: 'recorded' }> | null> {
    if (!isUuid(id)) return null;
    const loaded = await this.repository.load(workingSessionStream(id.toLowerCase()));
    const state = fold(loaded.events);
    return state.status === 'recorded' ? state : null;
  }

  /** What a raise at session `id` needs; 400 SESSION.NOT_FOUND when there is none. */
  async ref(id: string): Promise<SessionRef> {
    const session = await this.get(id);
    if (!session) throw new ApplicationError(SessionErrorCodes.notFound, 'invalid', 'no working session has this id');
    return { id: session.id, workingGroup: session.workingGroup, date: session.date, communes: session.communes };
  }
}

/** The session's state from its stored events (their shape never changed: no upcasting). */
function fold(stored: readonly RecordedEvent[]): WorkingSessionState {
  const events = stored.map((e) => ({ type: e.type, data: e.data }) as unknown as WorkingSessionEvent);
  return events.reduce<WorkingSessionState>(evolveWorkingSession, { status: 'none' });
}
