import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface StreamedUpload {
  /** e.g. `Bearer …` */
  authorization: string;
  /** The file's bytes, read as they are sent. */
  file: Readable;
  filename: string;
  /** What the client claims (never trusted). */
  contentType?: string;
  /** Announce the whole body's length up front (else it is sent chunked). */
  contentLength?: (multipartOverhead: number) => number;
  headers?: Record<string, string>;
  /** Go on sending after the answer, as a careless client does, until the server closes the connection. */
  keepSending?: boolean;
}

export interface StreamedUploadAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Bytes of the body written to the socket before the answer came (or the end). */
  bytesSent: number;
  /** The answer came before the whole body was sent. */
  answeredEarly: boolean;
  /** With `keepSending`: the error that ended the sending (the server closed the connection), if any. */
  sendingError: string | null;
}

/**
 * POSTs one file as `multipart/form-data` over a raw HTTP request, the body generated as it is
 * sent (with backpressure), as a browser or a document system would stream it. Stops sending as
 * soon as an answer arrives, as a well-behaved client does (unless `keepSending`), and reports how
 * much it had sent.
 */
export function streamUpload(url: string, upload: StreamedUpload): Promise<StreamedUploadAnswer> {
  const boundary = `----fut${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${upload.filename}"\r\n` +
      `Content-Type: ${upload.contentType ?? 'application/octet-stream'}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const headers: Record<string, string> = {
    authorization: upload.authorization,
    'content-type': `multipart/form-data; boundary=${boundary}`,
    ...(upload.contentLength ? { 'content-length': String(upload.contentLength(head.length + tail.length)) } : {}),
    ...upload.headers,
  };
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let finishedSending = false;
    let sendingDone = false;
    let sendingError: string | null = null;
    let answer: Omit<StreamedUploadAnswer, 'bytesSent' | 'sendingError'> | null = null;
    let answered = false;
    const req = request(url, { method: 'POST', headers });
    const settle = () => {
      if (answer && sendingDone) resolve({ ...answer, bytesSent, sendingError });
    };
    const stopSending = () => {
      upload.file.unpipe();
      upload.file.pause();
      upload.file.destroy();
      sendingDone = true;
    };
    req.on('response', (res) => {
      answered = true;
      const answeredEarly = !finishedSending;
      if (answeredEarly && !upload.keepSending) stopSending();
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown>;
        try {
          body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          body = { text };
        }
        answer = { status: res.statusCode ?? 0, headers: res.headers, body, answeredEarly };
        if (answeredEarly && !upload.keepSending) req.destroy();
        settle();
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // Writing into a connection the server closed after answering is expected; without an answer it is a failure.
      if (!answered) return reject(error);
      if (!sendingDone) {
        sendingError = error.code ?? error.message;
        stopSending();
      }
      settle();
    });
    req.on('close', () => {
      if (!sendingDone && answered) {
        sendingError ??= 'closed';
        stopSending();
        settle();
      }
    });
    const write = (chunk: Buffer): boolean => {
      bytesSent += chunk.length;
      return req.write(chunk);
    };
    write(head);
    upload.file.on('data', (chunk: Buffer) => {
      if (sendingDone || req.destroyed) return;
      if (!write(chunk)) {
        upload.file.pause();
        req.once('drain', () => upload.file.resume());
      }
    });
    upload.file.on('end', () => {
      if (sendingDone || req.destroyed) return;
      write(tail);
      finishedSending = true;
      sendingDone = true;
      req.end();
      settle();
    });
    upload.file.on('error', (error) => {
      if (!answered) reject(error);
    });
  });
}
