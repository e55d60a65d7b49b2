import mammoth from 'mammoth';
import { PDFParse } from 'pdf-parse';
import { readZip, textLimitMessage, tooLargeWhenOpened, UNPACK_LIMITS, UnpackLimitError, type UnpackLimits } from '../platform/storage/unpack-limits';

export type ExtractResult = { ok: true; kind: 'txt' | 'docx' | 'pdf'; text: string } | { ok: false; message: string };

function tookTooLong(filename: string, limits: UnpackLimits) {
  return new UnpackLimitError(`${filename} took more than ${limits.maxMillis / 1000} seconds to read; split it or save it as plain text`);
}

async function docxText(filename: string, data: Buffer, limits: UnpackLimits): Promise<string> {
  // Sizes and count from the central directory, then every part inflated and counted, before mammoth sees it:
  // a 408 KB DOCX once became 419 million characters and 1.5 GB of memory.
  const { files } = await readZip(data, filename, (name) => name === 'word/document.xml', limits);
  // A cheap count of the body's text first: mammoth needs many times the XML's size in memory, so a document
  // that is over the text limit is refused before it gets there.
  const xml = files.get('word/document.xml')?.toString('utf8') ?? '';
  let chars = 0;
  for (const m of xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)) chars += m[1]!.replace(/&[#a-z0-9]+;/gi, '_').length;
  if (chars > limits.maxTextChars) throw tooLargeWhenOpened(filename, textLimitMessage(limits));
  const { value } = await mammoth.extractRawText({ buffer: data });
  return value;
}

async function pdfText(filename: string, data: Buffer, limits: UnpackLimits, started: number): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(data) });
  try {
    const { total } = await parser.getInfo();
    if (total > limits.maxPages) throw new UnpackLimitError(`${filename} has ${total.toLocaleString('en-GB')} pages, more than ${limits.maxPages.toLocaleString('en-GB')}; split it or save it as plain text`);
    // Page by page, so the text and time limits stop reading part-way instead of after the whole document.
    const pages: string[] = [];
    let chars = 0;
    for (let page = 1; page <= total; page++) {
      const { text } = await parser.getText({ partial: [page], pageJoiner: '' });
      chars += text.length;
      if (chars > limits.maxTextChars) throw tooLargeWhenOpened(filename, textLimitMessage(limits));
      if (Date.now() - started > limits.maxMillis) throw tookTooLong(filename, limits);
      pages.push(text);
    }
    return pages.join('\n');
  } finally {
    await parser.destroy();
  }
}

/**
 * Plain text from an uploaded TXT, DOCX or PDF, for analysis. Refuses other files, and any document
 * that opens to more than the unpacking limits (text length, size of its parts, pages, time), with a reason.
 */
export async function extractText(filename: string, data: Buffer, limits: UnpackLimits = UNPACK_LIMITS): Promise<ExtractResult> {
  const lower = filename.toLowerCase();
  const started = Date.now();
  try {
    let kind: 'txt' | 'docx' | 'pdf';
    let text: string;
    if (lower.endsWith('.txt') || lower.endsWith('.md')) {
      if (data.includes(0)) return { ok: false, message: `${filename} is not a text file` };
      kind = 'txt';
      text = data.toString('utf8').replace(/^\uFEFF/, '');
    } else if (lower.endsWith('.docx')) {
      if (data.subarray(0, 2).toString() !== 'PK') return { ok: false, message: `${filename} is not a Word document` };
      kind = 'docx';
      text = await docxText(filename, data, limits);
    } else if (lower.endsWith('.pdf')) {
      if (data.subarray(0, 5).toString() !== '%PDF-') return { ok: false, message: `${filename} is not a PDF` };
      kind = 'pdf';
      text = await pdfText(filename, data, limits, started);
    } else {
      return { ok: false, message: 'Upload a TXT, DOCX or PDF file' };
    }
    if (text.length > limits.maxTextChars) throw tooLargeWhenOpened(filename, textLimitMessage(limits));
    if (Date.now() - started > limits.maxMillis) throw tookTooLong(filename, limits);
    return { ok: true, kind, text };
  } catch (err) {
    if (err instanceof UnpackLimitError) return { ok: false, message: err.message };
    return { ok: false, message: `${filename} could not be read: ${(err as Error).message}` };
  }
}
