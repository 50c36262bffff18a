/**
 * Test data builders for the recommendation domain. Histories are written as the events that were
 * stored, by hand and not through `decide`, so that a spec of `decide` never gets its "given" from
 * the code under test.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../actor';
import type { CommandOf, Due, RecommendationCommand, RecommendationCommandType, SessionRef } from '../commands';
import { DomainError, type DomainErrorKind } from '../errors';
import type { AttachmentRef, DueDateBasis, OfficialDocument, RecommendationEvent } from '../events';
import { fold } from '../evolve';
import type { RecommendationState } from '../state';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** 09:00 in the province on 4 August 2025, when Working Group No. 1 met Tam Thanh ward. */
export const SESSION_AT = '2025-08-04T02:00:00.000Z';
/** When commands are decided unless a spec says otherwise: after any history a builder writes by default. */
export const NOW = '2025-08-06T02:00:00.000Z';
/** "No later than September 2025": 17:00 in the province on 30 September. */
export const DUE_AT = '2025-09-30T10:00:00.000Z';
/** Where extensions and reopenings move the due date by default: later than DUE_AT. */
export const LATER_DUE_AT = '2025-10-31T10:00:00.000Z';
/** A coordinating department's part: due a fortnight before the lead's answer. */
export const COORDINATION_DUE_AT = '2025-09-16T10:00:00.000Z';
export const RECOMMENDATION_ID = 'rec-tam-thanh-headquarters';

export function plus(iso: string, ms: number): string {
  return new Date(new Date(iso).getTime() + ms).toISOString();
}

export function explicitDue(dueAt: string): Due {
  return { dueAt, basis: { method: 'explicit' } };
}

// Actors, with codes from config/directory.json.

export const secretariat = (): Actor => ({ sub: 'secretariat-clerk', name: 'Secretariat clerk', role: 'secretariat' });
export const committee = (): Actor => ({ sub: 'committee-member', name: 'Standing committee member', role: 'committee' });
export const department = (code: string): Actor => ({
  sub: `${code}-officer`,
  name: `Officer of ${code}`,
  role: 'department',
  department: code,
});
export const commune = (code: string): Actor => ({
  sub: `${code}-clerk`,
  name: `Clerk of ${code}`,
  role: 'commune',
  commune: code,
});
export const auditor = (): Actor => ({ sub: 'inspector', name: 'Inspection committee', role: 'auditor' });
export const system = (): Actor => ({ sub: 'system', name: 'Follow-up Tracker', role: 'system' });

// Files, letters and sessions.

/** A stored PDF as events cite it; its sha256 is that of its id, so that each file has its own. */
export function anAttachment(id: string, name = `${id}.pdf`): AttachmentRef {
  return { id, name, contentType: 'application/pdf', size: 48_213, sha256: createHash('sha256').update(id).digest('hex') };
}

/** The official letter that answers: "Công văn số 1234/SNV-TCBC" of 25 September 2025. */
export const LETTER: OfficialDocument = { number: '1234/SNV-TCBC', date: '2025-09-25' };

/** Working Group No. 1's session on 4 August 2025 with its four communes. */
export function aSession(fields: Partial<SessionRef> = {}): SessionRef {
  return {
    id: 'session-wg1-2025-08-04',
    workingGroup: 1,
    date: '2025-08-04',
    communes: ['dong-kinh', 'ky-lua', 'tam-thanh', 'luong-van-tri'],
    ...fields,
  };
}

// Histories.

interface Current {
  assignmentNo: number;
  department: string;
  dueAt: string;
}

/** Each step appends the event that step stored; timestamps advance by an hour from SESSION_AT unless `at` is given. */
export class RecommendationBuilder {
  private readonly events: RecommendationEvent[] = [];
  private clock = SESSION_AT;
  private assignmentCount = 0;
  private current: Current | null = null;
  private lastDepartment: string | null = null;
  private explanation: { explanationNo: number; dueAt: string; assignmentNo: number } | null = null;

  constructor(private readonly id: string) {}

