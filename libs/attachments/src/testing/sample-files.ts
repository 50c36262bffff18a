import { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Small files of each kind an upload may be, built byte by byte as the formats define them, and a
 * few that must be refused; for the store's and the API's tests.
 */

/** A one-page PDF. */
export function samplePdf(text = 'Công văn trả lời kiến nghị'): Buffer {
  const content = `BT /F1 12 Tf 72 720 Td (${text.normalize('NFD').replace(/[^\x20-\x7e]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * A PDF of exactly `size` bytes, generated as it is read (a comment block pads it): nothing of it is
 * held in memory beyond one chunk.
 */
export function pdfStreamOfSize(size: number, chunkSize = 64 * 1024): Readable {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const tail = Buffer.from('\n%%EOF\n', 'latin1');
  if (size < head.length + tail.length) throw new Error(`a PDF needs at least ${head.length + tail.length} bytes`);
  const line = Buffer.alloc(chunkSize, '% padding of a scanned letter\n');
  let sent = 0;
  return new Readable({
    read() {
      if (sent === 0) {
        sent = head.length;
        this.push(head);
        return;
      }
      const left = size - tail.length - sent;
      if (left > 0) {
        const piece = line.subarray(0, Math.min(left, chunkSize));
        sent += piece.length;
        this.push(piece);
        return;
      }
      if (sent < size) {
        sent = size;
        this.push(tail);
        return;
      }
      this.push(null);
    },
  });
}

/** `size` bytes of plain text, generated as they are read (not a type an upload may be). */
export function textStreamOfSize(size: number, chunkSize = 64 * 1024): Readable {
  const line = Buffer.alloc(chunkSize, 'Biên bản họp tổ công tác — not a PDF at all.\n');
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const piece = line.subarray(0, Math.min(size - sent, chunkSize));
      sent += piece.length;
      this.push(piece);
    },
  });
}

export const samplePng = (): Buffer =>
  Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5d8d4d50000000049454e44ae426082',
    'hex',
  );
export const sampleJpeg = (): Buffer =>
  Buffer.concat([
    Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
    Buffer.alloc(64, 0),
    Buffer.from('ffd9', 'hex'),
  ]);
export const sampleGif = (): Buffer =>
  Buffer.from(
    'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;',
    'latin1',
  );
export const sampleWebp = (): Buffer => {
  const vp8l = Buffer.from('2f000000100710111188880800', 'hex');
  const chunk = Buffer.concat([Buffer.from('VP8L'), u32(vp8l.length), vp8l, Buffer.alloc(vp8l.length % 2)]);
  return Buffer.concat([Buffer.from('RIFF'), u32(4 + chunk.length), Buffer.from('WEBP'), chunk]);
};
export const sampleTiff = (): Buffer => Buffer.concat([Buffer.from('49492a0008000000', 'hex'), Buffer.alloc(32, 0)]);

export interface ZipEntrySpec {
  name: string;
  content: string | Buffer;
  /** Deflate it (default: stored). */
  deflate?: boolean;
}

/** A zip archive of these entries, in this order (local headers, central directory, end record). */
export function zip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content, 'utf8');
    const data = entry.deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(raw);
    const method = entry.deflate ? 8 : 0;
    const local = Buffer.concat([
      u32(0x04034b50),
      u16(20),
      u16(0x0800),
      u16(method),
      u16(0),
      u16(0x21),
      u32(crc),
      u32(data.length),
      u32(raw.length),
      u16(name.length),
      u16(0),
      name,
      data,
    ]);
    centrals.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(20),
        u16(20),
        u16(0x0800),
        u16(method),
        u16(0),
        u16(0x21),
        u32(crc),
        u32(data.length),
        u32(raw.length),
        u16(name.length),
        u16(0),
        u16(0),
        u16(0),
        u16(0),
        u32(0),
        u32(offset),
        name,
      ]),
    );
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(entries.length),
    u16(entries.length),
    u32(central.length),
    u32(offset),
    u16(0),
  ]);
  return Buffer.concat([...locals, central, end]);
}

const CONTENT_TYPES = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
  `<Default Extension="xml" ContentType="application/xml"/>` +
  `<Override PartName="/${main}" ContentType="application/vnd.openxmlformats-officedocument.${MAIN_TYPES[main]}"/></Types>`;
const MAIN_TYPES: Record<string, string> = {
  'word/document.xml': 'wordprocessingml.document.main+xml',
  'xl/workbook.xml': 'spreadsheetml.sheet.main+xml',
  'ppt/presentation.xml': 'presentationml.presentation.main+xml',
};

/** A Word (docx), Excel (xlsx) or PowerPoint (pptx) document, with its entries in the order Office writes them. */
export function sampleOoxml(kind: 'docx' | 'xlsx' | 'pptx'): Buffer {
  const main = { docx: 'word/document.xml', xlsx: 'xl/workbook.xml', pptx: 'ppt/presentation.xml' }[kind];
  return zip([
    { name: '[Content_Types].xml', content: CONTENT_TYPES(main), deflate: true },
    { name: '_rels/.rels', content: `<Relationships><Relationship Id="rId1" Target="${main}"/></Relationships>`, deflate: true },
    { name: main, content: '<document>Báo cáo kết quả giải quyết kiến nghị</document>', deflate: true },
  ]);
}

/** A docx whose first entries after `[Content_Types].xml` do not tell its kind: the declared main part does. */
export function sampleDocxTypesFirstOnly(): Buffer {
  return zip([
    { name: '[Content_Types].xml', content: CONTENT_TYPES('word/document.xml'), deflate: true },
    { name: 'docProps/core.xml', content: Buffer.alloc(80 * 1024, 'x'), deflate: false },
    { name: 'word/document.xml', content: '<document/>', deflate: true },
  ]);
}

/** An OpenDocument text (odt): its first entry `mimetype`, stored. */
export function sampleOdt(): Buffer {
  return zip([
    { name: 'mimetype', content: 'application/vnd.oasis.opendocument.text' },
    { name: 'content.xml', content: '<office:document-content/>', deflate: true },
    { name: 'META-INF/manifest.xml', content: '<manifest:manifest/>', deflate: true },
  ]);
}

/** A zip that is no Office document (a program's archive, say). */
export function samplePlainZip(): Buffer {
  return zip([{ name: 'setup.exe', content: Buffer.from('MZ\x90\x00', 'latin1') }]);
}

/**
 * A legacy Office compound file (OLE2): the 512-byte header, then a directory sector whose entries
 * name the root and the format's main stream (`WordDocument`, `Workbook`, `PowerPoint Document`),
 * after `padding` bytes of other sectors. `stream: null` names none (a compound file of another kind).
 */
export function sampleOle2(stream: 'WordDocument' | 'Workbook' | 'PowerPoint Document' | null, padding = 0): Buffer {
  const header = Buffer.alloc(512, 0);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(padding / 512, 0x30);
  const entry = (name: string, type: number) => {
    const record = Buffer.alloc(128, 0);
    const encoded = Buffer.from(name, 'utf16le');
    encoded.copy(record, 0);
    record.writeUInt16LE(encoded.length + 2, 0x40);
    record[0x42] = type;
    return record;
  };
  // Content that merely mentions a stream name, unaligned, must not count.
  const decoy = Buffer.concat([Buffer.alloc(3), Buffer.from('WordDocument', 'utf16le')]);
  const other = Buffer.alloc(padding, 0);
  decoy.copy(other, 0, 0, Math.min(decoy.length, padding));
  const directory = Buffer.concat([
    entry('Root Entry', 5),
    stream ? entry(stream, 2) : entry('__substg1.0_0037001F', 2),
    Buffer.alloc(256, 0),
  ]);
  return Buffer.concat([header, other, directory]);
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}
