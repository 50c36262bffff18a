import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Commune {
  code: string;
  name: string;
  kind?: string;
  workingGroup?: number;
}
export interface Department {
  code: string;
  name: string;
  email?: string | null;
  webhookUrl?: string | null;
}
export interface WorkingGroup {
  number: number;
  leader: string;
  communes?: string[];
}
export interface Category {
  code: string;
  name: string;
}

export interface DirectoryData {
  province?: { code: string; name: string; timeZone?: string };
  communes: Commune[];
  departments: Department[];
  workingGroups: WorkingGroup[];
  categories: Category[];
}

/** Default directory: Lang Son province, from the seed articles. */
export const DEFAULT_DIRECTORY_FILE = 'config/directory.json';

/**
 * The reference data commands are checked against: communes, departments, working groups and
 * categories. Loaded once from `DIRECTORY_FILE`.
 */
export class Directory {
  private readonly communes: Map<string, Commune>;
  private readonly departments: Map<string, Department>;
  private readonly groups: Map<number, WorkingGroup>;
  private readonly categories: Map<string, Category>;

  constructor(readonly data: DirectoryData) {
    this.communes = new Map(data.communes.map((c) => [c.code, c]));
    this.departments = new Map(data.departments.map((d) => [d.code, d]));
    this.groups = new Map(data.workingGroups.map((g) => [g.number, g]));
    this.categories = new Map(data.categories.map((c) => [c.code, c]));
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
    return {
      province: this.data.province ?? null,
      communes: this.data.communes.map(({ code, name }) => ({ code, name })),
      departments: this.data.departments.map(({ code, name }) => ({ code, name })),
      workingGroups: this.data.workingGroups.map(({ number, leader }) => ({ number, leader })),
      categories: this.data.categories,
    };
  }
}
