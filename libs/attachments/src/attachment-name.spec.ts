import { cleanFileName, contentDisposition, MAX_NAME_LENGTH } from './attachment-name';
import { parseSize } from './size';

describe('names of uploaded files', () => {
  it('keeps the last part of the name, in NFC, without control or direction-changing characters', () => {
    expect(cleanFileName('C:\\Users\\lan\\Công văn 12.pdf')).toBe('Công văn 12.pdf');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('Ba\u0301o ca\u0301o.pdf')).toBe('Báo cáo.pdf');
    expect(cleanFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanFileName('letter\r\nX-Injected: 1.pdf')).toBe('letterX-Injected: 1.pdf');
    expect(cleanFileName('  ')).toBe('attachment');
    expect(cleanFileName(undefined)).toBe('attachment');
    expect(cleanFileName('..')).toBe('attachment');
    expect([...cleanFileName('đ'.repeat(400))]).toHaveLength(MAX_NAME_LENGTH);
  });

  it('a name is well-formed Unicode: a lone surrogate becomes U+FFFD, a pair stays, and the cut never splits one', () => {
    // What a multipart parser decodes from `filename*=utf-16le''%3D%D8`.
    const lone = cleanFileName('\ud83d');
    expect(lone).toBe('\ufffd');
    expect(() => encodeURIComponent(lone)).not.toThrow();
    expect(cleanFileName('báo\udc00cáo\ud83d.pdf')).toBe('báo\ufffdcáo\ufffd.pdf');
    expect(cleanFileName('📄 biên bản.pdf')).toBe('📄 biên bản.pdf');
    const cut = cleanFileName('📄'.repeat(400));
    expect([...cut]).toHaveLength(MAX_NAME_LENGTH);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });

  it('Content-Disposition of a name recorded before names were made well-formed is a header, not an error', () => {
    expect(contentDisposition('\ud83d.pdf')).toBe(`attachment; filename="_.pdf"; filename*=UTF-8''%EF%BF%BD.pdf`);
    expect(contentDisposition('📄.pdf')).toBe(`attachment; filename="_.pdf"; filename*=UTF-8''%F0%9F%93%84.pdf`);
  });

  it('Content-Disposition carries the name in UTF-8 (RFC 5987) and an ASCII form without marks', () => {
    expect(contentDisposition('Báo cáo đợt 1.pdf')).toBe(
      `attachment; filename="Bao cao dot 1.pdf"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%C4%91%E1%BB%A3t%201.pdf`,
    );
    expect(contentDisposition('Đề nghị "gấp"; 50%.docx')).toBe(
      `attachment; filename="De nghi _gap__ 50_.docx"; filename*=UTF-8''%C4%90%E1%BB%81%20ngh%E1%BB%8B%20%22g%E1%BA%A5p%22%3B%2050%25.docx`,
    );
    expect(contentDisposition("it's (final).pdf")).toContain(`filename*=UTF-8''it%27s%20%28final%29.pdf`);
  });

  it('sizes as the configuration writes them', () => {
    expect(parseSize('20mb')).toBe(20 * 1024 * 1024);
    expect(parseSize('512kb')).toBe(512 * 1024);
    expect(parseSize('100b')).toBe(100);
    expect(() => parseSize('20 GB')).toThrow();
  });
});
