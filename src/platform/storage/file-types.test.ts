import { describe, expect, it } from 'vitest';
import { textZip as zip } from '../../../test/helpers/zip';
import { samples } from '../../../test/helpers/file-samples';
import { ALLOWED_TYPES, FileProblem, detectType, safeFilename } from './files';

function problem(fn: () => unknown): FileProblem {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FileProblem);
    return err as FileProblem;
  }
  throw new Error('expected a FileProblem');
}

describe('ALLOWED_TYPES', () => {
  it('lists each accepted kind with a content type, extensions and label', () => {
    expect(Object.keys(ALLOWED_TYPES).sort()).toEqual(['csv', 'docx', 'jpeg', 'pdf', 'png', 'pptx', 'txt', 'xlsx']);
    for (const t of Object.values(ALLOWED_TYPES)) {
      expect(t.contentType).toMatch(/^[a-z]+\/[\w.+-]+/);
      expect(t.extensions.length).toBeGreaterThan(0);
      for (const ext of t.extensions) expect(ext).toMatch(/^\.[a-z]+$/);
      expect(t.label).not.toBe('');
    }
    expect(ALLOWED_TYPES.pdf.contentType).toBe('application/pdf');
    expect(ALLOWED_TYPES.docx.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
  });
});

describe('detectType', () => {
  it.each([
    ['pdf', 'report.pdf'],
    ['docx', 'framework draft.docx'],
    ['xlsx', 'ratings.xlsx'],
    ['pptx', 'workshop.pptx'],
    ['png', 'photo.png'],
    ['jpeg', 'photo.jpg'],
    ['jpeg', 'photo.jpeg'],
    ['txt', 'notes.txt'],
    ['csv', 'export.csv'],
  ] as const)('accepts %s named %s', (kind, name) => {
    expect(detectType(samples[kind], name)).toBe(kind);
  });

  it('matches extensions case-insensitively', () => {
    expect(detectType(samples.png, 'PHOTO.PNG')).toBe('png');
    expect(detectType(samples.jpeg, 'Scan.JPeG')).toBe('jpeg');
  });

  it('recognises an Office file from the ZIP signature and an entry name alone', () => {
    const minimal = Buffer.concat([
      Buffer.from('PK\x03\x04', 'latin1'),
      Buffer.alloc(26),
      Buffer.from('word/document.xml'),
    ]);
    expect(detectType(minimal, 'a.docx')).toBe('docx');
  });

  it('finds the entry name beyond the first 64 KiB', () => {
    const big = Buffer.concat([
      Buffer.from('PK\x03\x04', 'latin1'),
      Buffer.alloc(100 * 1024),
      Buffer.from('ppt/slides/slide1.xml'),
    ]);
    expect(detectType(big, 'deck.pptx')).toBe('pptx');
  });

  it('lets the extension choose when one Office document embeds another', () => {
    const withEmbedded = zip({ 'word/document.xml': '<w:document/>', 'word/embeddings/x.bin': 'xl/workbook.xml' });
    expect(detectType(withEmbedded, 'a.docx')).toBe('docx');
    expect(detectType(withEmbedded, 'a.xlsx')).toBe('xlsx');
  });

  it('accepts text with a byte-order mark and leading whitespace', () => {
    expect(detectType(Buffer.from('\ufeff  hello', 'utf8'), 'a.txt')).toBe('txt');
    expect(detectType(Buffer.from('a < b, c > d\n', 'utf8'), 'maths.txt')).toBe('txt');
  });

  it('refuses an empty file', () => {
    expect(problem(() => detectType(Buffer.alloc(0), 'report.pdf')).message).toBe('“report.pdf” is empty');
  });

  it('refuses an executable', () => {
    const exe = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]);
    expect(problem(() => detectType(exe, 'x.exe')).message).toBe(
      '“x.exe” is not a type we accept. Attach PDF, Word, Excel, PowerPoint, PNG, JPEG, text or CSV files',
    );
  });

  it('refuses an accepted kind under an extension we do not accept', () => {
    expect(problem(() => detectType(samples.txt, 'script.sh')).message).toMatch(/is not a type we accept/);
    expect(problem(() => detectType(samples.txt, 'noextension')).message).toMatch(/is not a type we accept/);
    expect(problem(() => detectType(samples.txt, '.txt')).message).toMatch(/is not a type we accept/);
  });

  it('refuses unknown bytes even under an accepted extension', () => {
    const random = Buffer.from([0x00, 0x13, 0x37, 0xfe, 0xed, 0xfa, 0xce]);
    expect(problem(() => detectType(random, 'report.pdf')).message).toBe(
      '“report.pdf” is not really a PDF: we could not recognise its contents',
    );
  });

  it('refuses a ZIP that is not an Office document', () => {
    const plainZip = zip({ 'readme.txt': 'hi' });
    expect(problem(() => detectType(plainZip, 'a.docx')).message).toBe(
      '“a.docx” is not really a Word document: its contents are a ZIP archive',
    );
    expect(problem(() => detectType(plainZip, 'a.zip')).message).toMatch(/is not a type we accept/);
  });

  it.each([
    ['HTML', '<!DOCTYPE html><html><body>hi</body></html>'],
    ['HTML without doctype', '  \n\t<html><script>alert(1)</script></html>'],
    ['a script', '<script>alert(1)</script>'],
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ['XML', '<?xml version="1.0"?><root/>'],
    ['markup after a byte-order mark', '\ufeff<html></html>'],
  ])('refuses %s in a .txt file', (_what, text) => {
    expect(problem(() => detectType(Buffer.from(text, 'utf8'), 'notes.txt')).message).toBe(
      '“notes.txt” looks like a web page, which we do not accept',
    );
  });

  it('refuses markup in a .csv file too', () => {
    expect(problem(() => detectType(Buffer.from('<table><tr><td>1</td></tr></table>'), 'data.csv')).message).toMatch(
      /looks like a web page/,
    );
  });

  it('refuses an .html file as a type we do not accept', () => {
    expect(problem(() => detectType(Buffer.from('<html></html>'), 'page.html')).message).toMatch(
      /is not a type we accept/,
    );
  });

  it('refuses a PNG renamed .pdf, saying what it really is', () => {
    expect(problem(() => detectType(samples.png, 'photo.pdf')).message).toBe(
      '“photo.pdf” is not really a PDF: its contents are a PNG image. Rename it to end in .png and try again',
    );
  });

  it('refuses other mismatches between name and contents', () => {
    expect(problem(() => detectType(samples.pdf, 'report.docx')).message).toMatch(
      /^“report\.docx” is not really a Word document: its contents are a PDF\./,
    );
    expect(problem(() => detectType(samples.xlsx, 'sheet.docx')).message).toMatch(
      /its contents are an Excel spreadsheet/,
    );
    expect(problem(() => detectType(samples.jpeg, 'photo.png')).message).toMatch(/its contents are a JPEG image/);
    expect(problem(() => detectType(samples.txt, 'notes.pdf')).message).toBe(
      '“notes.pdf” is not really a PDF: its contents are plain text',
    );
    expect(problem(() => detectType(samples.png, 'photo')).message).toBe(
      '“photo” contains a PNG image but its name does not say so. Rename it to end in .png and try again',
    );
  });

  it('refuses NUL bytes in a .txt file', () => {
    expect(problem(() => detectType(Buffer.from('hello\0world'), 'notes.txt')).message).toMatch(
      /^“notes\.txt” is not plain text/,
    );
  });

  it('refuses UTF-16 text (which is full of NUL bytes)', () => {
    expect(() => detectType(Buffer.from('\ufeffhello', 'utf16le'), 'notes.txt')).toThrow(FileProblem);
  });

  it('refuses invalid UTF-8 in a .csv file', () => {
    const latin1 = Buffer.from('name,town\nZoë,Bromley\n', 'latin1');
    expect(problem(() => detectType(latin1, 'people.csv')).message).toBe(
      '“people.csv” is not plain text: it contains characters we cannot read. Save it as UTF-8 text and try again',
    );
    expect(() => detectType(Buffer.from([0x61, 0xc3]), 'cut.csv')).toThrow(FileProblem); // truncated sequence
  });

  it('shows a safe version of the name in messages', () => {
    expect(problem(() => detectType(Buffer.alloc(0), '../../etc/pass\u0000wd.txt')).message).toBe(
      '“passwd.txt” is empty',
    );
  });
});

