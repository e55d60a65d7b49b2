import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { ReportDoc } from './report';

const HEADINGS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

/** A Word document (Office Open XML) of the report, with real headings and tables for screen readers. */
export async function writeDocx(report: ReportDoc): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [new Paragraph({ text: report.title, heading: HeadingLevel.TITLE })];
  if (report.subtitle)
    children.push(new Paragraph({ children: [new TextRun({ text: report.subtitle, italics: true })] }));
  for (const b of report.blocks) {
    if (b.kind === 'heading') children.push(new Paragraph({ text: b.text, heading: HEADINGS[b.level] }));
    else if (b.kind === 'paragraph') children.push(new Paragraph({ text: b.text }));
    else if (b.kind === 'list')
      for (const item of b.items) children.push(new Paragraph({ text: item, bullet: { level: 0 } }));
    else {
      if (b.caption) children.push(new Paragraph({ children: [new TextRun({ text: b.caption, bold: true })] }));
      const row = (cells: (string | number)[], header: boolean) =>
        new TableRow({
          tableHeader: header,
          children: cells.map(
            (c) =>
              new TableCell({
                children: [new Paragraph({ children: [new TextRun({ text: String(c), bold: header })] })],
              }),
          ),
        });
      children.push(
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [row(b.head, true), ...b.rows.map((r) => row(r, false))],
        }),
      );
      children.push(new Paragraph({ text: '' }));
    }
  }
  const doc = new Document({ creator: 'Waymark', title: report.title, sections: [{ children }] });
  return Packer.toBuffer(doc);
}
