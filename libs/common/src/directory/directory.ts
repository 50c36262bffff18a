import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Commune {
  code: string;
  name: string;
  nameEn?: string | null;
  kind?: string;
  workingGroup?: number;
  retired?: boolean;
}
export interface Department {
  code: string;
  name: string;
  nameEn?: string | null;
  email?: string | null;
  webhookUrl?: string | null;
  retired?: boolean;
}
export interface WorkingGroup {
  number: number;
  leader: string;
  leaderEn?: string | null;
  communes?: string[];
  retired?: boolean;
}
export interface Category {
  code: string;
  name: string;
  nameEn?: string | null;
  retired?: boolean;
}

export interface DirectoryData {
  province?: { code: string; name: string; nameEn?: string; timeZone?: string };
  communes: Commune[];
  departments: Department[];
  workingGroups: WorkingGroup[];
  categories: Category[];
}

/** Default directory: Lang Son province, from the seed articles. */
export const DEFAULT_DIRECTORY_FILE = 'config/directory.json';

/**
 * The reference data commands are checked against: communes, departments, working groups and
 * categories. The file (`DIRECTORY_FILE`) seeds the log once; after that the process's directory
 * is the fold of the log's `directory` stream, replaced in place as the log moves, so every
 * holder of this object sees the current one. A retired code stays known (old items name it) and
 * takes no new item.
 */
export class Directory {
  private communes!: Map<string, Commune>;
  private departments!: Map<string, Department>;
  private groups!: Map<number, WorkingGroup>;
  private categories!: Map<string, Category>;

  constructor(public data: DirectoryData) {
    this.replace(data);
  }

  /** Takes another content (the log's, newer): every holder of this directory sees it. */
  replace(data: DirectoryData): void {
    this.data = data;
    this.communes = new Map(data.communes.map((c) => [c.code, c]));
    this.departments = new Map(data.departments.map((d) => [d.code, d]));
    this.groups = new Map(data.workingGroups.map((g) => [g.number, g]));
    this.categories = new Map(data.categories.map((c) => [c.code, c]));
  }

  /** Whether the code is retired (known, but taking no new items). */
  isRetired(kind: 'communes' | 'departments' | 'working-groups' | 'categories', code: string | number): boolean {
    const entry =
      kind === 'communes'
        ? this.communes.get(String(code))
        : kind === 'departments'
          ? this.departments.get(String(code))
          : kind === 'categories'
            ? this.categories.get(String(code))
            : this.groups.get(Number(code));
    return entry?.retired === true;
  }

  static load(file: string = DEFAULT_DIRECTORY_FILE): Directory {
    const path = resolve(file);
    let data: DirectoryData;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as DirectoryData;
    } catch (error) {
      throw new Error(`directory file ${file} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    for (const key of ['communes', 'departments', 'workingGroups', 'categories'] as const) {
      if (!Array.isArray(data[key])) throw new Error(`directory file ${file}: "${key}" must be a list`);
    }
    return new Directory(data);
  }

  hasCommune(code: string): boolean {
    return this.communes.has(code);
  }
  hasDepartment(code: string): boolean {
    return this.departments.has(code);
  }
  hasWorkingGroup(n: number): boolean {
    return this.groups.has(n);
  }
  hasCategory(code: string): boolean {
    return this.categories.has(code);
  }
  department(code: string): Department | undefined {
    return this.departments.get(code);
  }
  commune(code: string): Commune | undefined {
    return this.communes.get(code);
  }

  /** What `GET /directory` shows. */
  toJSON() {
    const retired = (e: { retired?: boolean }) => e.retired === true;
    return {
      province: this.data.province ?? null,
      communes: this.data.communes.map((c) => ({
        code: c.code,
        name: c.name,
        nameEn: c.nameEn ?? null,
        kind: c.kind ?? null,
        workingGroup: c.workingGroup ?? null,
        retired: retired(c),
      })),
      departments: this.data.departments.map((d) => ({
        code: d.code,
        name: d.name,
        nameEn: d.nameEn ?? null,
        retired: retired(d),
      })),
      workingGroups: this.data.workingGroups.map((g) => ({
        number: g.number,
        leader: g.leader,
        leaderEn: g.leaderEn ?? null,
        communes: g.communes ?? [],
        retired: retired(g),
      })),
      categories: this.data.categories.map((c) => ({
        code: c.code,
        name: c.name,
        nameEn: c.nameEn ?? null,
        retired: retired(c),
      })),
    };
  }
}
