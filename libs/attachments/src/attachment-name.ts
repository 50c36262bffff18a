/** The longest name kept, in characters. */
export const MAX_NAME_LENGTH = 255;
const FALLBACK_NAME = 'attachment';

/** An unpaired UTF-16 surrogate: with the `u` flag, a well-formed pair is one code point and never matches. */
const LONE_SURROGATE = /\p{Cs}/gu;
/** Control characters, and those that change the direction text is shown in. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The text with each unpaired surrogate replaced by U+FFFD, as `String.prototype.toWellFormed`
 * does. Such a string has no UTF-8 form: `encodeURIComponent` throws on it, and what is stored or
 * sent in UTF-8 is not what was recorded. A multipart parser decoding `filename*=utf-16le''%3D%D8`
 * yields one.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * The name an uploaded file is recorded under: the last part of what the client sent (no folders),
 * well-formed Unicode in NFC, without control characters, trimmed and at most
 * {@link MAX_NAME_LENGTH} characters; `attachment` when nothing is left.
 */
export function cleanFileName(raw: string | undefined | null): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const printable = wellFormed(base).normalize('NFC').replace(UNPRINTABLE, '');
  const trimmed = [...printable.trim()].slice(0, MAX_NAME_LENGTH).join('').trim();
  return trimmed === '' || trimmed === '.' || trimmed === '..' ? FALLBACK_NAME : trimmed;
}

/**
 * `Content-Disposition: attachment` for a name in any script: `filename*` (RFC 5987/6266) carries
 * it in UTF-8, and `filename` an ASCII form for old clients (Vietnamese letters without their
 * marks: `Báo cáo đợt 1.pdf` → `Bao cao dot 1.pdf`). Any name gives a header, even one not well-formed.
 */
export function contentDisposition(name: string): string {
  // Names recorded before uploads were made well-formed are made so here: the header never fails.
  const text = wellFormed(name);
  const ascii = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/gu, '_')
    .replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
