import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { writeDocx } from './docx';
import { toPdf } from './pdf';
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
    { kind: 'table', caption: 'Items', head: ['Item', 'Median'], rows: Array.from({ length: 80 }, (_, i) => [`Item ${i}`, i]) },
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
    const buf = await toXlsx([{ name: 'Responses', head: ['a', 'b'], rows: [['x', 1], ['y', 2]] }]);
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
