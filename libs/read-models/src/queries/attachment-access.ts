import type Database from 'better-sqlite3';
import type { Actor } from '@app/recommendations';
import { scopeCondition } from './list-recommendations';

/**
 * One item citing the file that the caller may read (the read scope, in SQL), or null when the
 * read models know of none: a download's access is decided on that one item, however many cite
 * the file and however few of them the caller may read.
 */
export function citingItemInScope(db: Database.Database, actor: Actor, attachmentId: string): string | null {
  const scope = scopeCondition(actor);
  const row = db
    .prepare(
      `SELECT a.id FROM attachment_refs a JOIN recommendations r ON r.id = a.id
       WHERE a.attachment_id = @attachmentId AND ${scope.sql} LIMIT 1`,
    )
    .get({ ...scope.params, attachmentId }) as { id: string } | undefined;
  return row?.id ?? null;
}
