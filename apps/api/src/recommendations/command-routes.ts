import type { Type } from '@nestjs/common';
import { USER_COMMAND_TYPES, type UserCommandType } from '@app/recommendations';
import { AcceptRecommendationController } from './accept-recommendation/accept-recommendation.controller';
import { AcknowledgeAssignmentController } from './acknowledge-assignment/acknowledge-assignment.controller';
import { AssignRecommendationController } from './assign-recommendation/assign-recommendation.controller';
import { COMMAND_ROUTE } from './command-dispatcher';
import { DeclineRecommendationController } from './decline-recommendation/decline-recommendation.controller';
import { ExtendDeadlineController } from './extend-deadline/extend-deadline.controller';
import { RaiseRecommendationController } from './raise-recommendation/raise-recommendation.controller';
import { ReopenRecommendationController } from './reopen-recommendation/reopen-recommendation.controller';
import { ReportProgressController } from './report-progress/report-progress.controller';
import { RequestExtensionController } from './request-extension/request-extension.controller';
import { ResolveRecommendationController } from './resolve-recommendation/resolve-recommendation.controller';
import { ReturnAssignmentController } from './return-assignment/return-assignment.controller';
import { MakeContributionController } from './make-contribution/make-contribution.controller';
import { RequestExplanationController } from './request-explanation/request-explanation.controller';
import { GiveExplanationController } from './give-explanation/give-explanation.controller';

/**
 * The route of every user command. The type makes a missing entry a compile error; the check
 * below refuses to start when an entry's controller serves another command.
 */
const COMMAND_CONTROLLERS: { [T in UserCommandType]: Type } = {
  RaiseRecommendation: RaiseRecommendationController,
  AcceptRecommendation: AcceptRecommendationController,
  DeclineRecommendation: DeclineRecommendationController,
  AssignRecommendation: AssignRecommendationController,
  AcknowledgeAssignment: AcknowledgeAssignmentController,
  ReportProgress: ReportProgressController,
  RequestExtension: RequestExtensionController,
  ExtendDeadline: ExtendDeadlineController,
  ReturnAssignment: ReturnAssignmentController,
  ResolveRecommendation: ResolveRecommendationController,
  ReopenRecommendation: ReopenRecommendationController,
  MakeContribution: MakeContributionController,
  RequestExplanation: RequestExplanationController,
  GiveExplanation: GiveExplanationController,
};

/** The controllers of {@link COMMAND_CONTROLLERS}, after checking that each serves its own command. */
export function commandControllers(): Type[] {
  for (const type of USER_COMMAND_TYPES) {
    const served: unknown = Reflect.getMetadata(COMMAND_ROUTE, COMMAND_CONTROLLERS[type]);
    if (served !== type) {
      throw new Error(`the route of ${type} is missing: ${COMMAND_CONTROLLERS[type]?.name} serves ${String(served)}`);
    }
  }
  return USER_COMMAND_TYPES.map((type) => COMMAND_CONTROLLERS[type]);
}
