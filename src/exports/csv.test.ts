import { describe, expect, it } from 'vitest';
import { neutraliseCell, readCsv, restoreCell, toCsvText, writeCsv } from './csv';

describe('CSV formula injection (OWASP)', () => {
  it('writes a planted HYPERLINK formula as quoted text with a leading single quote', () => {
    const text = toCsvText(['note'], [['=HYPERLINK("http://x","y")']]);
    expect(text).toBe('\uFEFFnote\r\n"\'=HYPERLINK(""http://x"",""y"")"\r\n');
    // No cell of the file starts with a formula character once the CSV quoting is read.
    const read = readCsv(text);
    expect(read.ok && read.records[0]!.record.note).toBe('=HYPERLINK("http://x","y")');
  });

  it.each(['=1+2', '+SUM(A1)', '-2+3', '@SUM(A1)', '\tcmd', '\r=x'])('escapes a cell starting with %j', (cell) => {
    const line = writeCsv([[cell]], { bom: false }).split('\r\n')[0]!;
    expect(line.startsWith(`"'`)).toBe(true);
  });

  it('leaves ordinary text and numbers (negative numbers too) alone', () => {
    expect(toCsvText(['a', 'b', 'c'], [['x, y', 1, -2]])).toBe('\uFEFFa,b,c\r\n"x, y",1,-2\r\n');
    expect(neutraliseCell('Plain text = fine')).toBe('Plain text = fine');
  });

  it('doubles a literal leading quote, so the rule reads back without guessing', () => {
    for (const original of ["'quoted", "'=formula-looking", "''", '=x', "it's", 'plain', '-', "'"]) {
      expect(restoreCell(neutraliseCell(original))).toBe(original);
    }
    expect(neutraliseCell("'quoted")).toBe("''quoted");
    // A quote before an ordinary character is text a person typed, not an escape.
    expect(restoreCell("'tis")).toBe("'tis");
  });

  it('reads every escaped cell back to the text that was written', () => {
    const rows = [['=A1', "'x", '@b', '+c', '-d', '\te', 'plain']];
    const read = readCsv(writeCsv([['a', 'b', 'c', 'd', 'e', 'f', 'g'], ...rows]));
    expect(read.ok && Object.values(read.records[0]!.record)).toEqual(rows[0]);
  });

  it('quotes a cell with a line break, so a formula after the break stays inside its cell', () => {
    const note = "Great idea\n=cmd|' /C calc'!A0";
    const text = toCsvText(
      ['note', 'votes'],
      [
        [note, 3],
        ['two\r\nlines', 1],
      ],
    );
    expect(text).toBe('\uFEFFnote,votes\r\n"Great idea\n=cmd|\' /C calc\'!A0",3\r\n"two\r\nlines",1\r\n');
    // A strict reader sees one record per row, and the text comes back whole.
    const read = readCsv(text);
    expect(read.ok && read.records.map((r) => r.record.note)).toEqual([note, 'two\r\nlines']);
  });
});
