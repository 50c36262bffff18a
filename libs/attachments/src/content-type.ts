import { inflateRawSync } from 'node:zlib';

/**
 * What a file is, found from its bytes alone: the name it came with is never trusted. Allowed are
 * the documents a follow-up cites — PDF, images (PNG, JPEG, GIF, WebP, TIFF), Office documents
 * (OOXML docx/xlsx/pptx, legacy doc/xls/ppt) and OpenDocument files; anything else is refused.
 */

export const PDF = 'application/pdf';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
export const DOC = 'application/msword';
export const XLS = 'application/vnd.ms-excel';
export const PPT = 'application/vnd.ms-powerpoint';

/** How many leading bytes are enough to tell a file's type (the first entries of a zip fit easily). */
export const SNIFF_BYTES = 64 * 1024;

export type Sniffed =
  /** The type is known from the leading bytes. */
  | { kind: 'known'; contentType: string }
  /** A legacy Office (OLE2 compound) file: which one is told by its directory, which may lie anywhere; see {@link Ole2Directory}. */
  | { kind: 'ole2' }
  | { kind: 'unsupported' }
  /** Not enough bytes yet. */
  | { kind: 'more' };

const startsWith = (bytes: Buffer, magic: number[], at = 0) =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const SIGNATURES: Array<{ magic: number[]; at?: number; also?: { magic: number[]; at: number }; contentType: string }> = [
  { magic: ascii('%PDF-'), contentType: PDF },
  { magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], contentType: 'image/png' },
  { magic: [0xff, 0xd8, 0xff], contentType: 'image/jpeg' },
  { magic: ascii('GIF87a'), contentType: 'image/gif' },
  { magic: ascii('GIF89a'), contentType: 'image/gif' },
  { magic: ascii('RIFF'), also: { magic: ascii('WEBP'), at: 8 }, contentType: 'image/webp' },
  { magic: [0x49, 0x49, 0x2a, 0x00], contentType: 'image/tiff' },
  { magic: [0x4d, 0x4d, 0x00, 0x2a], contentType: 'image/tiff' },
];
/** The longest prefix a signature above needs. */
const SIGNATURE_BYTES = 12;
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * The type of a file from its first bytes. `complete` says the file has no more bytes than these;
 * otherwise an undecided answer is `more` until {@link SNIFF_BYTES} have come.
 */
export function sniffContentType(prefix: Buffer, complete: boolean): Sniffed {
  if (!complete && prefix.length < SIGNATURE_BYTES) return { kind: 'more' };
  for (const signature of SIGNATURES) {
    if (startsWith(prefix, signature.magic) && (!signature.also || startsWith(prefix, signature.also.magic, signature.also.at))) {
      return { kind: 'known', contentType: signature.contentType };
    }
  }
  if (startsWith(prefix, OLE2)) return { kind: 'ole2' };
  if (!startsWith(prefix, ZIP_LOCAL_HEADER)) return { kind: 'unsupported' };
  const found = officeZipType(prefix);
  if (found) return { kind: 'known', contentType: found };
  return complete || prefix.length >= SNIFF_BYTES ? { kind: 'unsupported' } : { kind: 'more' };
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  dataStart: number;
}

/** The local file headers whose names lie within the prefix. */
function zipEntries(prefix: Buffer): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const signature = Buffer.from(ZIP_LOCAL_HEADER);
  for (let at = prefix.indexOf(signature); at >= 0; at = prefix.indexOf(signature, at + 4)) {
    if (at + 30 > prefix.length) break;
    const nameLength = prefix.readUInt16LE(at + 26);
    const extraLength = prefix.readUInt16LE(at + 28);
    if (at + 30 + nameLength > prefix.length) break;
    entries.push({
      name: prefix.toString('utf8', at + 30, at + 30 + nameLength),
      method: prefix.readUInt16LE(at + 8),
      compressedSize: prefix.readUInt32LE(at + 18),
      dataStart: at + 30 + nameLength + extraLength,
    });
  }
  return entries;
}

const ODF_MIMETYPE = /^application\/vnd\.oasis\.opendocument\.[a-z]+(?:-[a-z]+)?$/;

