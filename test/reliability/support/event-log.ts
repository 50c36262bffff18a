import Database from 'better-sqlite3';
import { join } from 'node:path';
import { canonicalJson } from '@app/event-store';
import {
  channelsOwed,
  decide,
  deliveryClosed,
  evolve,
  RECOMMENDATION_STREAM_PREFIX,
  upcast,
  type Actor,
  type RecommendationCommand,
  type RecommendationEvent,
  type RecommendationState,
} from '@app/recommendations';

/** One row of the `events` table, with data and metadata parsed. */
export interface LoggedEvent {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export const eventsFile = (dataDir: string) => join(dataDir, 'events.sqlite');

/**
 * Reads the whole log straight from the store's file, read-only, in position order: what is on
 * disk is the truth after a crash, whatever any process believed it had written.
 */
export function readLog(dataDir: string): LoggedEvent[] {
  const db = new Database(eventsFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT position, stream, revision, id, type, data, metadata FROM events ORDER BY position')
      .all() as Array<Omit<LoggedEvent, 'data' | 'metadata'> & { data: string; metadata: string }>;
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) }));
  } finally {
    db.close();
  }
}

/** Highest committed position of the log file (0 when empty); cheap enough to poll. */
export function headPositionOf(db: Database.Database): number {
  return (db.prepare('SELECT max(position) AS p FROM events').get() as { p: number | null }).p ?? 0;
}

export const isRecommendation = (e: LoggedEvent) => e.stream.startsWith(RECOMMENDATION_STREAM_PREFIX);
export const recommendationIdOf = (e: LoggedEvent) => e.stream.slice(RECOMMENDATION_STREAM_PREFIX.length);

export function byStream(events: LoggedEvent[]): Map<string, LoggedEvent[]> {
  const streams = new Map<string, LoggedEvent[]>();
  for (const e of events) {
    const list = streams.get(e.stream) ?? [];
    list.push(e);
    streams.set(e.stream, list);
  }
  for (const list of streams.values()) list.sort((a, b) => a.revision - b.revision);
  return streams;
}

/**
 * "Nothing happens twice", structurally: event ids unique, every stream's revisions exactly
 * 0..n, positions unique and increasing with revision inside a stream, no reminder recorded twice
 * for one assignment, lead and due date, no escalation level twice for one due date, and no user
 * request (causationId) or Idempotency-Key behind two events of an item. Returns what is wrong.
 */
