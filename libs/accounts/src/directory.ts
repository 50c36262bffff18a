/**
 * The directory as events: communes and wards, departments, working groups and categories, added,
 * renamed, retired, and departments' contacts, all in one stream (`directory`), so the directory of
 * any instant is a fold of it. Codes never change and are never reused: a retired code stays
 * known to the items that name it and takes no new ones.
 */

export const DIRECTORY_STREAM = 'directory';

export type DirectoryKind = 'communes' | 'departments' | 'working-groups' | 'categories';
export const DIRECTORY_KINDS: readonly DirectoryKind[] = ['communes', 'departments', 'working-groups', 'categories'];

interface Named {
  /** Vietnamese, as official documents write it. */
  name: string;
  nameEn?: string | null;
  retired?: boolean;
}
export interface CommuneEntry extends Named {
  code: string;
  kind?: string;
  workingGroup?: number;
}
export interface DepartmentEntry extends Named {
  code: string;
  email?: string | null;
  webhookUrl?: string | null;
  /** The department it merged into, once merged (it is then retired). */
  mergedInto?: string;
}
/** A working group is known by its number; its name is its leader's. */
export interface WorkingGroupEntry {
  number: number;
  leader: string;
  leaderEn?: string | null;
  communes?: string[];
  retired?: boolean;
}
export interface CategoryEntry extends Named {
  code: string;
}

export interface DirectoryContent {
  province?: { code: string; name: string; nameEn?: string; timeZone?: string };
  communes: CommuneEntry[];
  departments: DepartmentEntry[];
  workingGroups: WorkingGroupEntry[];
  categories: CategoryEntry[];
}

export type DirectoryEvent =
  | { type: 'DirectorySeeded'; data: { province: DirectoryContent['province'] | null; source: string } }
  | {
      type: 'DirectoryEntryAdded';
      data: { kind: DirectoryKind; entry: CommuneEntry | DepartmentEntry | WorkingGroupEntry | CategoryEntry };
    }
  | { type: 'DirectoryEntryRenamed'; data: { kind: DirectoryKind; code: string; name: string; nameEn: string | null } }
  | { type: 'DirectoryEntryRetired'; data: { kind: DirectoryKind; code: string; reason: string | null } }
  | { type: 'DepartmentContactChanged'; data: { code: string; email: string | null; webhookUrl: string | null } }
  /** A department merged into another; its open assignments move by a job citing `mergerId`. */
  | { type: 'DepartmentsMerged'; data: { code: string; into: string; reason: string; mergerId: string } };

export type DirectoryCommand =
  | { type: 'AddEntry'; kind: DirectoryKind; entry: CommuneEntry | DepartmentEntry | WorkingGroupEntry | CategoryEntry }
  | { type: 'RenameEntry'; kind: DirectoryKind; code: string; name: string; nameEn: string | null }
  | { type: 'RetireEntry'; kind: DirectoryKind; code: string; reason: string | null }
  | { type: 'ChangeDepartmentContact'; code: string; email: string | null; webhookUrl: string | null }
  | { type: 'MergeDepartment'; code: string; into: string; reason: string; mergerId: string };

export class DirectoryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: 'invalid' | 'conflict' | 'not_found' = 'invalid',
  ) {
    super(message);
  }
}

export const EMPTY_DIRECTORY: DirectoryContent = { communes: [], departments: [], workingGroups: [], categories: [] };

const listOf = (d: DirectoryContent, kind: DirectoryKind): Array<{ code?: string; number?: number }> =>
  kind === 'communes'
    ? d.communes
    : kind === 'departments'
      ? d.departments
      : kind === 'working-groups'
        ? d.workingGroups
        : d.categories;

/** The code an entry is known by: its number for a working group. */
export function codeOf(kind: DirectoryKind, entry: { code?: string; number?: number }): string {
  return kind === 'working-groups' ? String(entry.number) : String(entry.code);
}

export function findEntry(d: DirectoryContent, kind: DirectoryKind, code: string) {
  return listOf(d, kind).find((e) => codeOf(kind, e) === code) as
    (CommuneEntry | DepartmentEntry | WorkingGroupEntry | CategoryEntry) | undefined;
}

function replaceIn<T extends { code?: string; number?: number }>(
  list: T[],
  kind: DirectoryKind,
  code: string,
  change: (e: T) => T,
): T[] {
  return list.map((e) => (codeOf(kind, e) === code ? change(e) : e));
}

function mapKind(
  d: DirectoryContent,
  kind: DirectoryKind,
  code: string,
  change: (e: Record<string, unknown>) => Record<string, unknown>,
): DirectoryContent {
  const c = change as never;
  switch (kind) {
    case 'communes':
      return { ...d, communes: replaceIn(d.communes, kind, code, c) };
    case 'departments':
      return { ...d, departments: replaceIn(d.departments, kind, code, c) };
    case 'working-groups':
      return { ...d, workingGroups: replaceIn(d.workingGroups, kind, code, c) };
    case 'categories':
      return { ...d, categories: replaceIn(d.categories, kind, code, c) };
  }
}

