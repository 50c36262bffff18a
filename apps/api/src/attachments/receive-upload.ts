import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import busboy, { type Busboy } from 'busboy';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import {
  AttachmentTooLargeError,
  cleanFileName,
  UnsupportedAttachmentTypeError,
  type AttachmentStore,
  type ReceivedFile,
} from '@app/attachments';

/** What a multipart body may carry besides the file's bytes (boundaries, part headers, a few small fields). */
export const MULTIPART_ALLOWANCE = 64 * 1024;
/** The form field that carries the file. */
export const FILE_FIELD = 'file';

export interface ReceivedUpload {
  /** Received, not stored yet: the caller commits it once the upload is recorded, or discards it. */
  file: ReceivedFile;
  name: string;
}

/** The route the JSON-only guard of configureHttp lets through with a body in another format: it reads its own. */
export function isAttachmentUpload(req: Request): boolean {
  return req.method === 'POST' && /^\/attachments\/?$/.test(req.path);
}

/**
 * Reads a `multipart/form-data` upload as it arrives and streams its `file` part into the store:
 * nothing of the body is held in memory beyond the parser's buffers and the store's first bytes.
 * A body announced larger than the limit is refused before any of it is read; one that turns out
 * larger, or whose file is not of an allowed type, is refused as soon as that is known: reading
 * stops there, the answer says `Connection: close`, and the store has removed its temporary file.
 * What it answers is the file received, not yet stored: the caller commits or discards it.
 */
export function receiveUpload(req: Request, res: Response, store: AttachmentStore): Promise<ReceivedUpload> {
  const bodyLimit = store.limit + MULTIPART_ALLOWANCE;
  const announced = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(announced) && announced > bodyLimit) {
    res.setHeader('Connection', 'close');
    return Promise.reject(tooLarge(store.limit));
  }
  let parser: Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { files: 1, fileSize: store.limit + 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 50 },
    });
  } catch {
    return Promise.reject(
      new UnsupportedMediaTypeException({
        code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
        message: `send the file as multipart/form-data, in the field "${FILE_FIELD}"`,
      }),
    );
  }

  return new Promise<ReceivedUpload>((resolve, reject) => {
    let saving: Promise<ReceivedUpload> | null = null;
    let fileStream: Readable | null = null;
    let settled = false;
    let received = 0;

    const stopReading = () => {
      req.off('data', count);
      req.off('close', clientGone);
      req.unpipe(parser);
      req.pause();
      parser.destroy();
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      stopReading();
      fileStream?.destroy(error instanceof Error ? error : new Error(String(error)));
      // The rest of the body is not read: the connection cannot serve another request.
      res.setHeader('Connection', 'close');
      // The store removes a refused file's temporary file before its promise settles, and a file
      // received whole before the upload failed is discarded here: answer after that.
      void (saving ?? Promise.resolve(null))
        .then((upload) => upload?.file.discard())
        .catch(() => undefined)
        .then(() => reject(asHttpError(error, store.limit)));
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > bodyLimit) fail(new AttachmentTooLargeError(store.limit));
    };
    const clientGone = () => {
      if (!req.complete) fail(new BadRequestException({ code: 'REQUEST.ABORTED', message: 'the upload was cut off' }));
    };

    parser.on('file', (field, stream, info) => {
      if (field !== FILE_FIELD || saving) {
        stream.resume();
        return;
      }
      fileStream = stream;
      const name = cleanFileName(info.filename);
      saving = store.receive(stream).then((file) => ({ file, name }));
      saving.catch(fail);
    });
    parser.on('field', (_name, _value, info) => {
      if (info.valueTruncated)
        fail(new BadRequestException({ code: 'ATTACHMENT.FIELD_TOO_LONG', message: 'a form field is too long' }));
    });
    parser.on('error', (error: Error) =>
      fail(
        new BadRequestException({ code: 'ATTACHMENT.MALFORMED', message: `the multipart body is not valid: ${error.message}` }),
      ),
    );
    parser.on('close', () => {
      if (settled) return;
      if (!saving) {
        fail(new BadRequestException({ code: 'ATTACHMENT.NO_FILE', message: `send the file in the form field "${FILE_FIELD}"` }));
        return;
      }
      saving.then((upload) => {
        if (settled) return;
        settled = true;
        req.off('data', count);
        req.off('close', clientGone);
        resolve(upload);
      }, fail);
    });
    req.on('data', count);
    req.on('close', clientGone);
    req.pipe(parser);
  });
}

function tooLarge(limit: number): HttpException {
  return new PayloadTooLargeException({
    code: 'ATTACHMENT.TOO_LARGE',
    message: `a file may have at most ${describeSize(limit)}`,
  });
}

function asHttpError(error: unknown, limit: number): unknown {
  if (error instanceof AttachmentTooLargeError) return tooLarge(limit);
  if (error instanceof UnsupportedAttachmentTypeError) {
    return new UnsupportedMediaTypeException({ code: error.code, message: error.message });
  }
  return error;
}

function describeSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