export function structuralProblems(events: LoggedEvent[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, LoggedEvent>();
  const positions = new Set<number>();
  for (const e of events) {
    const seen = ids.get(e.id);
    if (seen) problems.push(`event id ${e.id} twice: ${seen.stream}@${seen.revision} and ${e.stream}@${e.revision}`);
    ids.set(e.id, e);
    if (positions.has(e.position)) problems.push(`position ${e.position} twice`);
    positions.add(e.position);
  }
  for (const [stream, list] of byStream(events)) {
    list.forEach((e, i) => {
      if (e.revision !== i) problems.push(`${stream}: revision ${e.revision} found where ${i} was expected (gap or duplicate)`);
      if (i > 0 && e.position <= list[i - 1].position)
        problems.push(`${stream}: position goes backwards at revision ${e.revision}`);
    });
  }
  const once = (what: string, key: (e: LoggedEvent) => string | null) => {
    const seen = new Map<string, LoggedEvent>();
    for (const e of events) {
      const k = key(e);
      if (k === null) continue;
      const first = seen.get(k);
      if (first) problems.push(`${what} twice: ${k} at ${first.stream}@${first.revision} and @${e.revision}`);
      else seen.set(k, e);
    }
  };
  once('ReminderSent', (e) =>
    e.type === 'ReminderSent'
      ? `${e.stream} assignment ${String(e.data.assignmentNo)} lead ${String(e.data.lead)} due ${Date.parse(String(e.data.dueAt))}`
      : null,
  );
  once('DeadlineEscalated', (e) =>
    e.type === 'DeadlineEscalated'
      ? `${e.stream} assignment ${String(e.data.assignmentNo)} level ${String(e.data.level)} due ${Date.parse(String(e.data.dueAt))}`
      : null,
  );
  const byUser = (e: LoggedEvent) => isRecommendation(e) && (e.metadata.actor as Actor | undefined)?.role !== 'system';
  once('one request (causationId)', (e) => (byUser(e) ? `causation ${String(e.metadata.causationId)}` : null));
  once('one Idempotency-Key', (e) =>
    byUser(e) && e.metadata.idempotencyKey !== undefined
      ? `key ${String(e.metadata.idempotencyKey)} of ${String((e.metadata.actor as Actor).sub)}`
      : null,
  );
  return problems;
}

/**
 * The command that must have produced a recorded event: same actor (from the metadata), same
 * time, same content. Replaying it on the state folded so far must give back exactly that event.
 */
export function commandBehind(
  id: string,
  recorded: RecommendationEvent,
  metadata: Record<string, unknown>,
  companions: readonly RecommendationEvent[] = [],
): RecommendationCommand {
  const base = { recommendationId: id, actor: metadata.actor as Actor, now: String(metadata.occurredAt) };
  const session = companions.find((c) => c.type === 'RaisedInSession');
  const documents = companions.find((c) => c.type === 'DocumentsAttached');
  const coordination = companions.find((c) => c.type === 'CoordinationRequested');
  const attachments = documents?.data.attachments ?? [];
  const coordinating = (coordination?.data.coordinating ?? []).map((c) => ({
    department: c.department,
    due: { dueAt: c.dueAt, basis: c.dueBasis },
  }));
  switch (recorded.type) {
    case 'RecommendationRaised': {
      const d = recorded.data;
      return {
        ...base,
        type: 'RaiseRecommendation',
        commune: d.commune,
        title: d.title,
        description: d.description,
        category: d.category,
        workingGroup: d.workingGroup,
        sessionDate: d.sessionDate,
        // The event keeps the session's id, group and date; the commune raised in it took part.
        session: session
          ? {
              id: session.data.sessionId,
              workingGroup: session.data.workingGroup,
              date: session.data.sessionDate,
              communes: [d.commune],
            }
          : null,
        attachments,
      };
    }
    case 'RecommendationAccepted':
      return { ...base, type: 'AcceptRecommendation', note: recorded.data.note };
    case 'RecommendationDeclined':
      return { ...base, type: 'DeclineRecommendation', reason: recorded.data.reason };
    case 'RecommendationAssigned': {
      const d = recorded.data;
      return {
        ...base,
        type: 'AssignRecommendation',
        department: d.department,
        due: { dueAt: d.dueAt, basis: d.dueBasis },
        instructions: d.instructions,
        coordinating,
      };
    }
    case 'AssignmentAcknowledged':
      return { ...base, type: 'AcknowledgeAssignment' };
    case 'ProgressReported':
      return { ...base, type: 'ReportProgress', note: recorded.data.note, attachments };
    case 'ExtensionRequested':
      return { ...base, type: 'RequestExtension', requestedDueAt: recorded.data.requestedDueAt, reason: recorded.data.reason };
    case 'DeadlineExtended':
      return {
        ...base,
        type: 'ExtendDeadline',
        due: { dueAt: recorded.data.dueAt, basis: recorded.data.dueBasis },
        reason: recorded.data.reason,
      };
    case 'AssignmentReturned':
      return { ...base, type: 'ReturnAssignment', reason: recorded.data.reason };
    case 'RecommendationResolved':
      return {
        ...base,
        type: 'ResolveRecommendation',
        resolution: recorded.data.resolution,
        attachments,
        document: documents?.data.document ?? null,
      };
    case 'RecommendationReopened': {
      const d = recorded.data;
      return {
        ...base,
        type: 'ReopenRecommendation',
        reason: d.reason,
        due: { dueAt: d.dueAt, basis: d.dueBasis },
        department: d.department,
        coordinating,
      };
    }
    case 'ReminderSent': {
      const d = recorded.data;
      return { ...base, type: 'SendReminder', assignmentNo: d.assignmentNo, lead: d.lead, dueAt: d.dueAt, channels: d.channels };
    }
    case 'DeadlineEscalated': {
      const d = recorded.data;
      return {
        ...base,
        type: 'EscalateDeadline',
        assignmentNo: d.assignmentNo,
        level: d.level,
        dueAt: d.dueAt,
        channels: d.channels,
      };
    }
    case 'NotificationDelivered': {
      const d = recorded.data;
      return {
        ...base,
        type: 'RecordNotificationDelivery',
        assignmentNo: d.assignmentNo,
        channel: d.channel,
        notice: d.notice,
        noticeId: d.noticeId,
        department: d.department,
      };
    }
    case 'NotificationFailed': {
      const d = recorded.data;
      return {
        ...base,
        type: 'RecordNotificationFailure',
        assignmentNo: d.assignmentNo,
        channel: d.channel,
        notice: d.notice,
        error: d.error,
        department: d.department,
      };
    }
    case 'AssignmentTransferred': {
      const d = recorded.data;
      return {
        ...base,
        type: 'TransferAssignment',
        fromDepartment: d.fromDepartment,
        toDepartment: d.department,
        reason: d.reason,
        mergerId: d.mergerId,
      };
    }
    case 'CoordinationTransferred': {
      const d = recorded.data;
      return {
        ...base,
        type: 'TransferAssignment',
        fromDepartment: d.fromDepartment,
        toDepartment: d.department,
        reason: d.reason,
        mergerId: d.mergerId,
      };
    }
    case 'ContributionMade':
      return { ...base, type: 'MakeContribution', note: recorded.data.note, attachments: recorded.data.attachments };
    case 'ExplanationRequested': {
      const d = recorded.data;
      return { ...base, type: 'RequestExplanation', reason: d.reason, due: { dueAt: d.dueAt, basis: d.dueBasis } };
    }
    case 'ExplanationGiven':
      return { ...base, type: 'GiveExplanation', text: recorded.data.text, attachments: recorded.data.attachments };
    case 'CoordinationReminderSent': {
      const d = recorded.data;
      return {
        ...base,
        type: 'SendCoordinationReminder',
        assignmentNo: d.assignmentNo,
        department: d.department,
        lead: d.lead,
        dueAt: d.dueAt,
        channels: d.channels,
      };
    }
    case 'CoordinationEscalated': {
      const d = recorded.data;
      return {
        ...base,
        type: 'EscalateCoordination',
        assignmentNo: d.assignmentNo,
        department: d.department,
        level: d.level,
        dueAt: d.dueAt,
        channels: d.channels,
      };
    }
    case 'ExplanationReminderSent': {
      const d = recorded.data;
      return {
        ...base,
        type: 'SendExplanationReminder',
        explanationNo: d.explanationNo,
        lead: d.lead,
        dueAt: d.dueAt,
        channels: d.channels,
      };
    }
    case 'RaisedInSession':
    case 'DocumentsAttached':
    case 'CoordinationRequested':
      throw new Error(`${recorded.type} is appended with the event before it, never on its own`);
    default: {
      const unhandled: never = recorded;
      return unhandled;
    }
  }
}

/** Events a command appends right after its own one, in the same append (see decide). */
const COMPANION_TYPES: ReadonlySet<string> = new Set(['RaisedInSession', 'DocumentsAttached', 'CoordinationRequested']);

/**
 * "The log is a valid history": each recommendation stream, replayed event by event through the
 * domain's own `decide` (the command rebuilt from the event, its companions and the actor in its
 * metadata), is accepted at every step and yields exactly the recorded events. A second resolve, an assignment
 * of a resolved item or a reminder recorded twice would be refused here. Returns what is wrong.
 */
export function replayProblems(events: LoggedEvent[]): string[] {
  const problems: string[] = [];
  for (const [stream, list] of byStream(events.filter(isRecommendation))) {
    const id = stream.slice(RECOMMENDATION_STREAM_PREFIX.length);
    let state: RecommendationState = { status: 'none' };
    for (let i = 0; i < list.length;) {
      const e = list[i];
      // A command's events: its own, then the companions appended with it.
      let end = i + 1;
      while (end < list.length && COMPANION_TYPES.has(list[end].type)) end += 1;
      const group = list.slice(i, end).map((x) => upcast(x.type, x.data, x.metadata.schemaVersion));
      const [recorded, ...companions] = group;
      try {
        const produced = decide(commandBehind(id, recorded, e.metadata, companions), state);
        if (canonicalJson(produced) !== canonicalJson(group)) {
          problems.push(`${stream}@${e.revision} ${e.type}: decide gave ${canonicalJson(produced)} instead`);
        }
      } catch (error) {
        problems.push(
          `${stream}@${e.revision} ${e.type} is not allowed after [${list
            .slice(0, e.revision)
            .map((x) => x.type)
            .join(', ')}] (status ${state.status}): ${(error as Error).message}`,
        );
      }
      state = group.reduce(evolve, state);
      i = end;
    }
  }
  return problems;
}

/**
 * "Each delivery ends in exactly one recorded outcome", for a log at rest: every channel of every
 * notice stored since outcomes are recorded has exactly one NotificationDelivered or
 * NotificationFailed, and every outcome answers a notice of its own item. Returns what is wrong.
 */
export function outcomeProblems(events: LoggedEvent[]): string[] {
  const recommendations = events.filter(isRecommendation);
  const logged = recommendations.map((e) => ({
    stored: e,
    logged: {
      id: e.id,
      event: upcast(e.type, e.data, e.metadata.schemaVersion),
      schemaVersion: e.metadata.schemaVersion,
      causationId: e.metadata.causationId,
    },
  }));
  const notices = new Map(logged.map(({ stored }) => [stored.id, stored]));
  const outcomes = new Map<string, number>();
  const problems: string[] = [];
  for (const { stored, logged: l } of logged) {
    const closed = deliveryClosed(l);
    if (!closed) continue;
    const key = `${closed.noticeId} ${closed.channel}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (notices.get(closed.noticeId)?.stream !== stored.stream)
      problems.push(`${stored.type} ${stored.id} (${stored.stream}) answers ${closed.noticeId}, no notice of that item`);
  }
  for (const [key, count] of outcomes) if (count > 1) problems.push(`delivery ${key} has ${count} outcomes`);
  for (const { stored, logged: l } of logged) {
    for (const channel of channelsOwed(l)) {
      if (!outcomes.has(`${stored.id} ${channel}`))
        problems.push(`${stored.type} ${stored.id} (${stored.stream}) has no outcome for ${channel}`);
    }
  }
  return problems;
}

/** The state of each recommendation after its whole stream. */
export function foldedStates(events: LoggedEvent[]): Map<string, RecommendationState> {
  const states = new Map<string, RecommendationState>();
  for (const [stream, list] of byStream(events.filter(isRecommendation))) {
    states.set(
      stream.slice(RECOMMENDATION_STREAM_PREFIX.length),
      list.reduce<RecommendationState>((s, e) => evolve(s, upcast(e.type, e.data, e.metadata.schemaVersion)), { status: 'none' }),
    );
  }
  return states;
}

/** `n` problems shown, then how many more: keeps a failure message readable. */
export function firstOf(problems: string[], n = 15): string[] {
  return problems.length <= n ? problems : [...problems.slice(0, n), `… and ${problems.length - n} more`];
}
