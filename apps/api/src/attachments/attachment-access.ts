import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { RecommendationStream, type StoredAttachment } from '@app/application';
import { AppConfig } from '@app/common';
import { ReadModelReader } from '@app/read-models';
import { readScopeOf, scopeAdmits, type Actor } from '@app/recommendations';

/** At most this many citing items are looked at for one download. */
const MAX_CITING_ITEMS = 200;

/** Which items cite a file, from the read models (`attachment_refs`). */
@Injectable()
export class AttachmentReferences extends ReadModelReader implements OnApplicationShutdown {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(config.DATA_DIR);
  }

  itemsCiting(attachmentId: string): string[] {
    try {
      const rows = this.connection()
        .prepare('SELECT id FROM attachment_refs WHERE attachment_id = ? LIMIT ?')
        .all(attachmentId, MAX_CITING_ITEMS) as Array<{ id: string }>;
      return rows.map((row) => row.id);
    } catch (error) {
      // Read models from before the table existed are rebuilt at start; until then no item cites a file.
      if (error instanceof Error && /no such table/.test(error.message)) return [];
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.close();
  }
}

/**
 * Who may download a file: whoever uploaded it, and whoever may read an item that cites it — the
 * item's read scope, checked on the item as its stream has it now (the read models only say where
 * to look). Anyone else is told the file does not exist.
 */
@Injectable()
export class AttachmentAccess {
  constructor(
    private readonly references: AttachmentReferences,
    private readonly streams: RecommendationStream,
  ) {}

  async mayRead(actor: Actor, attachment: StoredAttachment): Promise<boolean> {
    if (attachment.uploadedBy === actor.sub) return true;
    const scope = readScopeOf(actor);
    if (scope.kind === 'nothing') return false;
    for (const id of this.references.itemsCiting(attachment.id)) {
      const { state } = await this.streams.current(id);
      if (state.status === 'none') continue;
      if (state.attachments.some((a) => a.id === attachment.id) && scopeAdmits(scope, state)) return true;
    }
    return false;
  }
}
