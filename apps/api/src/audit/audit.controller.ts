import { BadRequestException, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AttachmentStore } from '@app/attachments';
import { AuditSigner, exportLines, verifyLog, type HeldCheckpoint } from '@app/audit';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { Public, Roles } from '../auth/auth.guard';
import { Expensive } from '../throttling/expensive.interceptor';
import { AuditEventsRequestDto, VerifyRequestDto } from './audit.request.dto';

/** For auditors: the raw log, its integrity, and the key that signs its checkpoints. Every answer comes from the log alone. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly signer: AuditSigner,
    private readonly attachments: AttachmentStore,
  ) {}

  /** NDJSON, one event per line, written as the client reads (backpressure), resumable by position. */
  @Get('events')
  @Roles('auditor')
  @Expensive()
  @ApiProduces('application/x-ndjson')
  @ApiOperation({ summary: 'The global log as NDJSON, filtered by stream, type and time, resumable by position' })
  async events(@Query() dto: AuditEventsRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lines = exportLines(this.store, {
      fromPosition: dto.fromPosition ? BigInt(dto.fromPosition) : undefined,
      limit: dto.limit,
      stream: dto.stream,
      type: dto.type,
      from: dto.from ? new Date(dto.from) : undefined,
      to: dto.to ? new Date(dto.to) : undefined,
    });
    res.status(200).setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    let closed = false;
    req.once('close', () => (closed = true));
    for await (const line of lines) {
      if (closed) break;
      if (!res.write(line)) await drainedOrClosed(req, res);
    }
    res.end();
  }

  @Get('verify')
  @Roles('auditor')
  @Expensive()
  @ApiOperation({
    summary: 'Recompute every hash chain, check every signed checkpoint (and one you hold), and hash every cited file again',
  })
  async verify(@Query() dto: VerifyRequestDto) {
    const held: HeldCheckpoint[] = [];
    if (dto.position !== undefined || dto.rootHash !== undefined) {
      if (!dto.position || !dto.rootHash || dto.events === undefined) {
        throw new BadRequestException({
          code: 'VALIDATION.FAILED',
          message: 'a held checkpoint needs position, events and rootHash',
        });
      }
      held.push({ position: dto.position, events: dto.events, rootHash: dto.rootHash, signature: dto.signature });
    }
    return verifyLog(this.store, { publicKey: this.signer.publicKey, held, files: this.attachments });
  }

  @Get('public-key')
  @Public()
  @ApiOperation({ summary: 'The Ed25519 public key that checks audit checkpoint signatures' })
  publicKey() {
    return { algorithm: 'Ed25519', publicKey: this.signer.publicKeyPem(), fingerprint: this.signer.fingerprint() };
  }
}

/** Waits until the client took what was written, or went away; leaves no listener behind. */
function drainedOrClosed(req: Request, res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      req.off('close', done);
      resolve();
    };
    res.once('drain', done);
    req.once('close', done);
  });
}
