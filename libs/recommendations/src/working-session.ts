import type { Actor } from './actor';
import { DomainError } from './errors';
import type { AttachmentRef } from './events';

/**
 * Working sessions (buổi làm việc) as records, each in its own stream `session-<id>`: the working
 * group that met, the date, the communes that took part, where and with whom. Recommendations
 * raised at a session cite it; it is what the secretariat types the minutes from.
 */
export const workingSessionStream = (id: string) => `session-${id}`;
export const WORKING_SESSION_STREAM_PREFIX = 'session-';

export interface WorkingSessionRecorded {
  type: 'WorkingSessionRecorded';
  data: {
    sessionId: string;
    workingGroup: number;
    /** The day it met, YYYY-MM-DD in the province. */
    date: string;
    communes: string[];
    place: string | null;
    leader: string | null;
    /** Where the minutes are filed (a document number or reference). */
    minutesRef: string | null;
    recordedAt: string;
    recordedBy: string;
  };
}

export type WorkingSessionEvent = WorkingSessionRecorded;

export interface RecordWorkingSession {
  type: 'RecordWorkingSession';
  sessionId: string;
  actor: Actor;
  now: string;
  workingGroup: number;
  date: string;
  communes: string[];
  place: string | null;
  leader: string | null;
  minutesRef: string | null;
}

export type WorkingSessionState =
  { status: 'none' } | ({ status: 'recorded' } & Omit<WorkingSessionRecorded['data'], 'sessionId'> & { id: string });

export const SessionErrorCodes = {
  roleNotAllowed: 'AUTH.ROLE_NOT_ALLOWED',
  alreadyExists: 'SESSION.ALREADY_EXISTS',
  noCommunes: 'SESSION.NO_COMMUNES',
  duplicateCommune: 'SESSION.DUPLICATE_COMMUNE',
  invalidDate: 'SESSION.INVALID_DATE',
  notFound: 'SESSION.NOT_FOUND',
} as const;

/** At most this many communes at one session (a working group covers a handful). */
export const MAX_SESSION_COMMUNES = 50;

export function decideWorkingSession(command: RecordWorkingSession, state: WorkingSessionState): WorkingSessionEvent[] {
  if (command.actor.role !== 'secretariat') {
    throw new DomainError(
      SessionErrorCodes.roleNotAllowed,
      'forbidden',
      `role ${command.actor.role} may not record a working session`,
    );
  }
  if (state.status !== 'none') {
    throw new DomainError(SessionErrorCodes.alreadyExists, 'conflict', `working session ${command.sessionId} already exists`);
  }
  sessionMustHaveCommunes(command.communes);
  sessionDateMustBeReal(command.date, command.now);
  return [
    {
      type: 'WorkingSessionRecorded',
      data: {
        sessionId: command.sessionId,
        workingGroup: command.workingGroup,
        date: command.date,
        communes: [...command.communes],
        place: command.place,
        leader: command.leader,
        minutesRef: command.minutesRef,
        recordedAt: command.now,
        recordedBy: command.actor.sub,
      },
    },
  ];
}

export function evolveWorkingSession(state: WorkingSessionState, event: WorkingSessionEvent): WorkingSessionState {
  switch (event.type) {
    case 'WorkingSessionRecorded': {
      const { sessionId, ...rest } = event.data;
      return { status: 'recorded', id: sessionId, ...rest };
    }
    default:
      return state;
  }
}

/** A session is held with at least one commune, each named once. */
export function sessionMustHaveCommunes(communes: readonly string[]): void {
  if (communes.length === 0)
    throw new DomainError(SessionErrorCodes.noCommunes, 'invalid', 'a working session has at least one commune');
  if (communes.length > MAX_SESSION_COMMUNES)
    throw new DomainError(SessionErrorCodes.noCommunes, 'invalid', `at most ${MAX_SESSION_COMMUNES} communes at one session`);
  if (new Set(communes).size !== communes.length)
    throw new DomainError(SessionErrorCodes.duplicateCommune, 'invalid', 'each commune is named once');
}

/** A session's date is a calendar day, and a session being recorded has not yet to happen beyond a year ahead. */
export function sessionDateMustBeReal(date: string, now: string): void {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : null;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new DomainError(SessionErrorCodes.invalidDate, 'invalid', `session date ${date} is not a calendar day (YYYY-MM-DD)`);
  }
  if (parsed.getTime() > new Date(now).getTime() + 366 * 86_400_000) {
    throw new DomainError(SessionErrorCodes.invalidDate, 'invalid', `session date ${date} is more than a year ahead`);
  }
}

/**
 * Uploaded files, each in its own stream `attachment-<id>`: the name it came with, its size, the
 * content type found from its bytes, and its sha256 — the name of the stored file, which
 * `/audit/verify` hashes again.
 */
export const attachmentStream = (id: string) => `attachment-${id}`;
export const ATTACHMENT_STREAM_PREFIX = 'attachment-';

export interface AttachmentUploaded {
  type: 'AttachmentUploaded';
  data: AttachmentRef & { uploadedBy: string; uploadedAt: string };
}

export const AttachmentErrorCodes = {
  unknown: 'ATTACHMENT.UNKNOWN',
  notYours: 'ATTACHMENT.NOT_YOURS',
  tooMany: 'ATTACHMENT.TOO_MANY',
  citedTwice: 'ATTACHMENT.CITED_TWICE',
} as const;

/** At most this many files with one event. */
export const MAX_ATTACHMENTS_PER_EVENT = 20;

/** A file is cited first by whoever uploaded it: nobody gains access to a file by citing another's id. */
export function attachmentCitedByItsUploader(uploadedBy: string, actor: Actor, id: string): void {
  if (uploadedBy !== actor.sub) {
    throw new DomainError(AttachmentErrorCodes.notYours, 'invalid', `attachment ${id} was uploaded by someone else`);
  }
}