  raisedBy(actor: Actor, details: { commune?: string; title?: string; category?: string; at?: string } = {}): this {
    if (this.events.length > 0) throw new Error('raisedBy() must come first');
    this.events.push({
      type: 'RecommendationRaised',
      data: {
        recommendationId: this.id,
        commune: details.commune ?? actor.commune ?? 'tam-thanh',
        workingGroup: 1,
        sessionDate: '2025-08-04',
        title: details.title ?? 'Invest in a centralized headquarters for Tam Thanh ward',
        description: 'The ward works from headquarters scattered over several locations.',
        category: details.category ?? 'headquarters',
        raisedAt: this.tick(details.at),
        raisedBy: actor.sub,
      },
    });
    return this;
  }

  accepted(options: { note?: string | null; at?: string } = {}): this {
    this.started();
    return this.push({ type: 'RecommendationAccepted', data: { note: options.note ?? null, acceptedAt: this.tick(options.at) } });
  }

  declined(options: { reason?: string; at?: string } = {}): this {
    this.started();
    const reason = options.reason ?? 'Already covered by the provincial staffing plan';
    return this.push({ type: 'RecommendationDeclined', data: { reason, declinedAt: this.tick(options.at) } });
  }

  assignedTo(
    code: string,
    options: { dueAt?: string; dueBasis?: DueDateBasis; instructions?: string | null; at?: string } = {},
  ): this {
    this.started();
    this.assignmentCount += 1;
    this.current = { assignmentNo: this.assignmentCount, department: code, dueAt: options.dueAt ?? DUE_AT };
    this.lastDepartment = code;
    return this.push({
      type: 'RecommendationAssigned',
      data: {
        ...this.current,
        dueBasis: options.dueBasis ?? { method: 'explicit' },
        instructions: options.instructions ?? null,
        assignedAt: this.tick(options.at),
      },
    });
  }

  acknowledged(options: { at?: string } = {}): this {
    const { assignmentNo, department } = this.assignment('acknowledged');
    return this.push({
      type: 'AssignmentAcknowledged',
      data: { assignmentNo, department, acknowledgedAt: this.tick(options.at) },
    });
  }

  progressReported(options: { note?: string; at?: string } = {}): this {
    const { assignmentNo, department } = this.assignment('progressReported');
    const note = options.note ?? 'Site survey for the new headquarters done';
    return this.push({ type: 'ProgressReported', data: { assignmentNo, department, note, reportedAt: this.tick(options.at) } });
  }

  extensionRequested(options: { requestedDueAt?: string; reason?: string; at?: string } = {}): this {
    const { assignmentNo, department } = this.assignment('extensionRequested');
    return this.push({
      type: 'ExtensionRequested',
      data: {
        assignmentNo,
        department,
        requestedDueAt: options.requestedDueAt ?? LATER_DUE_AT,
        reason: options.reason ?? 'Waiting for the land survey',
        requestedAt: this.tick(options.at),
      },
    });
  }

  extended(options: { dueAt?: string; reason?: string; at?: string } = {}): this {
    const current = this.assignment('extended');
    const previousDueAt = current.dueAt;
    current.dueAt = options.dueAt ?? LATER_DUE_AT;
    return this.push({
      type: 'DeadlineExtended',
      data: {
        assignmentNo: current.assignmentNo,
        previousDueAt,
        dueAt: current.dueAt,
        dueBasis: { method: 'explicit' },
        reason: options.reason ?? 'Land survey pending',
        extendedAt: this.tick(options.at),
      },
    });
  }

  returned(options: { reason?: string; at?: string } = {}): this {
    const { assignmentNo, department } = this.assignment('returned');
    this.current = null;
    const reason = options.reason ?? 'Outside our competence';
    return this.push({
      type: 'AssignmentReturned',
      data: { assignmentNo, department, reason, returnedAt: this.tick(options.at) },
    });
  }

  /** By the assigned department when assigned, else answered on the spot by the secretariat. */
  resolved(options: { resolution?: string; by?: Actor; at?: string } = {}): this {
    this.started();
    const resolvedAt = this.tick(options.at);
    const current = this.current;
    this.current = null;
    const by = options.by ?? (current ? department(current.department) : secretariat());
    return this.push({
      type: 'RecommendationResolved',
      data: {
        resolution: options.resolution ?? 'Headquarters included in the 2026 investment plan',
        resolvedAt,
        resolvedBy: by.sub,
        department: current?.department ?? null,
        assignmentNo: current?.assignmentNo ?? null,
        dueAt: current?.dueAt ?? null,
        onTime: current ? new Date(resolvedAt).getTime() <= new Date(current.dueAt).getTime() : true,
      },
    });
  }

