import type { Directory } from '@app/common';
import type { RecommendationCommand } from '@app/recommendations';
import { RetiredCodeError, UnknownCodeError } from './application.errors';

interface Codes {
  communes: string[];
  categories: string[];
  workingGroups: number[];
  departments: string[];
}

/** Refuses a command naming a commune, department, category or working group the directory does not know or retired. */
export function assertKnownCodes(command: RecommendationCommand, directory: Directory): void {
  // Only the departments a command gives work to; notices and their outcomes name whom they were for.
  const departments: string[] = [];
  if (command.type === 'AssignRecommendation' || command.type === 'ReopenRecommendation') {
    if (command.department !== null) departments.push(command.department);
    departments.push(...command.coordinating.map((c) => c.department));
  }
  if (command.type === 'TransferAssignment') departments.push(command.toDepartment);
  assertCodes(
    {
      communes: 'commune' in command ? [command.commune] : [],
      categories: 'category' in command ? [command.category] : [],
      workingGroups: 'workingGroup' in command && command.workingGroup !== null ? [command.workingGroup] : [],
      departments,
    },
    directory,
  );
}

/** The same check for a working session: its group and communes. */
export function assertKnownSessionCodes(session: { workingGroup: number; communes: string[] }, directory: Directory): void {
  assertCodes({ communes: session.communes, categories: [], workingGroups: [session.workingGroup], departments: [] }, directory);
}

function assertCodes(codes: Codes, directory: Directory): void {
  const unknown = [
    ...codes.communes.filter((c) => !directory.hasCommune(c)).map((c) => `commune "${c}"`),
    ...codes.categories.filter((c) => !directory.hasCategory(c)).map((c) => `category "${c}"`),
    ...codes.workingGroups.filter((g) => !directory.hasWorkingGroup(g)).map((g) => `working group ${g}`),
    ...codes.departments.filter((d) => !directory.hasDepartment(d)).map((d) => `department "${d}"`),
  ];
  if (unknown.length > 0) throw new UnknownCodeError(`unknown ${unknown.join(', ')}: see GET /directory`);
  // A retired code takes no new items; a merger's items move only into a department still in service.
  const retired = [
    ...codes.communes.filter((c) => directory.isRetired('communes', c)).map((c) => `commune "${c}"`),
    ...codes.categories.filter((c) => directory.isRetired('categories', c)).map((c) => `category "${c}"`),
    ...codes.workingGroups.filter((g) => directory.isRetired('working-groups', g)).map((g) => `working group ${g}`),
    ...codes.departments.filter((d) => directory.isRetired('departments', d)).map((d) => `department "${d}"`),
  ];
  if (retired.length > 0) throw new RetiredCodeError(`retired ${retired.join(', ')}: a retired code takes no new items`);
}
