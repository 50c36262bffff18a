import type { Directory } from '@app/common';
import type { RecommendationCommand } from '@app/recommendations';
import { RetiredCodeError, UnknownCodeError } from './application.errors';

/** Refuses a command naming a commune, department, category or working group the directory does not know. */
export function assertKnownCodes(command: RecommendationCommand, directory: Directory): void {
  const unknown: string[] = [];
  if ('commune' in command && !directory.hasCommune(command.commune)) unknown.push(`commune "${command.commune}"`);
  if ('category' in command && !directory.hasCategory(command.category)) unknown.push(`category "${command.category}"`);
  if ('workingGroup' in command && command.workingGroup !== null && !directory.hasWorkingGroup(command.workingGroup)) {
    unknown.push(`working group ${command.workingGroup}`);
  }
  if ('department' in command && command.department !== null && !directory.hasDepartment(command.department)) {
    unknown.push(`department "${command.department}"`);
  }
  if ('toDepartment' in command && !directory.hasDepartment(command.toDepartment)) {
    unknown.push(`department "${command.toDepartment}"`);
  }
  if (unknown.length > 0) throw new UnknownCodeError(`unknown ${unknown.join(', ')}: see GET /directory`);
  const retired: string[] = [];
  if ('commune' in command && directory.isRetired('communes', command.commune)) retired.push(`commune "${command.commune}"`);
  if ('category' in command && directory.isRetired('categories', command.category))
    retired.push(`category "${command.category}"`);
  if ('workingGroup' in command && command.workingGroup !== null && directory.isRetired('working-groups', command.workingGroup)) {
    retired.push(`working group ${command.workingGroup}`);
  }
  if ('department' in command && command.department !== null && directory.isRetired('departments', command.department)) {
    retired.push(`department "${command.department}"`);
  }
  // A merger's items move only into a department still in service.
  if ('toDepartment' in command && directory.isRetired('departments', command.toDepartment)) {
    retired.push(`department "${command.toDepartment}"`);
  }
  if (retired.length > 0) throw new RetiredCodeError(`retired ${retired.join(', ')}: a retired code takes no new items`);
}