  /** To `department`, or else to the last department that held the item. */
  reopened(options: { dueAt?: string; department?: string; reason?: string; at?: string } = {}): this {
    const code = options.department ?? this.lastDepartment;
    if (!code) throw new Error('reopened() needs a department: the item was never assigned');
    this.assignmentCount += 1;
    this.current = { assignmentNo: this.assignmentCount, department: code, dueAt: options.dueAt ?? LATER_DUE_AT };
    this.lastDepartment = code;
    return this.push({
      type: 'RecommendationReopened',
      data: {
        reason: options.reason ?? 'The response gives no construction date',
        ...this.current,
        dueBasis: { method: 'explicit' },
        reopenedAt: this.tick(options.at),
      },
    });
  }

  reminded(options: { lead?: string; channels?: string[]; at?: string } = {}): this {
    const { assignmentNo, department, dueAt } = this.assignment('reminded');
    const lead = options.lead ?? '3d';
    const channels = options.channels ?? ['webhook', 'email'];
    return this.push({
      type: 'ReminderSent',
      data: { assignmentNo, department, lead, dueAt, channels, sentAt: this.tick(options.at) },
    });
  }

  /** Not before the due date unless `at` says otherwise, since an escalation never comes earlier. */
  escalated(options: { level?: number; channels?: string[]; at?: string } = {}): this {
    const { assignmentNo, department, dueAt } = this.assignment('escalated');
    const escalatedAt = this.tick(options.at ?? (new Date(this.clock) > new Date(dueAt) ? this.clock : dueAt));
    const daysOverdue = Math.floor((new Date(escalatedAt).getTime() - new Date(dueAt).getTime()) / DAY);
    const channels = options.channels ?? ['webhook', 'email'];
    return this.push({
      type: 'DeadlineEscalated',
      data: { assignmentNo, department, level: options.level ?? 1, dueAt, daysOverdue, channels, escalatedAt },
    });
  }

  /** Coordinating departments of the current assignment, each due at COORDINATION_DUE_AT unless given. */
  coordinatedBy(codes: string[], options: { dueAt?: string; at?: string } = {}): this {
    const { assignmentNo } = this.assignment('coordinatedBy');
    const dueAt = options.dueAt ?? COORDINATION_DUE_AT;
    return this.push({
      type: 'CoordinationRequested',
      data: {
        assignmentNo,
        coordinating: codes.map((department) => ({ department, dueAt, dueBasis: { method: 'explicit' } })),
        requestedAt: this.tick(options.at),
      },
    });
  }

  contributed(code: string, options: { note?: string; attachments?: AttachmentRef[]; at?: string } = {}): this {
    const { assignmentNo } = this.assignment('contributed');
    const note = options.note ?? 'Our part is done';
    return this.push({
      type: 'ContributionMade',
      data: {
        assignmentNo,
        department: code,
        note,
        attachments: options.attachments ?? [],
        contributedAt: this.tick(options.at),
      },
    });
  }

  /** By the committee, after the due date unless `at` says otherwise; due at `dueAt` (default a week later). */
  explanationRequested(options: { dueAt?: string; at?: string; explanationNo?: number } = {}): this {
    const { assignmentNo, department, dueAt } = this.assignment('explanationRequested');
    const requestedAt = this.tick(options.at ?? (new Date(this.clock) > new Date(dueAt) ? this.clock : plus(dueAt, DAY)));
    this.explanation = {
      explanationNo: options.explanationNo ?? (this.explanation?.explanationNo ?? 0) + 1,
      dueAt: options.dueAt ?? plus(requestedAt, 7 * DAY),
      assignmentNo,
    };
    return this.push({
      type: 'ExplanationRequested',
      data: {
        explanationNo: this.explanation.explanationNo,
        assignmentNo,
        department,
        reason: 'Overdue by more than a week',
        dueAt: this.explanation.dueAt,
        dueBasis: { method: 'explicit' },
        requestedAt,
        requestedBy: committee().sub,
      },
    });
  }

