import zlib from 'node:zlib';
import { Document, Packer, Paragraph } from 'docx';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { extractText } from './extract-text';
import { readZip, UNPACK_LIMITS } from '../platform/storage/unpack-limits';
import { handMadeZip, type ZipEntry } from '../../test/helpers/zip';

/** An entry with raw deflate data and the size the archive claims it inflates to. */
function deflated(name: string, data: Buffer, declared: number): ZipEntry {
  return { name, data, method: 'deflate', declared };
}

/**
 * Deflate data for `megabytes` MB of Word paragraphs, built without ever holding them: one megabyte is
 * compressed once with a full flush (so it depends on nothing before it) and repeated.
 */
function hugeDocumentXml(megabytes: number): { deflated: Buffer; size: number } {
  const head =
    '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const para = '<w:p><w:r><w:t>The same words again and again. </w:t></w:r></w:p>';
  const block = Buffer.from(para.repeat(Math.floor((1024 * 1024) / para.length)));
  const tail = '</w:body></w:document>';
  const flush = { finishFlush: zlib.constants.Z_FULL_FLUSH };
  const parts = [
    zlib.deflateRawSync(Buffer.from(head), flush),
    ...Array<Buffer>(megabytes).fill(zlib.deflateRawSync(block, flush)),
    zlib.deflateRawSync(Buffer.from(tail)),
  ];
  return { deflated: Buffer.concat(parts), size: head.length + block.length * megabytes + tail.length };
}

function docxBomb(megabytes: number, declare: 'truthfully' | 'falsely'): Buffer {
  const xml = hugeDocumentXml(megabytes);
  const small = (name: string, text: string) =>
    deflated(name, zlib.deflateRawSync(Buffer.from(text)), Buffer.byteLength(text));
  return handMadeZip([
    small(
      '[Content_Types].xml',
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    small(
      '_rels/.rels',
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    deflated('word/document.xml', xml.deflated, declare === 'truthfully' ? Math.min(xml.size, 0xffffffff) : 2000),
  ]);
}

async function refusedWithin(data: Buffer, name: string) {
  global.gc?.();
  const rss = process.memoryUsage().rss;
  const started = Date.now();
  const r = await extractText(name, data);
  return { r, ms: Date.now() - started, grewMb: (process.memoryUsage().rss - rss) / 1024 / 1024 };
}

/** A DOCX whose body is `megabytes` MB of bold one-character runs: few characters, a great deal of work for mammoth. */
function formattedRunsDocx(megabytes: number): Buffer {
  const run = '<w:r><w:rPr><w:b/></w:rPr><w:t>a</w:t></w:r>';
  const xml = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>${run.repeat(Math.floor((megabytes * 1024 * 1024) / run.length))}</w:p></w:body></w:document>`;
  const part = (name: string, text: string) =>
    deflated(name, zlib.deflateRawSync(Buffer.from(text)), Buffer.byteLength(text));
  return handMadeZip([
    part(
      '[Content_Types].xml',
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    part(
      '_rels/.rels',
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    part('word/document.xml', xml),
  ]);
}

/**
 * A one-page PDF, written object by object (with a correct xref), whose content stream inflates to
 * `megabytes` MB of text-showing operators: a few hundred kilobytes that pdf.js works on for half a minute or more.
 */
function contentStreamPdf(megabytes: number): Buffer {
  const op = '(a) Tj ';
  const stream = zlib.deflateSync(
    Buffer.from(`BT /F1 12 Tf 72 712 Td ${op.repeat(Math.floor((megabytes * 1024 * 1024) / op.length))} ET`),
  );
  const objects = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    ),
    Buffer.concat([
      Buffer.from(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`),
      stream,
      Buffer.from('\nendstream'),
    ]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
  ];
  const parts = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let offset = parts[0]!.length;
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(offset);
    parts.push(obj);
    offset += obj.length;
  });
  const xref = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
}

const realDocx = (paragraphs: string[]) =>
  Packer.toBuffer(new Document({ sections: [{ children: paragraphs.map((p) => new Paragraph(p)) }] }));

function realPdf(pages: string[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ autoFirstPage: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    for (const p of pages) doc.addPage().text(p);
    doc.end();
  });
}

