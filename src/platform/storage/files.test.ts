import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALLOWED_TYPES, FileProblem, createFileStore, detectType, safeFilename } from './files';

/** A real (stored, uncompressed) ZIP archive holding the given entries. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES =
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';

const samples = {
  pdf: Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  docx: zip({
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': '<Relationships/>',
    'word/document.xml': '<w:document/>',
  }),
  xlsx: zip({
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': '<Relationships/>',
    'xl/workbook.xml': '<workbook/>',
  }),
  pptx: zip({
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': '<Relationships/>',
    'ppt/presentation.xml': '<p:presentation/>',
  }),
  png: Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
  ]),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]),
  txt: Buffer.from('Notes from the MSK workshop\nCafé — naïve “quotes” ✓\n', 'utf8'),
  csv: Buffer.from('statement,rating\n7.2,8\n7.3,6\n', 'utf8'),
};

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

describe('createFileStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'waymark-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves, reads back the same bytes and reports a correct sha256', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 * 1024 });
    const saved = await store.save(samples.pdf, 'Report.pdf');
    expect(saved).toEqual({
      key: expect.stringMatching(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/),
      filename: 'Report.pdf',
      contentType: 'application/pdf',
      size: samples.pdf.length,
      sha256: createHash('sha256').update(samples.pdf).digest('hex'),
    });
    const back = await store.read(saved.key);
    expect(back.equals(samples.pdf)).toBe(true);
  });

  it('round-trips every accepted kind with the content type from its bytes', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 * 1024 });
    const names = {
      pdf: 'a.pdf',
      docx: 'a.docx',
      xlsx: 'a.xlsx',
      pptx: 'a.pptx',
      png: 'a.png',
      jpeg: 'a.jpg',
      txt: 'a.txt',
      csv: 'a.csv',
    };
    for (const [kind, buffer] of Object.entries(samples) as [keyof typeof samples, Buffer][]) {
      const saved = await store.save(buffer, names[kind]);
      expect(saved.contentType).toBe(ALLOWED_TYPES[kind].contentType);
      expect((await store.read(saved.key)).equals(buffer)).toBe(true);
    }
  });

  it('stores files in two-level folders from the key, private to the owner, with no temp files left', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const { key } = await store.save(samples.csv, 'x.csv');
    const [a, b, id] = key.split('/') as [string, string, string];
    expect(a + b).toBe(id.slice(0, 4));
    expect(store.path(key)).toBe(path.join(dir, a, b, id));
    expect(await readdir(path.join(dir, a, b))).toEqual([id]);
    if (process.platform !== 'win32') {
      expect((await stat(store.path(key))).mode & 0o777).toBe(0o600);
    }
  });

  it('gives every file its own key', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const keys = await Promise.all(
      Array.from({ length: 20 }, () => store.save(samples.txt, 'a.txt').then((s) => s.key)),
    );
    expect(new Set(keys).size).toBe(20);
  });

  it('keeps a safe file name', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const saved = await store.save(samples.png, '..\\..\\pho\u0000to.png');
    expect(saved.filename).toBe('photo.png');
  });

  it('refuses a file over the limit, in words a person can act on, before looking at its type', async () => {
    const store = createFileStore(dir, { maxBytes: 10 * 1024 * 1024 });
    const big = Buffer.alloc(Math.round(12.4 * 1024 * 1024), 0x41); // not an accepted type either
    await expect(store.save(big, 'x.exe')).rejects.toThrow(
      new FileProblem('The file is 12.4 MB. Files must be 10 MB or smaller'),
    );
    await expect(store.save(big, 'x.exe')).rejects.toBeInstanceOf(FileProblem);
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not say a file just over the limit is the same size as the limit', async () => {
    const store = createFileStore(dir, { maxBytes: 10 * 1024 * 1024 });
    await expect(store.save(Buffer.alloc(10 * 1024 * 1024 + 1), 'a.txt')).rejects.toThrow(
      'The file is just over 10 MB. Files must be 10 MB or smaller',
    );
  });

  it('accepts a file of exactly the limit and describes small limits sensibly', async () => {
    const store = createFileStore(dir, { maxBytes: samples.csv.length });
    await expect(store.save(samples.csv, 'a.csv')).resolves.toMatchObject({ size: samples.csv.length });
    const tiny = createFileStore(dir, { maxBytes: 10 });
    await expect(tiny.save(samples.csv, 'a.csv')).rejects.toThrow(
      `The file is ${samples.csv.length} bytes. Files must be 10 bytes or smaller`,
    );
  });

  it('refuses a file of the wrong type and writes nothing', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    await expect(store.save(Buffer.from('<html></html>'), 'notes.txt')).rejects.toBeInstanceOf(FileProblem);
    await expect(store.save(Buffer.alloc(0), 'empty.pdf')).rejects.toThrow('“empty.pdf” is empty');
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes a file, after which reading it fails; removing again is fine', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const { key } = await store.save(samples.txt, 'a.txt');
    await store.remove(key);
    await expect(store.read(key)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.remove(key)).resolves.toBeUndefined();
    await expect(store.remove('00/00/0000aaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee')).resolves.toBeUndefined();
  });

  it.each([
    '../x',
    '/etc/passwd',
    'ab/cd/../../x',
    '../../../../etc/passwd',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc/../../../../x',
    'ab\\cd\\abcd1234-1234-4123-8123-123456789abc',
    '/ab/cd/abcd1234-1234-4123-8123-123456789abc',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc/',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc\n',
    'AB/CD/ABCD1234-1234-4123-8123-123456789ABC',
    'ff/ff/abcd1234-1234-4123-8123-123456789abc',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc.tmp',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc\u0000',
    '',
  ])('refuses the key %j before touching the filesystem', async (key) => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    expect(() => store.path(key)).toThrow('Not a valid file key');
    await expect(store.read(key)).rejects.toThrow('Not a valid file key');
    await expect(store.remove(key)).rejects.toThrow('Not a valid file key');
  });

  it('refuses a key that is not a string', () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    expect(() => store.path(undefined as unknown as string)).toThrow('Not a valid file key');
  });

  it('accepts a well-formed key it did not create (it is just a path)', () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const key = 'ab/cd/abcd1234-1234-4123-8123-123456789abc';
    expect(store.path(key)).toBe(path.join(dir, 'ab', 'cd', 'abcd1234-1234-4123-8123-123456789abc'));
  });

  it('refuses a nonsensical size limit', () => {
    expect(() => createFileStore(dir, { maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => createFileStore(dir, { maxBytes: Number.NaN })).toThrow(/maxBytes/);
    expect(() => createFileStore(dir, { maxBytes: 1.5 })).toThrow(/maxBytes/);
  });

  it('works with a relative directory', async () => {
    const relative = path.relative(process.cwd(), dir);
    const store = createFileStore(relative, { maxBytes: 1024 });
    const { key } = await store.save(samples.txt, 'a.txt');
    expect(path.isAbsolute(store.path(key))).toBe(true);
    expect(store.path(key).startsWith(dir + path.sep)).toBe(true);
  });
});
