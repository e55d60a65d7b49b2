import PDFDocument from 'pdfkit';
import type { ReportDoc } from './report';

/** A PDF of the report, with a document title and simple tables that wrap across pages. */
export function toPdf(report: ReportDoc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: report.title, Author: 'Waymark' }, lang: 'en-GB', displayTitle: true, tagged: true });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const width = doc.page.width - 100;
    doc.font('Helvetica-Bold').fontSize(20).text(report.title, { width });
    if (report.subtitle) doc.moveDown(0.3).font('Helvetica-Oblique').fontSize(11).text(report.subtitle, { width });
    doc.moveDown();
    for (const b of report.blocks) {
      if (b.kind === 'heading') {
        doc.moveDown(0.5).font('Helvetica-Bold').fontSize(b.level === 1 ? 16 : b.level === 2 ? 13 : 11).text(b.text, { width });
        doc.moveDown(0.3);
      } else if (b.kind === 'paragraph') {
        doc.font('Helvetica').fontSize(10).text(b.text, { width });
        doc.moveDown(0.5);
      } else if (b.kind === 'list') {
        doc.font('Helvetica').fontSize(10).list(b.items, { width, bulletRadius: 2 });
        doc.moveDown(0.5);
      } else {
        if (b.caption) doc.font('Helvetica-Bold').fontSize(10).text(b.caption, { width }).moveDown(0.2);
        const cols = b.head.length;
        const colWidth = width / cols;
        const drawRow = (cells: (string | number)[], bold: boolean) => {
          doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
          const heights = cells.map((c) => doc.heightOfString(String(c), { width: colWidth - 4 }));
          const h = Math.max(...heights) + 4;
          if (doc.y + h > doc.page.height - 50) doc.addPage();
          const y = doc.y;
          cells.forEach((c, i) => doc.text(String(c), 50 + i * colWidth + 2, y + 2, { width: colWidth - 4 }));
          doc.moveTo(50, y + h).lineTo(50 + width, y + h).lineWidth(0.3).strokeColor('#aeb7bd').stroke();
          doc.x = 50;
          doc.y = y + h;
        };
        drawRow(b.head, true);
        for (const r of b.rows) drawRow(r, false);
        doc.moveDown();
      }
    }
    doc.end();
  });
}
