import type { Clock } from '@app/common';
import { ConcurrencyError, EventStreamRepository, genesisHash, type EventStore } from '@app/event-store';
import {
  attachmentCitedByItsUploader,
  AttachmentErrorCodes,
  attachmentStream,
  CURRENT_SCHEMA_VERSION,
  MAX_ATTACHMENTS_PER_EVENT,
  type Actor,
  type AttachmentRef,
  type AttachmentUploaded,
} from '@app/recommendations';
import { ApplicationError } from './application.errors';
import { directContext } from './direct-context';
import { isUuid } from './ids';

export type StoredAttachment = AttachmentUploaded['data'];

/**
 * What is known of uploaded files: each upload is an event in its own stream (who, when, the
 * name, size, content type and sha256), so it is in the log, its history and its export. The
 * bytes themselves are stored apart, content-addressed, by the attachment store.
 */
export class AttachmentCatalog {
  private readonly repository: EventStreamRepository;

  constructor(
    store: EventStore,
    private readonly clock: Clock,
  ) {
    this.repository = new EventStreamRepository(store, CURRENT_SCHEMA_VERSION);
  }

  /** Records an upload whose bytes are already stored under their sha256. */
  async record(file: AttachmentRef, actor: Actor): Promise<StoredAttachment> {
    const context = directContext(actor, this.clock);
    const data: StoredAttachment = { ...file, uploadedBy: actor.sub, uploadedAt: context.occurredAt };
    try {
      await this.repository.append(
        attachmentStream(file.id),
        { revision: null, lastHash: genesisHash(attachmentStream(file.id)) },
        [{ type: 'AttachmentUploaded', data }],
        context,
      );
    } catch (error) {
      if (error instanceof ConcurrencyError)
        throw new ApplicationError('ATTACHMENT.ALREADY_EXISTS', 'conflict', 'attachment id taken');
      throw error;
    }
    return data;
  }

  /** The upload as recorded; null for an unknown id. */
  async get(id: string): Promise<StoredAttachment | null> {
    if (!isUuid(id)) return null;
    const loaded = await this.repository.load(attachmentStream(id.toLowerCase()));
    const first = loaded.events[0];
    return first && first.type === 'AttachmentUploaded' ? (first.data as unknown as StoredAttachment) : null;
  }

  /**
   * The files a command cites, as its event records them; 400 when one is unknown, cited twice, or
   * was uploaded by someone else (the rule is the domain's).
   */
  async cite(ids: readonly string[] | undefined, actor: Actor): Promise<AttachmentRef[]> {
    if (!ids || ids.length === 0) return [];
    if (ids.length > MAX_ATTACHMENTS_PER_EVENT) {
      throw new ApplicationError(
        AttachmentErrorCodes.tooMany,
        'invalid',
        `at most ${MAX_ATTACHMENTS_PER_EVENT} attachments at once`,
      );
    }
    if (new Set(ids.map((id) => id.toLowerCase())).size !== ids.length) {
      throw new ApplicationError(AttachmentErrorCodes.citedTwice, 'invalid', 'each attachment is cited once');
    }
    return Promise.all(
      ids.map(async (id) => {
        const stored = await this.get(id);
        if (!stored)
          throw new ApplicationError(AttachmentErrorCodes.unknown, 'invalid', 'no attachment has this id: upload it first');
        attachmentCitedByItsUploader(stored.uploadedBy, actor, stored.id);
        return { id: stored.id, name: stored.name, contentType: stored.contentType, size: stored.size, sha256: stored.sha256 };
      }),
    );
  }
}
