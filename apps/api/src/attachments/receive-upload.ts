import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import busboy, { type Busboy } from 'busboy';
import type { Request, Response } from 'express';
import type { Socket } from 'node:net';
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
/**
 * Once the answer to a body it has not read whole is out, the service keeps the connection for at
 * most this long, so that the client reads the answer before the connection is closed under it
 * (closeLingering).
 */
export const LINGER_MS = 2000;
/** Meanwhile, it reads and discards at most this much of what the client still sends (in flight included). */
export const LINGER_BYTES = 8 * 1024 * 1024;

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
 * Once such an answer is out, what the client still sends is read and discarded for a moment
 * before the connection closes, so that the client gets the answer (closeLingering).
 * What it answers is the file received, not yet stored: the caller commits or discards it.
 */
export function receiveUpload(req: Request, res: Response, store: AttachmentStore): Promise<ReceivedUpload> {
  const bodyLimit = store.limit + MULTIPART_ALLOWANCE;
  const announced = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(announced) && announced > bodyLimit) {
    closeLingering(req, res);
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
      closeLingering(req, res);
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

/**
 * Answers `Connection: close` on a request whose body is not read whole, and closes the connection
 * as nginx's and Apache's "lingering close" do. Once the answer is written, the service ends its
 * side (FIN) and reads and discards what the client still sends, at most LINGER_BYTES, then stops
 * reading; it closes the socket as soon as the client closes or the body ends, else LINGER_MS
 * after the answer.
 *
 * Why: a client streaming a body does not stop at once. Left to itself, Node, having flushed an
 * answer that says `Connection: close`, calls `socket.destroySoon()` (lib/_http_server.js,
 * resOnFinish): end, then destroy as soon as the FIN is out (lib/net.js). Closing a socket whose
 * receive buffer still holds unread bytes of the body makes the kernel send a RST, and so does
 * every segment the client sends after that. The client's next write fails (EPIPE, ECONNRESET) and
 * a client that had not read the answer yet — it was busy sending — reports a reset connection
 * instead of the 413.
 *
 * The budget. Reading on lets a client that stops at the answer finish cleanly: what it had already
 * sent (2 to 7 MB in the socket buffers on loopback here, far less on a real network) drains, its
 * FIN comes through, and nothing is reset. Past LINGER_BYTES (8 MB: 40 % of the 20 MB default
 * limit, 0.6 s of sending at 100 Mbit/s) the service reads no more: a client that goes on sending
 * is held still by TCP's flow control, which makes no error, until LINGER_MS are up and the socket
 * is closed (a RST then, if it is still sending). 2 s, as Apache lingers, covers a slow link's round
 * trips and the retransmission of a lost answer: the RST does not come before a client that reads
 * what it is sent has had the answer. Nothing is kept: the bytes pass through the HTTP parser and
 * are dropped, so memory stays flat; a client ignoring the answer costs 8 MB of reading at most and
 * a socket for 2 s.
 */
function closeLingering(req: Request, res: Response): void {
  res.setHeader('Connection', 'close');
  // A body nothing has taken yet (refused from its announced length) is taken now: what Node has
  // buffered of it is dropped, and no more than its high-water mark is buffered again until the
  // answer is out. Else Node, once the answer is out, sets the request to drop its body unseen
  // (req._dump()), and what is discarded below could not be counted.
  if (req.readableFlowing === null) req.read();
  const socket: Socket = req.socket;
  if (Object.hasOwn(socket, 'destroySoon')) return;
  // Node calls destroySoon() on the socket from the answer's 'finish', before any listener added
  // here runs: this socket's own destroySoon lingers instead, for this answer only.
  const restore = () => Reflect.deleteProperty(socket, 'destroySoon');
  res.once('finish', restore);
  res.once('close', restore);
  socket.destroySoon = () => {
    restore();
    if (req.complete || socket.destroyed) {
      // Nothing of the body left to read: close as Node would.
      socket.destroySoon();
      return;
    }
    socket.end();
    const stopReadingAt = socket.bytesRead + LINGER_BYTES;
    const discard = () => {
      if (socket.bytesRead <= stopReadingAt) return;
      // Past the budget: no more is read, and TCP holds the client's sending still.
      req.off('data', discard);
      req.pause();
      socket.pause();
    };
    const close = () => {
      clearTimeout(timer);
      req.off('data', discard);
      req.off('end', close);
      req.off('error', close);
      socket.off('close', close);
      socket.destroy();
    };
    const timer = setTimeout(close, LINGER_MS);
    req.on('data', discard);
    req.once('end', close);
    req.once('error', close);
    socket.once('close', close);
    req.resume();
  };
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
