import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AttachmentStore, parseSize } from '@app/attachments';
import { AppConfig, LOGGER } from '@app/common';
import { AttachmentAccess, AttachmentReferences } from './attachment-access';
import { AttachmentsController } from './attachments.controller';

/** A temporary file this old is an upload a crash cut short. */
const STALE_UPLOAD_MS = 60 * 60 * 1000;

/**
 * POST /attachments and GET /attachments/:id over the content-addressed files in
 * `DATA_DIR/attachments`. Exports the store, which `/audit/verify` uses to hash the files again.
 */
@Module({
  controllers: [AttachmentsController],
  providers: [
    {
      provide: AttachmentStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new AttachmentStore(config.DATA_DIR, parseSize(config.ATTACHMENT_LIMIT)),
    },
    AttachmentReferences,
    AttachmentAccess,
  ],
  exports: [AttachmentStore],
})
export class AttachmentsModule implements OnModuleInit {
  constructor(
    private readonly store: AttachmentStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const removed = await this.store.sweepTemporary(STALE_UPLOAD_MS);
    if (removed > 0) this.logger.info({ removed }, 'removed uploads left unfinished by an earlier run');
  }
}
