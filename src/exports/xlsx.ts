import ExcelJS from 'exceljs';

/** An Excel workbook with one sheet per table: bold frozen header row, columns sized to their content. */
export async function toXlsx(sheets: { name: string; head: string[]; rows: (string | number)[][] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Waymark';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(s.head).font = { bold: true };
    for (const r of s.rows) ws.addRow(r);
    ws.columns.forEach((col, i) => {
      const longest = Math.max(s.head[i]?.length ?? 0, ...s.rows.slice(0, 500).map((r) => String(r[i] ?? '').length));
      col.width = Math.min(60, Math.max(8, longest + 2));
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