describe('safeFilename', () => {
  it('keeps an ordinary name', () => {
    expect(safeFilename('Evidence log 2026.xlsx')).toBe('Evidence log 2026.xlsx');
    expect(safeFilename('Café réunion.pdf')).toBe('Café réunion.pdf');
  });

  it('keeps only the base name, for / and \\ paths', () => {
    expect(safeFilename('/home/ann/docs/report.pdf')).toBe('report.pdf');
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('C:\\Users\\ann\\Desktop\\report.pdf')).toBe('report.pdf');
    expect(safeFilename('a/b\\c/d\\plan.docx')).toBe('plan.docx');
  });

  it('strips control characters and invisible direction overrides', () => {
    expect(safeFilename('re\u0000po\nrt\t.pdf')).toBe('report.pdf');
    expect(safeFilename('bad\u0007\u001b[31m.txt')).toBe('bad[31m.txt');
    expect(safeFilename('photo\u202egnp.exe')).toBe('photognp.exe');
    expect(safeFilename('\u0085x\u009f.csv')).toBe('x.csv');
  });

  it('trims spaces and trailing dots', () => {
    expect(safeFilename('   notes.txt   ')).toBe('notes.txt');
    expect(safeFilename('notes.txt. . ')).toBe('notes.txt');
  });

  it('falls back to "attachment" when nothing usable is left', () => {
    expect(safeFilename('')).toBe('attachment');
    expect(safeFilename('   ')).toBe('attachment');
    expect(safeFilename('\u0000\u0001')).toBe('attachment');
    expect(safeFilename('uploads/')).toBe('attachment');
    expect(safeFilename('..')).toBe('attachment');
    expect(safeFilename('.')).toBe('attachment');
    expect(safeFilename('C:\\')).toBe('attachment');
  });

  it('limits very long names to 120 characters, keeping the extension', () => {
    const long = safeFilename(`${'a'.repeat(300)}.docx`);
    expect(long).toHaveLength(120);
    expect(long.endsWith('.docx')).toBe(true);
    expect(long).toBe(`${'a'.repeat(115)}.docx`);
  });

  it('does not cut a long name mid-character', () => {
    const long = safeFilename(`${'😀'.repeat(200)}.pdf`);
    expect(Array.from(long)).toHaveLength(120);
    expect(long.endsWith('😀.pdf')).toBe(true);
    expect(Buffer.from(long, 'utf8').toString('utf8')).toBe(long); // no lone surrogate
  });

  it('cuts a long name without a sensible extension at 120 characters', () => {
    expect(safeFilename('b'.repeat(500))).toBe('b'.repeat(120));
    expect(safeFilename(`x.${'y'.repeat(200)}`)).toHaveLength(120);
  });

  it('leaves a name of exactly 120 characters alone', () => {
    const name = `${'c'.repeat(116)}.pdf`;
    expect(safeFilename(name)).toBe(name);
  });
});
