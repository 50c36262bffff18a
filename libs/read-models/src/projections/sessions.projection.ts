import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';
import { WORKING_SESSION_STREAM_PREFIX, type WorkingSessionEvent } from '@app/recommendations';
import type { Projection } from './projection';

/**
 * One row per recorded working session (from its own `session-<id>` stream), for the sessions
 * list; the items raised at each carry its id in `recommendations.session_id`. A session is
 * recorded once and never changes, so applying its event twice changes nothing.
 */
export class SessionsProjection implements Projection {
  readonly name = 'sessions';
  readonly version = 1;
  private insert!: Database.Statement<unknown[]>;

  prepare(db: Database.Database): void {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO sessions (id, working_group, date, communes, place, leader, minutes_ref, recorded_at, position)
       VALUES (@id, @workingGroup, @date, @communes, @place, @leader, @minutesRef, @recordedAt, @position)`,
    );
  }

  apply(recorded: RecordedEvent): void {
    if (!recorded.stream.startsWith(WORKING_SESSION_STREAM_PREFIX)) return;
    const event = { type: recorded.type, data: recorded.data } as unknown as WorkingSessionEvent;
    switch (event.type) {
      case 'WorkingSessionRecorded': {
        const d = event.data;
        this.insert.run({
          id: recorded.stream.slice(WORKING_SESSION_STREAM_PREFIX.length),
          workingGroup: d.workingGroup,
          date: d.date,
          communes: JSON.stringify(d.communes),
          place: d.place,
          leader: d.leader,
          minutesRef: d.minutesRef,
          recordedAt: d.recordedAt,
          position: Number(recorded.position),
        });
        return;
      }
      default:
        // A later kind of session event: nothing of it is listed yet.
        return;
    }
  }
}
