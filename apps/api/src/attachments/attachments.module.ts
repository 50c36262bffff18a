import { Module } from '@nestjs/common';
import { AttachmentStore, parseSize } from '@app/attachments';
import { AppConfig } from '@app/common';
import { AttachmentAccess, AttachmentReferences } from './attachment-access';
import { AttachmentsController } from './attachments.controller';
import { TemporaryUploadSweeper } from './temporary-upload-sweeper';

/**
 * POST /attachments and GET /attachments/:id over the content-addressed files in
 * `DATA_DIR/attachments`; uploads left unfinished are swept at start and every hour. Exports the
 * store, which `/audit/verify` uses to hash the files again.
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
    TemporaryUploadSweeper,
  ],
  exports: [AttachmentStore],
})
export class AttachmentsModule {}