describe('extractText: documents that expand when opened', () => {
  it('refuses a DOCX whose document.xml says it is 1 GB, quickly and without inflating it', async () => {
    const bomb = docxBomb(1024, 'truthfully');
    // Under the 5 MB upload limit, as the real one was.
    expect(bomb.length).toBeLessThan(5 * 1024 * 1024);
    const { r, ms, grewMb } = await refusedWithin(bomb, 'transcript.docx');
    expect(r).toEqual({
      ok: false,
      message: 'transcript.docx expands to more than 5 MB when opened; split it or save it as plain text',
    });
    // Generous bounds: inflating it would take gigabytes and many seconds.
    expect(ms).toBeLessThan(5_000);
    expect(grewMb).toBeLessThan(200);
  });

  it('refuses a DOCX that lies about its size, stopping as soon as it gives more than it declared', async () => {
    const { r, ms, grewMb } = await refusedWithin(docxBomb(1024, 'falsely'), 'notes.docx');
    expect(r).toEqual({
      ok: false,
      message: 'notes.docx expands to more than 5 MB when opened; split it or save it as plain text',
    });
    expect(ms).toBeLessThan(5_000);
    expect(grewMb).toBeLessThan(200);
  });

  it('refuses a document with more text than the limit, and one holding too many files', async () => {
    const docx = await realDocx(['A short paragraph of a transcript.', 'And another one.']);
    expect(await extractText('ok.docx', docx)).toMatchObject({
      ok: true,
      kind: 'docx',
      text: expect.stringContaining('A short paragraph'),
    });
    expect(await extractText('long.docx', docx, { ...UNPACK_LIMITS, maxTextChars: 20 })).toEqual({
      ok: false,
      message: 'long.docx expands to more than 20 characters of text when opened; split it or save it as plain text',
    });
    expect(
      await extractText('long.txt', Buffer.from('x'.repeat(21)), { ...UNPACK_LIMITS, maxTextChars: 20 }),
    ).toMatchObject({ ok: false });
    expect(await extractText('many.docx', docx, { ...UNPACK_LIMITS, maxEntries: 3 })).toEqual({
      ok: false,
      message: expect.stringMatching(/^many\.docx holds more than 3 files; split it/),
    });
  });

  it('reads a PDF page by page within the page, text and time limits', async () => {
    const pdf = await realPdf(['First page of the notes', 'Second page', 'Third page']);
    const read = await extractText('notes.pdf', pdf);
    expect(read).toMatchObject({ ok: true, kind: 'pdf' });
    expect(read.ok && read.text).toContain('Second page');
    expect(read.ok && read.text).not.toMatch(/-- \d+ of \d+ --/);
    expect(await extractText('notes.pdf', pdf, { ...UNPACK_LIMITS, maxPages: 2 })).toEqual({
      ok: false,
      message: 'notes.pdf has 3 pages, more than 2; split it or save it as plain text',
    });
    expect(await extractText('notes.pdf', pdf, { ...UNPACK_LIMITS, maxTextChars: 30 })).toEqual({
      ok: false,
      message: 'notes.pdf expands to more than 30 characters of text when opened; split it or save it as plain text',
    });
    expect(await extractText('notes.pdf', pdf, { ...UNPACK_LIMITS, maxMillis: 0 })).toEqual({
      ok: false,
      message: 'notes.pdf took more than 0 seconds to read; split it or save it as plain text',
    });
  });
});

describe('extractText: documents that take too long or too much memory to read', () => {
  // mammoth and pdf.js cannot be interrupted part-way, so these prove the reader's thread is stopped at the
  // limit: read to the end, the PDF takes over 30 seconds and the DOCX needs over 500 MB.
  it('stops reading a PDF whose one page inflates to 150 MB of text operators when the time runs out', async () => {
    const pdf = contentStreamPdf(150);
    expect(pdf.length).toBeLessThan(500 * 1024);
    const started = Date.now();
    const r = await extractText('slow.pdf', pdf, { ...UNPACK_LIMITS, maxMillis: 2_000 });
    expect(r).toEqual({
      ok: false,
      message: 'slow.pdf took more than 2 seconds to read; split it or save it as plain text',
    });
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it('refuses a DOCX of 10 MB of one-character runs: by its size, or by time or memory when those limits come first', async () => {
    const docx = formattedRunsDocx(9.5);
    expect(docx.length).toBeLessThan(100 * 1024);
    // Under the text limit (240,000 characters), so only the reader's cost can refuse it.
    expect(await extractText('runs.docx', docx)).toEqual({
      ok: false,
      message: 'runs.docx expands to more than 5 MB when opened; split it or save it as plain text',
    });
    const roomy = { ...UNPACK_LIMITS, maxEntryBytes: 10 * 1024 * 1024 };
    let started = Date.now();
    expect(await extractText('runs.docx', docx, { ...roomy, maxMillis: 2_000 })).toEqual({
      ok: false,
      message: 'runs.docx took more than 2 seconds to read; split it or save it as plain text',
    });
    expect(Date.now() - started).toBeLessThan(12_000);
    started = Date.now();
    expect(
      await extractText('runs.docx', docx, { ...roomy, maxMillis: 60_000, maxMemoryBytes: 64 * 1024 * 1024 }),
    ).toEqual({
      ok: false,
      message: 'runs.docx expands to more than 64 MB of memory when opened; split it or save it as plain text',
    });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('still reads a long formatted DOCX within the default limits', async () => {
    const r = await extractText('fine.docx', formattedRunsDocx(0.5));
    expect(r).toMatchObject({ ok: true, kind: 'docx' });
    const text = r.ok ? r.text.trim() : '';
    expect(text.length).toBe(Math.floor((0.5 * 1024 * 1024) / '<w:r><w:rPr><w:b/></w:rPr><w:t>a</w:t></w:r>'.length));
    expect(text.replaceAll('a', '')).toBe('');
  });
});

describe('readZip', () => {
  it('returns the entries asked for, inflated, and lists the rest', async () => {
    const docx = await realDocx(['Kept']);
    const { entries, files } = await readZip(docx, 'a.docx', (name) => name === 'word/document.xml');
    expect(entries.map((e) => e.name)).toContain('[Content_Types].xml');
    expect([...files.keys()]).toEqual(['word/document.xml']);
    expect(files.get('word/document.xml')!.toString()).toContain('Kept');
  });
  it('refuses an archive whose parts together are too large', async () => {
    const docx = await realDocx(['Kept']);
    await expect(readZip(docx, 'a.qdpx', () => false, { ...UNPACK_LIMITS, maxTotalBytes: 100 })).rejects.toThrow(
      'a.qdpx expands to more than 0 MB when opened',
    );
  });
});
