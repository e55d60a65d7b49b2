import mammoth from 'mammoth';
import { PDFParse } from 'pdf-parse';

export type ExtractResult = { ok: true; kind: 'txt' | 'docx' | 'pdf'; text: string } | { ok: false; message: string };

/** Plain text from an uploaded TXT, DOCX or PDF, for analysis. Refuses other files with a reason. */
export async function extractText(filename: string, data: Buffer): Promise<ExtractResult> {
  const lower = filename.toLowerCase();
  try {
    if (lower.endsWith('.txt') || lower.endsWith('.md')) {
      if (data.includes(0)) return { ok: false, message: `${filename} is not a text file` };
      return { ok: true, kind: 'txt', text: data.toString('utf8').replace(/^\uFEFF/, '') };
    }
    if (lower.endsWith('.docx')) {
      if (data.subarray(0, 2).toString() !== 'PK') return { ok: false, message: `${filename} is not a Word document` };
      const { value } = await mammoth.extractRawText({ buffer: data });
      return { ok: true, kind: 'docx', text: value };
    }
    if (lower.endsWith('.pdf')) {
      if (data.subarray(0, 5).toString() !== '%PDF-') return { ok: false, message: `${filename} is not a PDF` };
      const parser = new PDFParse({ data: new Uint8Array(data) });
      try {
        const { text } = await parser.getText();
        return { ok: true, kind: 'pdf', text: text.replace(/\n-- \d+ of \d+ --\n/g, '\n') };
      } finally {
        await parser.destroy();
      }
    }
  } catch (err) {
    return { ok: false, message: `${filename} could not be read: ${(err as Error).message}` };
  }
  return { ok: false, message: 'Upload a TXT, DOCX or PDF file' };
}
