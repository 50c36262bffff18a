import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message the sink accepted, with its envelope, decoded headers and plain-text body. */
export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Record<string, string>;
  subject: string;
  deliveryId: string;
  text: string;
  raw: string;
}

export interface SmtpSink {
  url: string;
  /** Messages accepted. */
  mails: ReceivedMail[];
  /** Messages answered `451 try again later`, as `refuse` chose. */
  refused: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A local SMTP server (no TLS, no auth) that keeps each message for the test. It accepts every
 * message, unless `refuse` says to answer this one with a temporary failure, as a full mailbox
 * or a greylisting server would.
 */
export async function startSmtpSink(options: { refuse?: (mail: ReceivedMail) => boolean } = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const refused: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // Without STARTTLS on offer nodemailer sends in clear, so the sink needs no certificate.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = parseHeaders(raw);
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          headers,
          subject: headers['subject'] ?? '',
          deliveryId: headers['x-delivery-id'] ?? '',
          text: bodyText(raw, headers),
          raw,
        };
        if (options.refuse?.(mail)) {
          refused.push(mail);
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          return;
        }
        mails.push(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The header block, unfolded, with lower-case names and RFC 2047 words decoded. */
function parseHeaders(raw: string): Record<string, string> {
  const block = raw.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n(?=[ \t])/g, '');
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return headers;
}

/** `=?UTF-8?Q?…?=` and `=?UTF-8?B?…?=` words, as nodemailer writes long or quoted subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(data: string): string {
  // As percent-encoding, so that multi-byte UTF-8 sequences decode together; a literal % first.
  const bytes = data
    .replace(/=\r?\n/g, '')
    .replace(/%/g, '%25')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes);
}

/** The single-part text body, decoded from its transfer encoding. */
function bodyText(raw: string, headers: Record<string, string>): string {
  const body = raw.slice(raw.search(/\r?\n\r?\n/)).replace(/^\r?\n\r?\n/, '');
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}
