/** The longest name kept, in characters. */
export const MAX_NAME_LENGTH = 255;
const FALLBACK_NAME = 'attachment';

/**
 * The name an uploaded file is recorded under: the last part of what the client sent (no folders),
 * in Unicode NFC, without control characters, trimmed and at most {@link MAX_NAME_LENGTH}
 * characters; `attachment` when nothing is left.
 */
export function cleanFileName(raw: string | undefined | null): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const printable = base.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
  const trimmed = [...printable.trim()].slice(0, MAX_NAME_LENGTH).join('').trim();
  return trimmed === '' || trimmed === '.' || trimmed === '..' ? FALLBACK_NAME : trimmed;
}

/**
 * `Content-Disposition: attachment` for a name in any script: `filename*` (RFC 5987/6266) carries
 * it in UTF-8, and `filename` an ASCII form for old clients (Vietnamese letters without their
 * marks: `Báo cáo đợt 1.pdf` → `Bao cao dot 1.pdf`).
 */
export function contentDisposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
