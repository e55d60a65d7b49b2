import PDFDocument from 'pdfkit';
import type { ReportDoc } from './report';
import { fontsToRegister, joinsPrevious, mainFont, runsOf, type Face } from './pdf-fonts';

const MARGIN = 50;
const CELL_PAD = 3;
const TABLE_SIZE = 8;
/** Emoji are about 1¼ em wide; joiners, variation selectors and skin tones take no width of their own. */
const EMOJI = /\p{Extended_Pictographic}/u;

type Doc = InstanceType<typeof PDFDocument>;

/**
 * Writes text in the embedded Unicode fonts, switching font run by run for characters Noto Sans
 * lacks (symbols, emoji). x and y place the first line; later runs continue on the same lines.
 */
function write(
  doc: Doc,
  text: string,
  face: Face,
  size: number,
  options: PDFKit.Mixins.TextOptions & { x?: number; y?: number },
) {
  const { x, y, ...rest } = options;
  const runs = runsOf(text, face);
  runs.forEach((run, i) => {
    doc.font(run.font).fontSize(size);
    const opts = { ...rest, continued: i < runs.length - 1 };
    if (i === 0 && x !== undefined && y !== undefined) doc.text(run.text, x, y, opts);
    else doc.text(run.text, opts);
  });
}

/**
 * The text as the main font would lay it out, with each fallback character replaced by letters at
 * least as wide, so measured heights and widths are never less than what is drawn.
 */
function forMeasuring(text: string, face: Face): string {
  return runsOf(text, face)
    .map((r) =>
      r.fallback
        ? [...r.text].map((ch) => (joinsPrevious(ch.codePointAt(0)!) ? '' : EMOJI.test(ch) ? 'MM' : 'M')).join('')
        : r.text,
    )
    .join('');
}

function heightOf(doc: Doc, text: string, face: Face, size: number, width: number): number {
  doc.font(mainFont(face)).fontSize(size);
  return doc.heightOfString(forMeasuring(text, face) || ' ', { width });
}

function widthOf(doc: Doc, text: string, face: Face, size: number): number {
  doc.font(mainFont(face)).fontSize(size);
  return doc.widthOfString(forMeasuring(text, face));
}

/**
 * Column widths that give each column what it needs: columns whose longest cell fits in a fair
 * share keep just that width, and the rest of the page goes to the wide (text) columns in
 * proportion to how much they hold.
 */
export function columnWidths(natural: number[], total: number): number[] {
  const widths = natural.map(() => 0);
  let open = natural.map((_, i) => i);
  let remaining = total;
  for (;;) {
    const fair = remaining / open.length;
    const narrow = open.filter((i) => natural[i]! <= fair);
    if (narrow.length === 0 || narrow.length === open.length) break;
    for (const i of narrow) {
      widths[i] = natural[i]!;
      remaining -= natural[i]!;
    }
    open = open.filter((i) => natural[i]! > fair);
  }
  const sum = open.reduce((s, i) => s + natural[i]!, 0);
  for (const i of open) widths[i] = sum > 0 ? (remaining * natural[i]!) / sum : remaining / open.length;
  return widths;
}

function drawTable(doc: Doc, head: string[], rows: string[][], width: number) {
  const bottom = () => doc.page.height - MARGIN;
  const natural = head.map(
    (h, i) =>
      Math.max(
        widthOf(doc, h, 'bold', TABLE_SIZE),
        ...rows.map((r) => widthOf(doc, r[i] ?? '', 'regular', TABLE_SIZE)),
      ) +
      2 * CELL_PAD +
      1,
  );
  const widths = columnWidths(natural, width);
  const lefts = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));

  const rowHeight = (cells: string[], face: Face) =>
    Math.max(...cells.map((c, i) => heightOf(doc, c, face, TABLE_SIZE, widths[i]! - 2 * CELL_PAD))) + 2 * CELL_PAD;
  const drawRow = (cells: string[], face: Face) => {
    const y = doc.y;
    let end = y + rowHeight(cells, face);
    cells.forEach((c, i) => {
      write(doc, c, face, TABLE_SIZE, { x: lefts[i]! + CELL_PAD, y: y + CELL_PAD, width: widths[i]! - 2 * CELL_PAD });
      end = Math.max(end, doc.y + CELL_PAD);
    });
    doc
      .moveTo(MARGIN, end)
      .lineTo(MARGIN + width, end)
      .lineWidth(face === 'bold' ? 0.8 : 0.3)
      .strokeColor('#aeb7bd')
      .stroke();
    doc.x = MARGIN;
    doc.y = end;
  };
  const headHeight = rowHeight(head, 'bold');
  const newPageWithHeader = () => {
    doc.addPage();
    drawRow(head, 'bold');
  };

  // Keep the header with the first row; a row that does not fit starts a new page, under the header again.
  if (doc.y + headHeight + (rows[0] ? rowHeight(rows[0], 'regular') : 0) > bottom()) doc.addPage();
  drawRow(head, 'bold');
  for (const r of rows) {
    const h = rowHeight(r, 'regular');
    const roomOnFreshPage = bottom() - MARGIN - headHeight;
    if (doc.y + h > bottom() && h <= roomOnFreshPage) newPageWithHeader();
    drawRow(r, 'regular');
  }
}

/**
 * A PDF of the report, with a document title and tables that wrap across pages. Text is set in
 * embedded Unicode fonts, so names and words in any script supported by Noto read back exactly.
 */
export function toPdf(report: ReportDoc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      info: { Title: report.title, Author: 'Waymark' },
      lang: 'en-GB',
      displayTitle: true,
      tagged: true,
    });
    for (const f of fontsToRegister()) doc.registerFont(f.name, f.data);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const width = doc.page.width - 2 * MARGIN;
    try {
      write(doc, report.title, 'bold', 20, { width });
      if (report.subtitle) {
        doc.moveDown(0.3);
        write(doc, report.subtitle, 'italic', 11, { width });
      }
      doc.moveDown();
      for (const b of report.blocks) {
        if (b.kind === 'heading') {
          doc.moveDown(0.5);
          write(doc, b.text, 'bold', b.level === 1 ? 16 : b.level === 2 ? 13 : 11, { width });
          doc.moveDown(0.3);
        } else if (b.kind === 'paragraph') {
          write(doc, b.text, 'regular', 10, { width });
          doc.moveDown(0.5);
        } else if (b.kind === 'list') {
          for (const item of b.items) {
            if (doc.y + heightOf(doc, item, 'regular', 10, width - 12) > doc.page.height - MARGIN) doc.addPage();
            const y = doc.y;
            write(doc, '•', 'regular', 10, { x: MARGIN + 2, y });
            write(doc, item, 'regular', 10, { x: MARGIN + 12, y, width: width - 12 });
            doc.x = MARGIN;
            doc.moveDown(0.2);
          }
          doc.moveDown(0.3);
        } else {
          if (b.caption) {
            write(doc, b.caption, 'bold', 10, { width });
            doc.moveDown(0.2);
          }
          drawTable(
            doc,
            b.head,
            b.rows.map((r) => r.map(String)),
            width,
          );
          doc.x = MARGIN;
          doc.moveDown();
        }
      }
      doc.end();
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
