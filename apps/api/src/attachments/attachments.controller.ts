import {
  Controller,
  Get,
  HttpCode,
  HttpException,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { AttachmentStore, contentDisposition, nameForType, verifiedAgainst, type ReceivedFile } from '@app/attachments';
import { ApplicationError, AttachmentCatalog, IdempotentRequests, type StoredAttachment } from '@app/application';
import { CLOCK, LOGGER, type Clock } from '@app/common';
import { deterministicUuid } from '@app/event-store';
import type { Actor } from '@app/recommendations';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { correlationId } from '../recommendations/request-context';
import { AttachmentAccess } from './attachment-access';
import { FILE_FIELD, receiveUpload } from './receive-upload';

/** The answer to an upload (API.md "Attachments and official documents"). */
export interface UploadAnswer {
  id: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string;
}

const answerOf = (a: StoredAttachment): UploadAnswer => ({
  id: a.id,
  name: a.name,
  size: a.size,
  contentType: a.contentType,
  sha256: a.sha256,
});

const notFound = () => new NotFoundException({ code: 'ATTACHMENT.NOT_FOUND', message: 'no attachment has this id' });

/**
 * Files cited by recommendations (the official letter that answers, photos, minutes). Uploaded by
 * the roles whose commands cite files — the secretariat, departments and communes; the committee
 * (whose commands cite none), auditors and the administrator upload nothing. Downloaded by the
 * uploader and by whoever may read an item citing the file; to anyone else it does not exist.
 */
@ApiTags('attachments')
@ApiBearerAuth()
@Controller('attachments')
export class AttachmentsController {
  constructor(
    private readonly store: AttachmentStore,
    private readonly catalog: AttachmentCatalog,
    private readonly access: AttachmentAccess,
    private readonly idempotency: IdempotentRequests,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('secretariat', 'department', 'commune')
  @ApiOperation({
    summary: 'Upload a file (PDF, image, Office or OpenDocument document) to cite in a command',
    description:
      'Streamed to disk under its sha256; the type is found from the bytes, not the name. At most ATTACHMENT_LIMIT (413 ATTACHMENT.TOO_LARGE, ' +
      'refused as soon as the upload passes it); another type → 415 ATTACHMENT.UNSUPPORTED_TYPE. Cite the answered id in `attachments`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: [FILE_FIELD], properties: { [FILE_FIELD]: { type: 'string', format: 'binary' } } },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retry with the same key and file returns the first answer',
  })
  @ApiResponse({ status: 201, description: '{ id, name, size, contentType, sha256 }' })
  async upload(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UploadAnswer> {
    const { file: received, name } = await receiveUpload(req, res, this.store);
    const { file } = received;
    // Stored only once recorded: a refused upload (another file under the key, the log failing)
    // leaves nothing behind. A file is thus recorded a moment before its bytes are under their
    // name; no one but its uploader has its id by then.
    const record = async (id: string) => {
      const recorded = await this.catalog.record({ id, name, ...file }, actor);
      await received.commit();
      return answerOf(recorded);
    };
    try {
      const header = req.headers['idempotency-key'];
      const key = typeof header === 'string' ? header : undefined;
      const answer = key
        ? await this.idempotency.run(
            // The file stands for the body: a retry sends the same bytes under the same name.
            { actor, key, method: req.method, path: req.path, body: { name, sha256: file.sha256, size: file.size } },
            {
              actor: { ...actor },
              occurredAt: this.clock.now().toISOString(),
              correlationId: correlationId(req),
              causationId: randomUUID(),
            },
            async (idSeed) => ({
              statusCode: 201,
              body: { ...(await this.recordOnce(deterministicUuid(`${idSeed}:attachment`), record, received)) },
            }),
          )
        : { statusCode: 201, body: { ...(await record(randomUUID())) } };
      const body = answer.body as unknown as UploadAnswer;
      res.status(answer.statusCode);
      res.setHeader('Location', `/attachments/${body.id}`);
      return body;
    } finally {
      // Nothing, once committed; else the temporary file (a retry answered as before, a refusal).
      await received.discard();
    }
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Download a file: to its uploader, and to whoever may read an item citing it (others: 404)',
    description:
      'Content-Type as found from the bytes, Content-Disposition attachment, X-Content-Type-Options nosniff, ETag the sha256.',
  })
  @ApiParam({ name: 'id', description: 'the id answered by POST /attachments' })
  @ApiQuery({
    name: 'item',
    type: String,
    required: false,
    description:
      'the item citing the file, as the caller read it: access is checked on that item directly (right even while lists lag)',
  })
  @ApiProduces('application/octet-stream')
  async download(
    @Param('id') id: string,
    @Query('item') item: unknown,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const attachment = await this.catalog.get(id);
    const namedItem = typeof item === 'string' ? item : undefined;
    if (!attachment || !(await this.access.mayRead(actor, attachment, namedItem))) throw notFound();
    const etag = `"${attachment.sha256}"`;
    // Every header is known before the file is opened: nothing that can fail stands between the
    // open and the try that closes it.
    const headers: Record<string, string> = {
      'Content-Type': attachment.contentType,
      'Content-Length': String(attachment.size),
      'Content-Disposition': contentDisposition(nameForType(attachment.name, attachment.contentType)),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-cache',
      ETag: etag,
    };
    const opened = await this.store.open(attachment.sha256);
    if (!opened) {
      throw new HttpException(
        { code: 'ATTACHMENT.FILE_MISSING', message: 'the stored file is missing (see /audit/verify)' },
        500,
      );
    }
    try {
      if (opened.size !== attachment.size) {
        throw new HttpException(
          { code: 'ATTACHMENT.FILE_CHANGED', message: 'the stored file has changed (see /audit/verify)' },
          500,
        );
      }
      res.status(200);
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      if (req.method === 'HEAD' || req.headers['if-none-match'] === etag) {
        if (req.method !== 'HEAD') {
          res.status(304).removeHeader('Content-Length');
        }
        res.end();
        return;
      }
      try {
        await pipeline(opened.stream, verifiedAgainst(attachment.sha256), res);
      } catch (error) {
        // Headers are gone: the connection is cut short, so the client sees an incomplete download.
        if (!res.destroyed) res.destroy();
        if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
          this.logger.error({ err: error, attachment: attachment.id }, 'attachment download failed');
        }
      }
    } finally {
      // Closes the file whatever happened above (a pipeline that ended has closed it already).
      opened.stream.destroy();
    }
  }

  /**
   * Records an upload under an id derived from its Idempotency-Key; a concurrent retry that
   * recorded it first is the same upload. Its bytes are committed again when they are the same:
   * a no-op, unless the first request was recorded but failed before its file was stored.
   */
  private async recordOnce(
    id: string,
    record: (id: string) => Promise<UploadAnswer>,
    received: ReceivedFile,
  ): Promise<UploadAnswer> {
    try {
      return await record(id);
    } catch (error) {
      if (!(error instanceof ApplicationError) || error.code !== 'ATTACHMENT.ALREADY_EXISTS') throw error;
      const existing = await this.catalog.get(id);
      if (!existing) throw error;
      if (existing.sha256 === received.file.sha256) await received.commit();
      return answerOf(existing);
    }
  }
}
