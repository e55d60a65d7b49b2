import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { PDFParse } from 'pdf-parse';
import { writeDocx } from './docx';
import { columnWidths, toPdf } from './pdf';
import { toXlsx } from './xlsx';
import { toCsvText } from './csv';
import type { ReportDoc } from './report';

const report: ReportDoc = {
  title: 'Study report',
  subtitle: 'Test',
  blocks: [
    { kind: 'heading', level: 1, text: 'Consensus definition' },
    { kind: 'paragraph', text: 'In when at least 70% rate 7–9.' },
    { kind: 'list', items: ['one', 'two'] },
    {
      kind: 'table',
      caption: 'Items',
      head: ['Item', 'Median'],
      rows: Array.from({ length: 80 }, (_, i) => [`Item ${i}`, i]),
    },
  ],
};

describe('document writers', () => {
  it('writes a DOCX (a zip with word/document.xml holding the text)', async () => {
    const buf = await writeDocx(report);
    expect(buf.subarray(0, 2).toString()).toBe('PK');
    expect(buf.includes(Buffer.from('word/document.xml'))).toBe(true);
  });
  it('writes a multi-page PDF with its title', async () => {
    const buf = await toPdf(report);
    const text = buf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text).toMatch(/\/Title \d+ 0 R/);
    expect(text).toContain('(Study report)');
    expect((text.match(/\/Type \/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
  it('writes an XLSX that Excel libraries read back', async () => {
    const buf = await toXlsx([
      {
        name: 'Responses',
        head: ['a', 'b'],
        rows: [
          ['x', 1],
          ['y', 2],
        ],
      },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Responses')!;
    expect(ws.getRow(1).values).toEqual([undefined, 'a', 'b']);
    expect(ws.getRow(3).values).toEqual([undefined, 'y', 2]);
  });
  it('writes CSV with a BOM and quoting', () => {
    expect(toCsvText(['a', 'b'], [['x, y', 1]])).toBe('\uFEFFa,b\r\n"x, y",1\r\n');
  });
});

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * What a person copying text out of the PDF gets: poppler's pdftotext (CI installs poppler-utils and must use it).
 * On a machine without it, pdf.js (through pdf-parse) reads the same ToUnicode maps, so `npm test` still checks
 * the text on a fresh machine; pages are joined with a form feed as pdftotext does.
 */
async function pdfText(pdf: Buffer): Promise<string> {
  if (hasPdftotext && !process.env.WAYMARK_TEST_PDFJS)
    return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, encoding: 'utf8' });
  if (process.env.CI) throw new Error('pdftotext is missing: install poppler-utils');
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText({ pageJoiner: '' });
    return result.pages.map((p) => p.text).join('\f');
  } finally {
    await parser.destroy();
  }
}

const WELSH = 'Gwenllian ap Dŵr, Ŷd a Ŵyn: gŵr ŷd';
const POLISH = 'Zażółć gęślą jaźń — Łódź, Wąchock';
const MATHS = 'Consensus when ≥ 70% rate 7–9 (≤ 3 is out, ± 1)';
const EMOJI = 'Well done 😀 🎉 👩‍⚕️ ✔ ★';

describe('PDFs in every script', () => {
  it('reads back Welsh, Polish, ≥ and emoji exactly, in titles, headings, paragraphs, lists and tables', async () => {
    const pdf = await toPdf({
      title: `Adroddiad ${WELSH}`,
      subtitle: POLISH,
      blocks: [
        { kind: 'heading', level: 1, text: MATHS },
        { kind: 'paragraph', text: EMOJI },
        { kind: 'list', items: [WELSH, POLISH] },
        {
          kind: 'table',
          head: ['Enw', 'Sgôr ≥'],
          rows: [
            [POLISH, 7],
            [EMOJI, 8],
          ],
        },
      ],
    });
    const text = await pdfText(pdf);
    const lines = text.split('\n').map((l) => l.trim());
    for (const line of [`Adroddiad ${WELSH}`, POLISH, MATHS, EMOJI, `• ${WELSH}`, `• ${POLISH}`])
      expect(lines).toContain(line);
    // Table cells sit side by side, so a reader may put them on one line.
    for (const cell of ['Enw', 'Sgôr ≥']) expect(text).toContain(cell);
    // No standard (Windows-1252 only) font is left: every font is embedded with a Unicode map.
    expect(pdf.includes(Buffer.from('/BaseFont /Helvetica'))).toBe(false);
  });

  it('drops emoji skin tones the monochrome emoji font cannot draw, rather than drawing a box', async () => {
    const pdf = await toPdf({ title: 'Thumbs 👍🏽 up', blocks: [] });
    expect((await pdfText(pdf)).split('\n')[0]).toBe('Thumbs 👍 up');
  });

  it('repeats the header row on every page of a long table and never splits a row across pages', async () => {
    const filler = 'reflection on leading the regional network with Dŵr and Łódź colleagues';
    const rows = Array.from({ length: 60 }, (_, i) => [`start-${i} ${filler} ${filler} ${filler} end-${i}`, i]);
    const pdf = await toPdf({
      title: 'Long',
      blocks: [{ kind: 'table', head: ['Datganiad (statement)', 'Canolrif'], rows }],
    });
    const pages = (await pdfText(pdf)).split('\f').filter((p) => p.trim() !== '');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) expect(page).toContain('Datganiad (statement)');
    for (let i = 0; i < rows.length; i++) {
      const page = pages.find((p) => p.includes(`start-${i} `));
      expect(page, `row ${i}`).toBeDefined();
      expect(page).toContain(`end-${i}`);
    }
  });

  it('gives the text column the room it needs and narrow columns just theirs', () => {
    expect(columnWidths([20, 600, 40], 495)).toEqual([20, 435, 40]);
    expect(columnWidths([300, 300], 400)).toEqual([200, 200]);
    const widths = columnWidths([30, 900, 300], 500);
    expect(widths[0]).toBe(30);
    expect(widths[1]! / widths[2]!).toBeCloseTo(3);
    expect(widths.reduce((a, b) => a + b)).toBeCloseTo(500);
  });
});

describe('DOCX in every script', () => {
  it('keeps Welsh, Polish, ≥ and emoji', async () => {
    const docx = await writeDocx({
      title: WELSH,
      blocks: [
        { kind: 'paragraph', text: POLISH },
        { kind: 'table', head: ['≥'], rows: [[EMOJI]] },
      ],
    });
    const { value } = await mammoth.extractRawText({ buffer: docx });
    for (const text of [WELSH, POLISH, '≥', EMOJI]) expect(value).toContain(text);
  });
});