/** An OOXML document (a zip with `[Content_Types].xml`) or an OpenDocument one (its first entry `mimetype`, stored). */
function officeZipType(prefix: Buffer): string | null {
  const entries = zipEntries(prefix);
  const first = entries[0];
  if (first?.name === 'mimetype' && first.method === 0 && first.dataStart + first.compressedSize <= prefix.length) {
    const declared = prefix.toString('ascii', first.dataStart, first.dataStart + first.compressedSize).trim();
    return ODF_MIMETYPE.test(declared) ? declared : null;
  }
  const types = entries.find((e) => e.name === '[Content_Types].xml');
  if (!types) return null;
  if (entries.some((e) => e.name.startsWith('word/'))) return DOCX;
  if (entries.some((e) => e.name.startsWith('xl/'))) return XLSX;
  if (entries.some((e) => e.name.startsWith('ppt/'))) return PPTX;
  return fromContentTypes(prefix, types);
}

/** The main part's type as `[Content_Types].xml` declares it, when that entry lies whole within the prefix. */
function fromContentTypes(prefix: Buffer, entry: ZipEntry): string | null {
  if (entry.compressedSize === 0 || entry.dataStart + entry.compressedSize > prefix.length) return null;
  const raw = prefix.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  let xml: string;
  try {
    xml = (entry.method === 8 ? inflateRawSync(raw, { maxOutputLength: SNIFF_BYTES * 4 }) : raw).toString('utf8');
  } catch {
    return null;
  }
  if (xml.includes('wordprocessingml.document.main') || xml.includes('wordprocessingml.template.main')) return DOCX;
  if (xml.includes('spreadsheetml.sheet.main') || xml.includes('spreadsheetml.template.main')) return XLSX;
  if (xml.includes('presentationml.presentation.main') || xml.includes('presentationml.slideshow.main')) return PPTX;
  return null;
}

/** Directory entry names (UTF-16LE) of the main stream of each legacy Office format, first match wins. */
const OLE2_STREAMS: Array<[Buffer, string]> = [
  [Buffer.from('WordDocument', 'utf16le'), DOC],
  [Buffer.from('Workbook', 'utf16le'), XLS],
  [Buffer.from('PowerPoint Document', 'utf16le'), PPT],
];
const DIRECTORY_ENTRY = 128;
const OLE2_HEADER = 512;
const STREAM_OBJECT = 2;

/**
 * Reads an OLE2 compound file as it streams past and notes the directory entries naming a Word,
 * Excel or PowerPoint main stream. Directory entries are 128 bytes, aligned within the file's
 * sectors, so only aligned records are looked at: a name that merely occurs in the content does
 * not count. Holds at most one record between chunks.
 */
export class Ole2Directory {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;
  private readonly found = new Set<string>();

  update(chunk: Buffer): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let at = 0;
    for (; at + DIRECTORY_ENTRY <= data.length; at += DIRECTORY_ENTRY) {
      if (this.offset + at >= OLE2_HEADER) this.entry(data, at);
    }
    this.offset += at;
    this.carry = Buffer.from(data.subarray(at));
  }

  /** The type told by the directory, or null when no Office main stream was named. */
  contentType(): string | null {
    for (const [, type] of OLE2_STREAMS) if (this.found.has(type)) return type;
    return null;
  }

  private entry(data: Buffer, at: number): void {
    // A directory entry: the name (UTF-16LE, NUL-terminated) in 64 bytes, its length in bytes at 0x40, its type at 0x42.
    if (data[at + 1] !== 0 || data[at + 0x42] !== STREAM_OBJECT) return;
    for (const [name, type] of OLE2_STREAMS) {
      if (data.readUInt16LE(at + 0x40) === name.length + 2 && data.compare(name, 0, name.length, at, at + name.length) === 0) {
        this.found.add(type);
      }
    }
  }
}

/** The usual file extensions of each type, the first one canonical: a download's name ends with one of them. */
const EXTENSIONS: Record<string, string[]> = {
  [PDF]: ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/tiff': ['tif', 'tiff'],
  [DOCX]: ['docx', 'docm', 'dotx'],
  [XLSX]: ['xlsx', 'xlsm', 'xltx'],
  [PPTX]: ['pptx', 'pptm', 'ppsx', 'potx'],
  [DOC]: ['doc', 'dot'],
  [XLS]: ['xls', 'xlt'],
  [PPT]: ['ppt', 'pps', 'pot'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'application/vnd.oasis.opendocument.graphics': ['odg'],
};

/**
 * The name a file is offered for download under: the name it came with, with the extension of its
 * real type added when it ends otherwise (`letter.exe` holding a PDF is offered as `letter.exe.pdf`).
 */
export function nameForType(name: string, contentType: string): string {
  const known = EXTENSIONS[contentType];
  if (!known) return name;
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension && known.includes(extension) ? name : `${name}.${known[0]}`;
}
