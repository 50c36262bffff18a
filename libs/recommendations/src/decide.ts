import type { CommandOf, RecommendationCommand } from './commands';
import type { RecommendationEvent } from './events';
import { reminderKey } from './evolve';
import * as rule from './rules';
import type { RecommendationState, StateOf } from './state';

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
      return [
        {
          type: 'RecommendationAssigned',
          data: {
            assignmentNo: s.assignmentCount + 1,
            department: command.department,
            dueAt: command.due.dueAt,
            dueBasis: command.due.basis,
            instructions: command.instructions,
            assignedAt: now,
          },
        },
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
      return [
        {
          type: 'RecommendationReopened',
          data: {
            reason: command.reason,
            assignmentNo: s.assignmentCount + 1,
            department,
            dueAt: command.due.dueAt,
            dueBasis: command.due.basis,
            reopenedAt: now,
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
      const data = { assignmentNo, department: lastDepartment(state), channel, notice, noticeId, deliveredAt: now };
      return [{ type: 'NotificationDelivered', data }];
    }
    case 'RecordNotificationFailure': {
      const { assignmentNo, channel, notice, error } = command;
      const data = { assignmentNo, department: lastDepartment(state), channel, notice, error, failedAt: now };
      return [{ type: 'NotificationFailed', data }];
    }
    case 'TransferAssignment': {
      const { assignment } = state as StateOf<'assigned'>;
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
  return [
    {
      type: 'RecommendationRaised',
      data: {
        recommendationId: command.recommendationId,
        commune: command.commune,
        workingGroup: command.workingGroup,
        sessionDate: command.sessionDate,
        title: command.title,
        description: command.description,
        category: command.category,
        raisedAt: command.now,
        raisedBy: command.actor.sub,
      },
    },
  ];
}

function resolve(command: CommandOf<'ResolveRecommendation'>, state: StateOf<'assigned' | 'accepted'>): RecommendationEvent[] {
  const base = { resolution: command.resolution, resolvedAt: command.now, resolvedBy: command.actor.sub };
  if (state.status === 'accepted') {
    rule.onlyTheSecretariatAnswersOnTheSpot(command.actor);
    return [
      { type: 'RecommendationResolved', data: { ...base, department: null, assignmentNo: null, dueAt: null, onTime: true } },
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
  ];
}

function assignedBy(command: RecommendationCommand, state: RecommendationState): StateOf<'assigned'> {
  const assigned = state as StateOf<'assigned'>;
  rule.departmentActsOnlyOnItsAssignment(assigned.assignment.department, command.actor);
  return assigned;
}

/** The department of the current or latest assignment: the one a notice went to. */
function lastDepartment(state: Exclude<RecommendationState, { status: 'none' }>): string {
  return (state.status === 'assigned' ? state.assignment : state.lastAssignment)?.department ?? '';
}

function sameInstant(a: string, b: string): boolean {
  return new Date(a).getTime() === new Date(b).getTime();
}