  explained(
    code: string,
    options: { at?: string; explanationNo?: number; onTime?: boolean; attachments?: AttachmentRef[] } = {},
  ): this {
    this.started();
    const answeredAt = this.tick(options.at);
    const dueAt = this.explanation?.dueAt;
    return this.push({
      type: 'ExplanationGiven',
      data: {
        explanationNo: options.explanationNo ?? this.explanation?.explanationNo ?? 1,
        department: code,
        text: 'The land survey was delayed by the floods',
        attachments: options.attachments ?? [],
        answeredAt,
        onTime: options.onTime ?? (dueAt === undefined || new Date(answeredAt).getTime() <= new Date(dueAt).getTime()),
      },
    });
  }

  /** The item was raised at the recorded session `sessionId` (right after the raise). */
  inSession(sessionId: string, options: { workingGroup?: number; sessionDate?: string } = {}): this {
    this.started();
    return this.push({
      type: 'RaisedInSession',
      data: { sessionId, workingGroup: options.workingGroup ?? 1, sessionDate: options.sessionDate ?? '2025-08-04' },
    });
  }

  /** Files (and a letter) that came with the event just before, stamped with that event's time. */
  documentsAttached(
    to: 'raise' | 'progress' | 'resolution',
    attachments: AttachmentRef[],
    options: { document?: OfficialDocument | null; assignmentNo?: number | null } = {},
  ): this {
    this.started();
    const last = this.events[this.events.length - 1];
    const attachedAt = plus(this.clock, -HOUR);
    const cameWith = last.type === 'ProgressReported' || last.type === 'RecommendationResolved' ? last.data.assignmentNo : null;
    const assignmentNo = options.assignmentNo !== undefined ? options.assignmentNo : cameWith;
    return this.push({
      type: 'DocumentsAttached',
      data: { to, assignmentNo, attachments, document: options.document ?? null, attachedAt },
    });
  }

  /** A merger moved the current assignment's lead to `code`. */
  transferred(code: string, options: { mergerId?: string; at?: string } = {}): this {
    const current = this.assignment('transferred');
    const fromDepartment = current.department;
    current.department = code;
    this.lastDepartment = code;
    return this.push({
      type: 'AssignmentTransferred',
      data: {
        assignmentNo: current.assignmentNo,
        fromDepartment,
        department: code,
        reason: `${fromDepartment} merged into ${code}`,
        mergerId: options.mergerId ?? `merge-${fromDepartment}-into-${code}`,
        transferredAt: this.tick(options.at),
      },
    });
  }

  /** A merger moved a coordinating department's part of the current assignment from `from` to `to`. */
  coordinationTransferred(from: string, to: string, options: { mergerId?: string; at?: string } = {}): this {
    const { assignmentNo } = this.assignment('coordinationTransferred');
    return this.push({
      type: 'CoordinationTransferred',
      data: {
        assignmentNo,
        fromDepartment: from,
        department: to,
        reason: `${from} merged into ${to}`,
        mergerId: options.mergerId ?? `merge-${from}-into-${to}`,
        transferredAt: this.tick(options.at),
      },
    });
  }

  coordinationReminded(code: string, options: { lead?: string; dueAt?: string; channels?: string[]; at?: string } = {}): this {
    const { assignmentNo } = this.assignment('coordinationReminded');
    return this.push({
      type: 'CoordinationReminderSent',
      data: {
        assignmentNo,
        department: code,
        lead: options.lead ?? '3d',
        dueAt: options.dueAt ?? COORDINATION_DUE_AT,
        channels: options.channels ?? ['webhook'],
        sentAt: this.tick(options.at),
      },
    });
  }

  /** Not before the part's due date unless `at` says otherwise. */
  coordinationEscalated(code: string, options: { level?: number; dueAt?: string; channels?: string[]; at?: string } = {}): this {
    const { assignmentNo } = this.assignment('coordinationEscalated');
    const dueAt = options.dueAt ?? COORDINATION_DUE_AT;
    const escalatedAt = this.tick(options.at ?? (new Date(this.clock) > new Date(dueAt) ? this.clock : dueAt));
    return this.push({
      type: 'CoordinationEscalated',
      data: {
        assignmentNo,
        department: code,
        level: options.level ?? 1,
        dueAt,
        daysOverdue: Math.floor((new Date(escalatedAt).getTime() - new Date(dueAt).getTime()) / DAY),
        channels: options.channels ?? ['webhook'],
        escalatedAt,
      },
    });
  }

