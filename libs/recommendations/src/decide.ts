import type { CommandOf, CoordinatingInput, Due, RecommendationCommand } from './commands';
import type { AttachmentRef, DocumentsAttached, RecommendationEvent } from './events';
import { reminderKey } from './evolve';
import * as rule from './rules';
import { leadDepartment, overdueness, partAwaitingContribution, type RecommendationState, type StateOf } from './state';

/**
 * Decides what happens when `command` meets `state`: the events to append, or a DomainError
 * naming the rule that refuses it. Pure: the time and the actor come in on the command.
 */
export function decide(command: RecommendationCommand, state: RecommendationState): RecommendationEvent[] {
  rule.roleMayIssueCommand(command);
  if (command.type === 'RaiseRecommendation') return raise(command, state);
  rule.recommendationMustExist(state, command.recommendationId);
  rule.itemMustBeInCallerScope(state, command.actor);
  rule.transitionMustBeAllowed(state.status, command.type);
  const now = command.now;
  switch (command.type) {
    case 'AcceptRecommendation':
      return [{ type: 'RecommendationAccepted', data: { note: command.note, acceptedAt: now } }];
    case 'DeclineRecommendation':
      return [{ type: 'RecommendationDeclined', data: { reason: command.reason, declinedAt: now } }];
    case 'AssignRecommendation': {
      const s = state as StateOf<'accepted'>;
      rule.dueDateMustBeInFuture(command.due.dueAt, now);
      const assignmentNo = s.assignmentCount + 1;
      const coordination = coordinationRequested(command.department, command.due, command.coordinating, assignmentNo, now);
      return [
        {
          type: 'RecommendationAssigned',
          data: {
            assignmentNo,
            department: command.department,
            dueAt: command.due.dueAt,
            dueBasis: command.due.basis,
            instructions: command.instructions,
            assignedAt: now,
          },
        },
        ...coordination,
      ];
    }
    case 'AcknowledgeAssignment': {
      const { assignment } = assignedBy(command, state);
      rule.assignmentAcknowledgedOnce(assignment.acknowledgedAt);
      return [
        {
          type: 'AssignmentAcknowledged',
          data: { assignmentNo: assignment.assignmentNo, department: assignment.department, acknowledgedAt: now },
        },
      ];
    }
    case 'ReportProgress': {
      const { assignment } = assignedBy(command, state);
      return [
        {
          type: 'ProgressReported',
          data: { assignmentNo: assignment.assignmentNo, department: assignment.department, note: command.note, reportedAt: now },
        },
        ...documents('progress', assignment.assignmentNo, command.attachments, null, now),
      ];
    }
    case 'RequestExtension': {
      const { assignment } = assignedBy(command, state);
      rule.dueDateMustBeInFuture(command.requestedDueAt, now);
      rule.newDueDateMustBeLater(command.requestedDueAt, assignment.dueAt);
      const { assignmentNo, department } = assignment;
      return [
        {
          type: 'ExtensionRequested',
          data: { assignmentNo, department, requestedDueAt: command.requestedDueAt, reason: command.reason, requestedAt: now },
        },
      ];
    }
    case 'ExtendDeadline': {
      const { assignment } = state as StateOf<'assigned'>;
      rule.dueDateMustBeInFuture(command.due.dueAt, now);
      rule.newDueDateMustBeLater(command.due.dueAt, assignment.dueAt);
      return [
        {
          type: 'DeadlineExtended',
          data: {
            assignmentNo: assignment.assignmentNo,
            previousDueAt: assignment.dueAt,
            dueAt: command.due.dueAt,
            dueBasis: command.due.basis,
            reason: command.reason,
            extendedAt: now,
          },
        },
      ];
    }
    case 'ReturnAssignment': {
      const { assignment } = assignedBy(command, state);
      return [
        {
          type: 'AssignmentReturned',
          data: {
            assignmentNo: assignment.assignmentNo,
            department: assignment.department,
            reason: command.reason,
            returnedAt: now,
          },
        },
      ];
    }
    case 'ResolveRecommendation':
      return resolve(command, state as StateOf<'assigned' | 'accepted'>);
    case 'ReopenRecommendation': {
      const s = state as StateOf<'resolved'>;
      // Back to the department that answered; an item answered on the spot has none, the caller names it.
      const department = s.resolution.department ?? command.department;
      rule.reopenNeedsADepartment(department);
      rule.dueDateMustBeInFuture(command.due.dueAt, now);
      const assignmentNo = s.assignmentCount + 1;
      return [
        {
          type: 'RecommendationReopened',
          data: {
            reason: command.reason,
            assignmentNo,
            department,
            dueAt: command.due.dueAt,
            dueBasis: command.due.basis,
            reopenedAt: now,
          },
        },
        ...coordinationRequested(department, command.due, command.coordinating, assignmentNo, now),
      ];
    }
    case 'MakeContribution': {
      const { assignment } = state as StateOf<'assigned'>;
      const part = rule.callerMustCoordinate(assignment.coordinating, command.actor);
      return [
        {
          type: 'ContributionMade',
          data: {
            assignmentNo: assignment.assignmentNo,
            department: part.department,
            note: command.note,
            attachments: command.attachments,
            contributedAt: now,
          },
        },
      ];
    }
    case 'RequestExplanation': {
      const s = state as StateOf<'assigned'>;
      rule.explanationOnlyWhenOverdue(overdueness(s, new Date(now)).overdue);
      rule.noExplanationPending(s.explanation);
      rule.dueDateMustBeInFuture(command.due.dueAt, now);
      return [
        {
          type: 'ExplanationRequested',
          data: {
            explanationNo: (s.explanation?.explanationNo ?? 0) + 1,
            assignmentNo: s.assignment.assignmentNo,
            department: s.assignment.department,
            reason: command.reason,
            dueAt: command.due.dueAt,
            dueBasis: command.due.basis,
            requestedAt: now,
            requestedBy: command.actor.sub,
          },
        },
      ];
    }
    case 'GiveExplanation': {
      const s = state as StateOf<'assigned' | 'resolved' | 'accepted'>;
      rule.explanationMustBeAwaited(s.explanation);
      const explanation = s.explanation;
      rule.onlyTheDepartmentAskedExplains(explanation.department, command.actor);
      return [
        {
          type: 'ExplanationGiven',
          data: {
            explanationNo: explanation.explanationNo,
            department: explanation.department,
            text: command.text,
            attachments: command.attachments,
            answeredAt: now,
            onTime: new Date(now).getTime() <= new Date(explanation.dueAt).getTime(),
          },
        },
      ];
    }
    case 'SendCoordinationReminder': {
      const { assignment } = state as StateOf<'assigned'>;
      const part = partAwaitingContribution(assignment, command);
      const stale = !part || part.remindersSent.includes(reminderKey(command.lead, command.dueAt));
      rule.noticeMustStillApply(stale, `coordination reminder ${command.lead} before ${command.dueAt} to ${command.department}`);
      return [
        {
          type: 'CoordinationReminderSent',
          data: {
            assignmentNo: assignment.assignmentNo,
            department: command.department,
            lead: command.lead,
            dueAt: command.dueAt,
            channels: command.channels,
            sentAt: now,
          },
        },
      ];
    }
    case 'EscalateCoordination': {
      const { assignment } = state as StateOf<'assigned'>;
      const part = partAwaitingContribution(assignment, command);
      const stale = !part || part.escalationLevel >= command.level || new Date(now).getTime() < new Date(part.dueAt).getTime();
      rule.noticeMustStillApply(stale, `coordination escalation ${command.level} of ${command.dueAt} to ${command.department}`);
      return [
        {
          type: 'CoordinationEscalated',
          data: {
            assignmentNo: assignment.assignmentNo,
            department: command.department,
            level: command.level,
            dueAt: command.dueAt,
            daysOverdue: Math.floor((new Date(now).getTime() - new Date(command.dueAt).getTime()) / 86_400_000),
            channels: command.channels,
            escalatedAt: now,
          },
        },
      ];
    }
    case 'SendExplanationReminder': {
      const explanation = (state as StateOf<'assigned' | 'resolved' | 'accepted'>).explanation;
      const stale =
        !explanation ||
        explanation.explanationNo !== command.explanationNo ||
        explanation.answeredAt !== null ||
        !sameInstant(explanation.dueAt, command.dueAt) ||
        explanation.remindersSent.includes(reminderKey(command.lead, command.dueAt));
      rule.noticeMustStillApply(stale, `explanation reminder ${command.lead} before ${command.dueAt}`);
      // Whom it reminds: the department the explanation was asked of.
      const { assignmentNo, explanationNo, department } = explanation as NonNullable<typeof explanation>;
      return [
        {
          type: 'ExplanationReminderSent',
          data: {
            assignmentNo,
            explanationNo,
            department,
            lead: command.lead,
            dueAt: command.dueAt,
            channels: command.channels,
            sentAt: now,
          },
        },
      ];
    }
    case 'SendReminder': {
      const { assignment } = state as StateOf<'assigned'>;
      const stale =
        assignment.assignmentNo !== command.assignmentNo ||
        !sameInstant(assignment.dueAt, command.dueAt) ||
        assignment.remindersSent.includes(reminderKey(command.lead, command.dueAt));
      rule.noticeMustStillApply(stale, `reminder ${command.lead} before ${command.dueAt}`);
      const { assignmentNo, department, dueAt } = assignment;
      return [
        {
          type: 'ReminderSent',
          data: { assignmentNo, department, lead: command.lead, dueAt, channels: command.channels, sentAt: now },
        },
      ];
    }
    case 'EscalateDeadline': {
      const { assignment } = state as StateOf<'assigned'>;
      const stale =
        assignment.assignmentNo !== command.assignmentNo ||
        !sameInstant(assignment.dueAt, command.dueAt) ||
        assignment.escalationLevel >= command.level ||
        new Date(now).getTime() < new Date(assignment.dueAt).getTime();
      rule.noticeMustStillApply(stale, `escalation ${command.level} of ${command.dueAt}`);
      const daysOverdue = Math.floor((new Date(now).getTime() - new Date(assignment.dueAt).getTime()) / 86_400_000);
      const { assignmentNo, department, dueAt } = assignment;
      return [
        {
          type: 'DeadlineEscalated',
          data: {
            assignmentNo,
            department,
            level: command.level,
            dueAt,
            daysOverdue,
            channels: command.channels,
            escalatedAt: now,
          },
        },
      ];
    }
    case 'RecordNotificationDelivery': {
      const { assignmentNo, channel, notice, noticeId } = command;
      const data = {
        assignmentNo,
        department: command.department ?? lastDepartment(state),
        channel,
        notice,
        noticeId,
        deliveredAt: now,
      };
      return [{ type: 'NotificationDelivered', data }];
    }
    case 'RecordNotificationFailure': {
      const { assignmentNo, channel, notice, error } = command;
      const data = {
        assignmentNo,
        department: command.department ?? lastDepartment(state),
        channel,
        notice,
        error,
        failedAt: now,
      };
      return [{ type: 'NotificationFailed', data }];
    }
    case 'TransferAssignment': {
      const { assignment } = state as StateOf<'assigned'>;
      // A coordinating department's part moves as the lead's does.
      if (assignment.coordinating.some((c) => c.department === command.fromDepartment)) {
        return [
          {
            type: 'CoordinationTransferred',
            data: {
              assignmentNo: assignment.assignmentNo,
              fromDepartment: command.fromDepartment,
              department: command.toDepartment,
              reason: command.reason,
              mergerId: command.mergerId,
              transferredAt: now,
            },
          },
        ];
      }
      rule.assignmentMustBeHeldBy(assignment.department, command.fromDepartment);
      return [
        {
          type: 'AssignmentTransferred',
          data: {
            assignmentNo: assignment.assignmentNo,
            fromDepartment: assignment.department,
            department: command.toDepartment,
            reason: command.reason,
            mergerId: command.mergerId,
            transferredAt: now,
          },
        },
      ];
    }
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

function raise(command: CommandOf<'RaiseRecommendation'>, state: RecommendationState): RecommendationEvent[] {
  rule.recommendationMustBeNew(state, command.recommendationId);
  rule.communeRaisesOnlyForItself(command.actor, command.commune);
  const { session } = command;
  if (session) {
    rule.communeMustHaveTakenPart(session, command.commune);
    rule.sessionDetailsMustAgree(session, command.workingGroup, command.sessionDate);
  }
  return [
    {
      type: 'RecommendationRaised',
      data: {
        recommendationId: command.recommendationId,
        commune: command.commune,
        workingGroup: session ? session.workingGroup : command.workingGroup,
        sessionDate: session ? session.date : command.sessionDate,
        title: command.title,
        description: command.description,
        category: command.category,
        raisedAt: command.now,
        raisedBy: command.actor.sub,
      },
    },
    ...(session
      ? [
          {
            type: 'RaisedInSession' as const,
            data: { sessionId: session.id, workingGroup: session.workingGroup, sessionDate: session.date },
          },
        ]
      : []),
    ...documents('raise', null, command.attachments, null, command.now),
  ];
}

/** The files (and letter) an event came with, as the event after it; nothing when there are none. */
function documents(
  to: DocumentsAttached['data']['to'],
  assignmentNo: number | null,
  attachments: readonly AttachmentRef[],
  document: DocumentsAttached['data']['document'],
  now: string,
): DocumentsAttached[] {
  if (attachments.length === 0 && document === null) return [];
  return [{ type: 'DocumentsAttached', data: { to, assignmentNo, attachments: [...attachments], document, attachedAt: now } }];
}

/** The coordinating departments of a new assignment, each due by its own date or the lead's. */
function coordinationRequested(
  lead: string,
  leadDue: Due,
  coordinating: readonly CoordinatingInput[],
  assignmentNo: number,
  now: string,
): RecommendationEvent[] {
  if (coordinating.length === 0) return [];
  rule.coordinationMustBeWellFormed(
    lead,
    coordinating.map((c) => c.department),
  );
  const parts = coordinating.map(({ department, due }) => {
    const own = due ?? leadDue;
    rule.dueDateMustBeInFuture(own.dueAt, now);
    rule.coordinationDueByLeadDue(department, own.dueAt, leadDue.dueAt);
    return { department, dueAt: own.dueAt, dueBasis: own.basis };
  });
  return [{ type: 'CoordinationRequested', data: { assignmentNo, coordinating: parts, requestedAt: now } }];
}

function resolve(command: CommandOf<'ResolveRecommendation'>, state: StateOf<'assigned' | 'accepted'>): RecommendationEvent[] {
  const base = { resolution: command.resolution, resolvedAt: command.now, resolvedBy: command.actor.sub };
  if (state.status === 'accepted') {
    rule.onlyTheSecretariatAnswersOnTheSpot(command.actor);
    return [
      { type: 'RecommendationResolved', data: { ...base, department: null, assignmentNo: null, dueAt: null, onTime: true } },
      ...documents('resolution', null, command.attachments, command.document, command.now),
    ];
  }
  const { assignment } = state;
  rule.onlyTheAssignedDepartmentResolvesAnAssignment(assignment.department, command.actor);
  const onTime = new Date(command.now).getTime() <= new Date(assignment.dueAt).getTime();
  return [
    {
      type: 'RecommendationResolved',
      data: {
        ...base,
        department: assignment.department,
        assignmentNo: assignment.assignmentNo,
        dueAt: assignment.dueAt,
        onTime,
      },
    },
    ...documents('resolution', assignment.assignmentNo, command.attachments, command.document, command.now),
  ];
}

function assignedBy(command: RecommendationCommand, state: RecommendationState): StateOf<'assigned'> {
  const assigned = state as StateOf<'assigned'>;
  rule.departmentActsOnlyOnItsAssignment(assigned.assignment.department, command.actor);
  return assigned;
}

/** The department of the current or latest assignment: the one a notice went to. */
function lastDepartment(state: Exclude<RecommendationState, { status: 'none' }>): string {
  return leadDepartment(state) ?? '';
}

function sameInstant(a: string, b: string): boolean {
  return new Date(a).getTime() === new Date(b).getTime();
}
