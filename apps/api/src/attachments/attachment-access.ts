import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { isUuid, RecommendationStream, type StoredAttachment } from '@app/application';
import { AppConfig } from '@app/common';
import { citingItemInScope, ReadModelReader } from '@app/read-models';
import { readScopeOf, scopeAdmits, type Actor } from '@app/recommendations';

/** Which items cite a file, from the read models (`attachment_refs`). */
@Injectable()
export class AttachmentReferences extends ReadModelReader implements OnApplicationShutdown {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(config.DATA_DIR);
  }

  /** One item citing the file that the caller may read, as the read models have it; null when none. */
  citingItemInScope(actor: Actor, attachmentId: string): string | null {
    try {
      return citingItemInScope(this.connection(), actor, attachmentId);
    } catch (error) {
      // Read models from before the table existed are rebuilt at start; until then no item cites a file.
      if (error instanceof Error && /no such table/.test(error.message)) return null;
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.close();
  }
}

/**
 * Who may download a file: whoever uploaded it, and whoever may read an item that cites it — the
 * item's read scope, checked on the item as its stream has it now. The item is the one the caller
 * names (`?item=`, read from its stream: right even while the read models lag or rebuild), else
 * one the read models find among those citing the file within the caller's scope; either way one
 * stream is read, whoever asks. Anyone else is told the file does not exist.
 */
@Injectable()
export class AttachmentAccess {
  constructor(
    private readonly references: AttachmentReferences,
    private readonly streams: RecommendationStream,
  ) {}

  async mayRead(actor: Actor, attachment: StoredAttachment, namedItem?: string): Promise<boolean> {
    if (attachment.uploadedBy === actor.sub) return true;
    if (readScopeOf(actor).kind === 'nothing') return false;
    const named = namedItem !== undefined && isUuid(namedItem) ? namedItem.toLowerCase() : null;
    if (named !== null && (await this.itemAdmits(named, actor, attachment))) return true;
    const found = this.references.citingItemInScope(actor, attachment.id);
    // The item named and refused is not read twice.
    return found !== null && found !== named && (await this.itemAdmits(found, actor, attachment));
  }

  /** The item, as its stream has it now, cites the file and the caller may read it. */
  private async itemAdmits(id: string, actor: Actor, attachment: StoredAttachment): Promise<boolean> {
    const { state } = await this.streams.current(id);
    if (state.status === 'none') return false;
    return state.attachments.some((a) => a.id === attachment.id) && scopeAdmits(readScopeOf(actor), state);
  }
}