  /** A reminder of the explanation last requested, to the lead department. */
  explanationReminded(options: { lead?: string; channels?: string[]; at?: string } = {}): this {
    const explanation = this.explanation;
    if (!explanation) throw new Error('explanationReminded() needs an explanation requested');
    return this.push({
      type: 'ExplanationReminderSent',
      data: {
        assignmentNo: explanation.assignmentNo,
        explanationNo: explanation.explanationNo,
        department: this.lastDepartment ?? '',
        lead: options.lead ?? '1d',
        dueAt: explanation.dueAt,
        channels: options.channels ?? ['webhook'],
        sentAt: this.tick(options.at),
      },
    });
  }

  /** One channel of the notice stored with id `noticeId` reached the department of the current assignment. */
  delivered(noticeId: string, options: { channel?: string; notice?: string; at?: string } = {}): this {
    const { assignmentNo, department } = this.assignment('delivered');
    return this.push({
      type: 'NotificationDelivered',
      data: {
        assignmentNo,
        department,
        channel: options.channel ?? 'webhook',
        notice: options.notice ?? 'ReminderSent',
        noticeId,
        deliveredAt: this.tick(options.at),
      },
    });
  }

  /**
   * Ten events through most of the lifecycle, for logs that must look lived-in. `returned`:
   * assigned, acknowledged, progress, returned, reassigned to `other`, resolved, reopened, resolved.
   * `extended`: assigned, acknowledged, extension asked and granted, reminded, escalated, resolved, reopened.
   */
  travelled(
    path: 'returned' | 'extended',
    department: string,
    other: string,
    options: { instructions?: string | null } = {},
  ): this {
    const assigned = this.accepted().assignedTo(department, options).acknowledged();
    if (path === 'returned') return assigned.progressReported().returned().assignedTo(other).resolved().reopened().resolved();
    return assigned.extensionRequested().extended().reminded().escalated().resolved().reopened();
  }

  build(): RecommendationEvent[] {
    this.started();
    return [...this.events];
  }

  private push(event: RecommendationEvent): this {
    this.events.push(event);
    return this;
  }

  /** A history starts with its raise: the default one when the spec did not write it. */
  private started(): void {
    if (this.events.length === 0) this.raisedBy(secretariat());
  }

  private assignment(step: string): Current {
    if (!this.current) throw new Error(`${step}() needs a current assignment`);
    return this.current;
  }

  /** The timestamp of the next event; the clock then moves on an hour past it. */
  private tick(at?: string): string {
    const time = at ?? this.clock;
    this.clock = plus(time, HOUR);
    return time;
  }
}

/** Raised by the secretariat for Tam Thanh ward at SESSION_AT, unless `raisedBy` says otherwise. */
export function aRecommendation(id: string = RECOMMENDATION_ID): RecommendationBuilder {
  return new RecommendationBuilder(id);
}

/** The state a history folds to: the "given" of a spec. */
export function given(events: readonly RecommendationEvent[]): RecommendationState {
  return fold(events);
}

// Commands.

type Envelope = Pick<RecommendationCommand, 'recommendationId' | 'actor' | 'now'>;
type Payload<T extends RecommendationCommandType> = Omit<CommandOf<T>, 'type' | keyof Envelope>;

/** Who issues each command unless a spec says otherwise: someone API.md allows, acting on a default history. */
const DEFAULT_ACTOR: Record<RecommendationCommandType, () => Actor> = {
  RaiseRecommendation: secretariat,
  AcceptRecommendation: secretariat,
  DeclineRecommendation: secretariat,
  AssignRecommendation: secretariat,
  AcknowledgeAssignment: () => department('home-affairs'),
  ReportProgress: () => department('home-affairs'),
  RequestExtension: () => department('home-affairs'),
  ExtendDeadline: secretariat,
  ReturnAssignment: () => department('home-affairs'),
  ResolveRecommendation: () => department('home-affairs'),
  ReopenRecommendation: committee,
  SendReminder: system,
  EscalateDeadline: system,
  RecordNotificationDelivery: system,
  RecordNotificationFailure: system,
  TransferAssignment: system,
  MakeContribution: () => department('finance'),
  RequestExplanation: committee,
  GiveExplanation: () => department('home-affairs'),
  SendCoordinationReminder: system,
  EscalateCoordination: system,
  SendExplanationReminder: system,
};