export function evolveDirectory(d: DirectoryContent, event: DirectoryEvent): DirectoryContent {
  switch (event.type) {
    case 'DirectorySeeded':
      return event.data.province ? { ...d, province: event.data.province } : d;
    case 'DirectoryEntryAdded': {
      const { kind, entry } = event.data;
      if (kind === 'communes') return { ...d, communes: [...d.communes, entry as CommuneEntry] };
      if (kind === 'departments') return { ...d, departments: [...d.departments, entry as DepartmentEntry] };
      if (kind === 'working-groups') return { ...d, workingGroups: [...d.workingGroups, entry as WorkingGroupEntry] };
      return { ...d, categories: [...d.categories, entry as CategoryEntry] };
    }
    case 'DirectoryEntryRenamed': {
      const { kind, code, name, nameEn } = event.data;
      return mapKind(d, kind, code, (e) =>
        kind === 'working-groups' ? { ...e, leader: name, leaderEn: nameEn } : { ...e, name, nameEn },
      );
    }
    case 'DirectoryEntryRetired':
      return mapKind(d, event.data.kind, event.data.code, (e) => ({ ...e, retired: true }));
    case 'DepartmentContactChanged':
      return mapKind(d, 'departments', event.data.code, (e) => ({
        ...e,
        email: event.data.email,
        webhookUrl: event.data.webhookUrl,
      }));
    case 'DepartmentsMerged':
      return mapKind(d, 'departments', event.data.code, (e) => ({ ...e, mergedInto: event.data.into }));
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

const CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function decideDirectory(d: DirectoryContent, command: DirectoryCommand): DirectoryEvent[] {
  switch (command.type) {
    case 'AddEntry': {
      const code = codeOf(command.kind, command.entry);
      if (command.kind === 'working-groups' ? !/^[1-9]\d{0,2}$/.test(code) : !CODE.test(code)) {
        throw new DirectoryError(
          'DIRECTORY.CODE',
          'a code is lower-case letters, digits and dashes (a working group: its number)',
        );
      }
      if (findEntry(d, command.kind, code)) {
        throw new DirectoryError(
          'DIRECTORY.CODE_TAKEN',
          `${command.kind} ${code} exists already (codes are never reused)`,
          'conflict',
        );
      }
      return [{ type: 'DirectoryEntryAdded', data: { kind: command.kind, entry: command.entry } }];
    }
    case 'RenameEntry': {
      const entry = findEntry(d, command.kind, command.code);
      if (!entry) throw new DirectoryError('DIRECTORY.NOT_FOUND', `no ${command.kind} ${command.code}`, 'not_found');
      return [
        {
          type: 'DirectoryEntryRenamed',
          data: { kind: command.kind, code: command.code, name: command.name, nameEn: command.nameEn },
        },
      ];
    }
    case 'RetireEntry': {
      const entry = findEntry(d, command.kind, command.code);
      if (!entry) throw new DirectoryError('DIRECTORY.NOT_FOUND', `no ${command.kind} ${command.code}`, 'not_found');
      if (entry.retired)
        throw new DirectoryError('DIRECTORY.RETIRED', `${command.kind} ${command.code} is retired already`, 'conflict');
      return [{ type: 'DirectoryEntryRetired', data: { kind: command.kind, code: command.code, reason: command.reason } }];
    }
    case 'ChangeDepartmentContact': {
      if (!findEntry(d, 'departments', command.code)) {
        throw new DirectoryError('DIRECTORY.NOT_FOUND', `no department ${command.code}`, 'not_found');
      }
      return [
        { type: 'DepartmentContactChanged', data: { code: command.code, email: command.email, webhookUrl: command.webhookUrl } },
      ];
    }
    case 'MergeDepartment': {
      const from = findEntry(d, 'departments', command.code);
      const into = findEntry(d, 'departments', command.into);
      if (!from) throw new DirectoryError('DIRECTORY.NOT_FOUND', `no department ${command.code}`, 'not_found');
      if (!into) throw new DirectoryError('DIRECTORY.UNKNOWN_CODE', `no department ${command.into} to merge into`);
      if (command.code === command.into)
        throw new DirectoryError('DIRECTORY.MERGE_INTO_ITSELF', 'a department cannot merge into itself');
      if (from.retired)
        throw new DirectoryError('DIRECTORY.RETIRED', `department ${command.code} is retired already`, 'conflict');
      if (into.retired)
        throw new DirectoryError('DIRECTORY.RETIRED', `department ${command.into} is retired: it takes no new items`);
      const { code, into: target, reason, mergerId } = command;
      return [
        { type: 'DepartmentsMerged', data: { code, into: target, reason, mergerId } },
        { type: 'DirectoryEntryRetired', data: { kind: 'departments', code, reason } },
      ];
    }
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

/** The events that seed the directory from a file's content, in one append. */
export function seedEvents(content: DirectoryContent, source: string): DirectoryEvent[] {
  const added = (kind: DirectoryKind, entries: Array<CommuneEntry | DepartmentEntry | WorkingGroupEntry | CategoryEntry>) =>
    entries.map((entry): DirectoryEvent => ({ type: 'DirectoryEntryAdded', data: { kind, entry } }));
  return [
    { type: 'DirectorySeeded', data: { province: content.province ?? null, source } },
    ...added('communes', content.communes),
    ...added('departments', content.departments),
    ...added('working-groups', content.workingGroups),
    ...added('categories', content.categories),
  ];
}
