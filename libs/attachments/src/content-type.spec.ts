import { Ole2Directory, DOC, DOCX, nameForType, PDF, PPT, PPTX, sniffContentType, SNIFF_BYTES, XLS, XLSX } from './content-type';
import {
  sampleDocxTypesFirstOnly,
  sampleGif,
  sampleJpeg,
  sampleOdt,
  sampleOle2,
  sampleOoxml,
  samplePdf,
  samplePlainZip,
  samplePng,
  sampleTiff,
  sampleWebp,
} from './testing/sample-files';

function sniffWhole(file: Buffer) {
  return sniffContentType(file, true);
}

function ole2Type(file: Buffer, chunk = 100): string | null {
  const directory = new Ole2Directory();
  for (let at = 0; at < file.length; at += chunk) directory.update(file.subarray(at, at + chunk));
  return directory.contentType();
}

describe('the type of a file, from its bytes', () => {
  it.each([
    ['PDF', samplePdf(), PDF],
    ['PNG', samplePng(), 'image/png'],
    ['JPEG', sampleJpeg(), 'image/jpeg'],
    ['GIF', sampleGif(), 'image/gif'],
    ['WebP', sampleWebp(), 'image/webp'],
    ['TIFF', sampleTiff(), 'image/tiff'],
    ['docx', sampleOoxml('docx'), DOCX],
    ['xlsx', sampleOoxml('xlsx'), XLSX],
    ['pptx', sampleOoxml('pptx'), PPTX],
    ['docx known only from [Content_Types].xml', sampleDocxTypesFirstOnly(), DOCX],
    ['odt', sampleOdt(), 'application/vnd.oasis.opendocument.text'],
  ])('%s is recognised', (_kind, file, type) => {
    expect(sniffWhole(file)).toEqual({ kind: 'known', contentType: type });
  });

  it.each([
    ['plain text', Buffer.from('Biên bản họp — this is not a PDF\n')],
    ['a text that mentions %PDF- later', Buffer.from('hello %PDF-1.7')],
    ['HTML', Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['a Windows program', Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(64)])],
    ['a zip that is no Office document', samplePlainZip()],
    ['an empty file', Buffer.alloc(0)],
    ['SVG (scripts inside)', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')],
  ])('%s is refused', (_kind, file) => {
    expect(sniffWhole(file)).toEqual({ kind: 'unsupported' });
  });

  it('waits for more bytes only while they could still tell', () => {
    expect(sniffContentType(Buffer.from('%PD'), false)).toEqual({ kind: 'more' });
    expect(sniffContentType(Buffer.from('%PDF-1.7\n%âãÏÓ\n'), false)).toEqual({ kind: 'known', contentType: PDF });
    expect(sniffContentType(Buffer.from('just some text, long enough'), false)).toEqual({ kind: 'unsupported' });
    // A zip whose first entries do not yet tell: more, until the first 64 KiB are in.
    const docx = sampleDocxTypesFirstOnly();
    expect(sniffContentType(docx.subarray(0, 200), false)).toEqual({ kind: 'more' });
    expect(sniffContentType(samplePlainZip(), false)).toEqual({ kind: 'more' });
    // At 64 KiB the names seen so far do not tell; the declared main part of [Content_Types].xml does.
    expect(docx.indexOf('word/')).toBeGreaterThan(SNIFF_BYTES);
    expect(sniffContentType(docx.subarray(0, SNIFF_BYTES), false)).toEqual({ kind: 'known', contentType: DOCX });
  });

  it('a legacy Office file is told by the directory entry of its main stream, wherever the directory lies', () => {
    expect(sniffWhole(sampleOle2('WordDocument'))).toEqual({ kind: 'ole2' });
    expect(ole2Type(sampleOle2('WordDocument'))).toBe(DOC);
    expect(ole2Type(sampleOle2('Workbook', 512 * 40), 777)).toBe(XLS);
    expect(ole2Type(sampleOle2('PowerPoint Document', 512 * 3), 1)).toBe(PPT);
    // Another kind of compound file (an Outlook message, an installer), and a name in the content only.
    expect(ole2Type(sampleOle2(null, 1024))).toBeNull();
  });

  it('a download is named with the extension of its real type', () => {
    expect(nameForType('Công văn số 12.pdf', PDF)).toBe('Công văn số 12.pdf');
    expect(nameForType('letter.PDF', PDF)).toBe('letter.PDF');
    expect(nameForType('letter.exe', PDF)).toBe('letter.exe.pdf');
    expect(nameForType('photo', 'image/jpeg')).toBe('photo.jpg');
    expect(nameForType('báo cáo.docx', DOCX)).toBe('báo cáo.docx');
  });
});
