import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
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
  const { head, tail, headers } = multipartParts(upload);
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

/** The bytes before and after the file in a one-file `multipart/form-data` body, and the request's headers. */
function multipartParts(upload: StreamedUpload): { head: Buffer; tail: Buffer; headers: Record<string, string> } {
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
  return { head, tail, headers };
}

export interface BusyUploadAnswer {
  /** The answer's status, or null when the connection failed before the client had read an answer. */
  status: number | null;
  /** The answer as read, head and body (empty without one). */
  answer: string;
  /** Bytes of the body handed to the connection. */
  bytesSent: number;
  /** The error that ended the connection (EPIPE, ECONNRESET), if any. */
  error: string | null;
  /** From the first byte sent to the connection's close. */
  elapsedMs: number;
}

/**
 * POSTs one file as `multipart/form-data` over a raw socket, as a client busy sending does: the
 * body goes out as fast as the connection takes it, and the client looks at what the server sent
 * only every `lookEveryMs` (a document system pushing files from one busy thread, a browser tab on
 * a loaded machine). Once it sees an answer it stops sending, reads the answer to its end and
 * closes. A server that closes the connection under it before it looked (a RST: its next write
 * fails and the socket with the unread answer is gone) leaves it with no answer at all: `status`
 * null and the connection's `error`.
 */
export function busyUpload(url: string, upload: StreamedUpload & { lookEveryMs: number }): Promise<BusyUploadAnswer> {
  const { head, tail, headers } = multipartParts(upload);
  const target = new URL(url);
  const chunked = !upload.contentLength;
  const requestHead =
    `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('') +
    (chunked ? 'Transfer-Encoding: chunked\r\n' : '') +
    '\r\n';
  const frame = (bytes: Buffer): Buffer =>
    chunked ? Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]) : bytes;

  return new Promise((resolve) => {
    // Half-open allowed, as an HTTP client's: the server's FIN after its answer does not stop the sending.
    const socket = connect({ host: target.hostname, port: Number(target.port || 80), allowHalfOpen: true });
    const started = Date.now();
    let bytesSent = 0;
    let answer = '';
    let answered = false;
    let error: string | null = null;
    const stopSending = () => {
      upload.file.off('data', send);
      upload.file.destroy();
    };
    let waiting = false;
    const send = (chunk: Buffer) => {
      bytesSent += chunk.length;
      if (!socket.write(frame(chunk)) && !waiting) {
        waiting = true;
        upload.file.pause();
        socket.once('drain', () => {
          waiting = false;
          upload.file.resume();
        });
      }
    };
    // Looks at what came in, as the client gets round to it: until then it stays in the socket.
    const look = () => {
      for (let chunk: Buffer | null; (chunk = socket.read() as Buffer | null) !== null;) answer += chunk.toString('latin1');
      if (answered || !/\r\n\r\n/.test(answer)) return;
      answered = true;
      clearInterval(looking);
      stopSending();
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      socket.once('end', () => socket.destroy());
    };
    const looking = setInterval(look, upload.lookEveryMs);
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.once('close', () => {
      clearInterval(looking);
      stopSending();
      const status = answered ? Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? NaN) : null;
      resolve({ status, answer: answered ? answer : '', bytesSent, error, elapsedMs: Date.now() - started });
    });
    socket.once('connect', () => {
      socket.write(requestHead);
      send(head);
      upload.file.on('data', send);
      upload.file.once('end', () => {
        if (answered || socket.destroyed) return;
        socket.write(chunked ? Buffer.concat([frame(tail), Buffer.from('0\r\n\r\n')]) : tail);
      });
    });
  });
}