/** Valid payloads against the builder's defaults (assignment 1, due at DUE_AT). */
const DEFAULT_PAYLOAD: { [T in RecommendationCommandType]: Payload<T> } = {
  RaiseRecommendation: {
    commune: 'tam-thanh',
    title: 'Invest in a centralized headquarters for Tam Thanh ward',
    description: 'The ward works from headquarters scattered over several locations.',
    category: 'headquarters',
    workingGroup: 1,
    sessionDate: '2025-08-04',
    session: null,
    attachments: [],
  },
  AcceptRecommendation: { note: null },
  DeclineRecommendation: { reason: 'Already covered by the provincial staffing plan' },
  AssignRecommendation: { department: 'home-affairs', due: explicitDue(DUE_AT), instructions: null, coordinating: [] },
  AcknowledgeAssignment: {},
  ReportProgress: { note: 'Site survey for the new headquarters done', attachments: [] },
  RequestExtension: { requestedDueAt: LATER_DUE_AT, reason: 'Waiting for the land survey' },
  ExtendDeadline: { due: explicitDue(LATER_DUE_AT), reason: 'Land survey pending' },
  ReturnAssignment: { reason: 'Outside our competence' },
  ResolveRecommendation: { resolution: 'Headquarters included in the 2026 investment plan', attachments: [], document: null },
  ReopenRecommendation: {
    reason: 'The response gives no construction date',
    due: explicitDue(LATER_DUE_AT),
    department: null,
    coordinating: [],
  },
  SendReminder: { assignmentNo: 1, lead: '3d', dueAt: DUE_AT, channels: ['webhook'] },
  EscalateDeadline: { assignmentNo: 1, level: 1, dueAt: DUE_AT, channels: ['webhook'] },
  RecordNotificationDelivery: {
    assignmentNo: 1,
    channel: 'webhook',
    notice: 'ReminderSent',
    noticeId: '1f0e5c1a-5b7e-5d0a-9c1e-7d2f3b4a5c6d',
  },
  RecordNotificationFailure: { assignmentNo: 1, channel: 'email', notice: 'reminder 3d', error: 'SMTP 421 try again later' },
  TransferAssignment: {
    fromDepartment: 'home-affairs',
    toDepartment: 'justice',
    reason: 'Sở Nội vụ merged into Sở Tư pháp',
    mergerId: 'merge-home-affairs-into-justice',
  },
  MakeContribution: { note: 'Land records for the headquarters site attached', attachments: [] },
  RequestExplanation: { reason: 'Overdue by more than a week', due: explicitDue(LATER_DUE_AT) },
  GiveExplanation: { text: 'The land survey was delayed by the floods', attachments: [] },
  SendCoordinationReminder: {
    assignmentNo: 1,
    department: 'finance',
    lead: '3d',
    dueAt: COORDINATION_DUE_AT,
    channels: ['webhook'],
  },
  EscalateCoordination: { assignmentNo: 1, department: 'finance', level: 1, dueAt: COORDINATION_DUE_AT, channels: ['webhook'] },
  SendExplanationReminder: { explanationNo: 1, lead: '1d', dueAt: LATER_DUE_AT, channels: ['webhook'] },
};

/** A command of `type` for RECOMMENDATION_ID at NOW by an allowed actor; `fields` override any part. */
export function command<T extends RecommendationCommandType>(type: T, fields: Partial<Envelope & Payload<T>> = {}): CommandOf<T> {
  const built = {
    type,
    recommendationId: RECOMMENDATION_ID,
    actor: DEFAULT_ACTOR[type](),
    now: NOW,
    ...DEFAULT_PAYLOAD[type],
    ...fields,
  };
  return built as unknown as CommandOf<T>;
}

/** The DomainError `run` throws, as `{ code, kind }`; fails when it decides events or throws anything else. */
export function refusalOf(run: () => unknown): { code: string; kind: DomainErrorKind } {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, kind: error.kind };
    throw error;
  }
  throw new Error(`expected a DomainError, got ${JSON.stringify(result)}`);
}
