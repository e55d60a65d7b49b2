import { describe, expect, it } from 'vitest';
import {
  adjustSpan,
  checkSpans,
  cpLength,
  cpToUtf16,
  cpToUtf8,
  sliceCp,
  spanFromUtf16,
  spanProblem,
  spanToUtf16,
  splitText,
  utf16ToCp,
  utf8ToCp,
  type Piece,
} from './spans';

const FAMILY = '👨‍👩‍👧'; // man ZWJ woman ZWJ girl: 5 code points, 8 UTF-16 units, 1 grapheme
const FLAG = '🏴󠁧󠁢󠁷󠁬󠁳󠁿'; // Wales: black flag + 5 tag characters + cancel tag = 7 code points
const UK = '🇬🇧'; // two regional indicators
const E_ACUTE = 'e\u0301'; // e + combining acute: 2 code points, 1 grapheme

describe('code-point lengths and slices', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(cpLength('')).toBe(0);
    expect(cpLength('abc')).toBe(3);
    expect(cpLength('ŵŷ')).toBe(2);
    expect(cpLength('w\u0302')).toBe(2);
    expect(cpLength('😀')).toBe(1);
    expect(cpLength(FAMILY)).toBe(5);
    expect(cpLength(UK)).toBe(2);
    expect(cpLength(FLAG)).toBe(7);
    expect(cpLength('a\r\nb')).toBe(4);
    expect(cpLength('\ud800x')).toBe(2); // a lone surrogate is one code point
  });

  it('slices by code points', () => {
    const text = `Hi ${FAMILY} llŷn ${UK}!`;
    expect(sliceCp(text, 0, 2)).toBe('Hi');
    expect(sliceCp(text, 3, 8)).toBe(FAMILY);
    expect(sliceCp(text, 9, 13)).toBe('llŷn');
    expect(sliceCp(text, 14, 16)).toBe(UK);
    expect(sliceCp(text, 16, 17)).toBe('!');
    expect(sliceCp(text, 17, 17)).toBe('');
    expect(sliceCp('', 0, 0)).toBe('');
    expect(sliceCp(`caf${E_ACUTE}`, 3, 5)).toBe(E_ACUTE);
  });

  it('refuses slices outside the text or inverted', () => {
    expect(() => sliceCp('abc', 0, 4)).toThrow(RangeError);
    expect(() => sliceCp('abc', -1, 2)).toThrow(RangeError);
    expect(() => sliceCp('abc', 2, 1)).toThrow(/starts after it ends/);
    expect(() => sliceCp('abc', 0.5, 2)).toThrow(RangeError);
  });
});

describe('UTF-16 and UTF-8 conversions', () => {
  const text = `a😀ŵ${FAMILY}\r\n${E_ACUTE}`;

  it('maps code points to UTF-16 indices and back', () => {
    const cps = cpLength(text);
    for (let cp = 0; cp <= cps; cp++) expect(utf16ToCp(text, cpToUtf16(text, cp))).toBe(cp);
    expect(cpToUtf16(text, 1)).toBe(1);
    expect(cpToUtf16(text, 2)).toBe(3); // after the surrogate pair
    expect(cpToUtf16(text, cps)).toBe(text.length);
  });

  it('refuses a UTF-16 index inside a surrogate pair or outside the text', () => {
    expect(() => utf16ToCp(text, 2)).toThrow(/inside a character/);
    expect(() => utf16ToCp(text, text.length + 1)).toThrow(RangeError);
    expect(() => utf16ToCp(text, -1)).toThrow(RangeError);
    expect(() => cpToUtf16(text, cpLength(text) + 1)).toThrow(/past the end/);
  });

  it('converts spans for the browser', () => {
    const span = { start: 3, end: 8 };
    const u16 = spanToUtf16(text, span);
    expect(text.slice(u16.start, u16.end)).toBe(FAMILY);
    expect(spanFromUtf16(text, u16)).toEqual(span);
  });

  it('maps code points to UTF-8 byte offsets and back', () => {
    const bytes = Buffer.from(text, 'utf8');
    const cps = cpLength(text);
    for (let cp = 0; cp <= cps; cp++) {
      const b = cpToUtf8(text, cp);
      expect(bytes.subarray(0, b).toString('utf8')).toBe(sliceCp(text, 0, cp));
      expect(utf8ToCp(text, b)).toBe(cp);
    }
    expect(cpToUtf8(text, 2)).toBe(5); // 'a' (1) + 😀 (4)
    expect(cpToUtf8('ŵ', 1)).toBe(2);
    expect(cpToUtf8('', 0)).toBe(0);
  });

  it('refuses UTF-8 offsets inside a character or past the end', () => {
    expect(() => utf8ToCp('😀', 2)).toThrow(/inside a character/);
    expect(() => utf8ToCp('ab', 3)).toThrow(/past the end/);
    expect(() => cpToUtf8('ab', 3)).toThrow(/past the end/);
    expect(() => utf8ToCp('ab', -1)).toThrow(RangeError);
  });
});

describe('checking spans', () => {
  const text = `Llanfair ${FAMILY} ŵyr`; // 9 + 5 + 1 + 3 = 18 code points
  const c = { codeId: 'code-a', coderId: 'coder-1' };

  it('accepts good spans and whole-text codings', () => {
    expect(cpLength(text)).toBe(18);
    expect(
      checkSpans(text, [
        { ...c, start: 0, end: 8 },
        { ...c, start: 8, end: 18 }, // touching is not overlapping
        { ...c, codeId: 'code-b', start: null, end: null },
        { ...c, coderId: 'coder-2', start: 2, end: 12 }, // another coder may overlap
        { ...c, codeId: 'code-b', start: 0, end: 18, coderId: 'coder-2' },
      ]),
    ).toEqual([]);
    expect(checkSpans('', [])).toEqual([]);
    expect(checkSpans('', [{ ...c, start: null, end: null }])).toEqual([]);
  });

  it('names each bad span with a clear message', () => {
    const problems = checkSpans(text, [
      { ...c, start: 0, end: 19 },
      { ...c, start: -1, end: 3 },
      { ...c, start: 5, end: 4 },
      { ...c, start: 7, end: 7 },
      { ...c, start: 1.5, end: 3 },
      { ...c, start: 3, end: null },
    ]);
    expect(problems).toEqual([
      { index: 0, message: 'Span 1 [0, 19): the end is past the end of the text, which has 18 characters.' },
      { index: 1, message: 'Span 2 [-1, 3): the start is before the beginning of the text.' },
      { index: 2, message: 'Span 3 [5, 4): the start is after the end.' },
      { index: 3, message: 'Span 4 [7, 7): the span is empty.' },
      { index: 4, message: 'Span 5 [1.5, 3): start and end must be whole numbers.' },
      { index: 5, message: 'Span 6 [3, null): give both a start and an end, or neither for the whole text.' },
    ]);
  });

  it('reports overlapping spans of the same code by the same coder', () => {
    expect(
      checkSpans(text, [
        { ...c, start: 4, end: 10 },
        { ...c, start: 0, end: 6 },
        { ...c, start: 12, end: 14 },
        { ...c, start: 12, end: 14 },
      ]),
    ).toEqual([
      { index: 1, message: 'Span 2 [0, 6) overlaps span 1 [4, 10): same code, same coder.' },
      { index: 3, message: 'Span 4 [12, 14) overlaps span 3 [12, 14): same code, same coder.' },
    ]);
  });

  it('finds an overlap hidden behind a long span', () => {
    const problems = checkSpans(text, [
      { ...c, start: 0, end: 15 },
      { ...c, start: 2, end: 3 },
      { ...c, start: 10, end: 12 },
    ]);
    expect(problems.map((p) => p.index)).toEqual([1, 2]);
  });

  it('treats a whole-text coding as overlapping every span of its code and coder', () => {
    expect(
      checkSpans(text, [
        { ...c, start: 3, end: 5 },
        { ...c, start: null, end: null },
      ]),
    ).toEqual([{ index: 1, message: 'Span 2 (the whole text) overlaps span 1 [3, 5): same code, same coder.' }]);
    expect(
      checkSpans('', [
        { ...c, start: null, end: null },
        { ...c, start: null, end: null },
      ]),
    ).toHaveLength(1);
  });

  it('checks a single span against a length', () => {
    expect(spanProblem(3, { start: 0, end: 3 })).toBeNull();
    expect(spanProblem(3, { start: null, end: null })).toBeNull();
    expect(spanProblem(0, { start: 0, end: 0 })).toBe('Span 1 [0, 0): the span is empty.');
    expect(spanProblem(3, { start: 0, end: 4 }, 4)).toMatch(/^Span 5 \[0, 4\): the end is past/);
  });
});

function tiles(text: string, pieces: Piece[]): void {
  expect(pieces.map((p) => p.text).join('')).toBe(text);
  let at = 0;
  for (const p of pieces) {
    expect(p.start).toBe(at);
    expect(sliceCp(text, p.start, p.end)).toBe(p.text);
    const content = sliceCp(text, p.contentStart, p.contentEnd);
    expect(content).toBe(p.text.trim());
    expect(content.length).toBeGreaterThan(0);
    at = p.end;
  }
  expect(at).toBe(cpLength(text));
}

describe('splitting into paragraphs and sentences', () => {
  it('gives nothing to pick in an empty or blank text', () => {
    expect(splitText('')).toEqual({ paragraphs: [], sentences: [] });
    expect(splitText(' \r\n\n\t')).toEqual({ paragraphs: [], sentences: [] });
  });

  it('splits lines into paragraphs and paragraphs into sentences, tiling the text', () => {
    const text = `  Mae'r ŵyn yn y cae. Dw i'n hoffi ${FAMILY}!\r\n\r\nSecond paragraph here? Yes ${UK}.\nLast`;
    const { paragraphs, sentences } = splitText(text);
    tiles(text, paragraphs);
    tiles(text, sentences);
    expect(paragraphs.map((p) => p.text)).toEqual([
      `  Mae'r ŵyn yn y cae. Dw i'n hoffi ${FAMILY}!\r\n\r\n`,
      `Second paragraph here? Yes ${UK}.\n`,
      'Last',
    ]);
    expect(sentences.map((s) => [s.text, s.paragraph])).toEqual([
      ["  Mae'r ŵyn yn y cae. ", 0],
      [`Dw i'n hoffi ${FAMILY}!\r\n\r\n`, 0],
      ['Second paragraph here? ', 1],
      [`Yes ${UK}.\n`, 1],
      ['Last', 2],
    ]);
    const first = sentences[0]!;
    expect([first.start, first.contentStart, first.contentEnd, first.end]).toEqual([0, 2, 21, 22]);
    const second = sentences[1]!;
    expect(sliceCp(text, second.contentStart, second.contentEnd)).toBe(`Dw i'n hoffi ${FAMILY}!`);
    expect(second.end - second.start).toBe(cpLength(second.text));
  });

  it('keeps combining accents, flags and lone CRs inside their pieces', () => {
    const text = `Caf${E_ACUTE} ${FLAG}.\rNext\u2028line`;
    const { paragraphs, sentences } = splitText(text);
    tiles(text, paragraphs);
    tiles(text, sentences);
    expect(paragraphs.map((p) => p.text)).toEqual([`Caf${E_ACUTE} ${FLAG}.\r`, 'Next\u2028', 'line']);
  });

  it('joins leading blank lines to the first paragraph', () => {
    const text = '\n\nHello.';
    const { paragraphs } = splitText(text);
    expect(paragraphs).toEqual([{ start: 0, end: 8, text, contentStart: 2, contentEnd: 8, paragraph: 0 }]);
  });
});

describe('the fine adjuster', () => {
  const text = `Da ${FAMILY} iawn, ll${E_ACUTE}r ${UK}`;
  // D0 a1 ' '2 FAMILY3-8 ' '8 i9 a10 w11 n12 ,13 ' '14 l15 l16 e17 ◌́18 r19 ' '20 UK21-23
  const whole = { start: 0, end: cpLength(text) };

  it('moves by whole characters: ZWJ sequences, flags, combining accents', () => {
    expect(adjustSpan(text, { start: 0, end: 3 }, 'end', 'character', 1)).toEqual({ start: 0, end: 8 });
    expect(adjustSpan(text, { start: 0, end: 8 }, 'end', 'character', -1)).toEqual({ start: 0, end: 3 });
    expect(adjustSpan(text, { start: 9, end: 17 }, 'end', 'character', 1)).toEqual({ start: 9, end: 19 });
    expect(adjustSpan(text, { start: 0, end: 21 }, 'end', 'character', 1)).toEqual({ start: 0, end: 23 });
    expect(adjustSpan(text, { start: 8, end: 10 }, 'start', 'character', -1)).toEqual({ start: 3, end: 10 });
    expect(adjustSpan(text, { start: 3, end: 10 }, 'start', 'character', 1)).toEqual({ start: 8, end: 10 });
  });

  it('moves CRLF as one character', () => {
    const crlf = 'ab\r\ncd';
    expect(adjustSpan(crlf, { start: 0, end: 2 }, 'end', 'character', 1)).toEqual({ start: 0, end: 4 });
    expect(adjustSpan(crlf, { start: 4, end: 6 }, 'start', 'character', -1)).toEqual({ start: 2, end: 6 });
  });

  it('moves by words', () => {
    expect(adjustSpan(text, { start: 0, end: 2 }, 'end', 'word', 1)).toEqual({ start: 0, end: 13 });
    expect(adjustSpan(text, { start: 0, end: 13 }, 'end', 'word', 1)).toEqual({ start: 0, end: 20 });
    expect(adjustSpan(text, { start: 0, end: 20 }, 'end', 'word', -1)).toEqual({ start: 0, end: 13 });
    expect(adjustSpan(text, { start: 15, end: 20 }, 'start', 'word', -1)).toEqual({ start: 9, end: 20 });
    expect(adjustSpan(text, { start: 0, end: 20 }, 'start', 'word', 1)).toEqual({ start: 9, end: 20 });
    expect(adjustSpan(text, { start: 10, end: 20 }, 'start', 'word', 1)).toEqual({ start: 15, end: 20 });
  });

  it('clamps to the text', () => {
    expect(adjustSpan(text, whole, 'end', 'character', 1)).toEqual(whole);
    expect(adjustSpan(text, whole, 'start', 'character', -1)).toEqual(whole);
    expect(adjustSpan(text, { start: 0, end: 20 }, 'end', 'word', 1)).toEqual({ start: 0, end: 23 });
    expect(adjustSpan(text, { start: 2, end: 5 }, 'start', 'word', -1)).toEqual({ start: 0, end: 5 });
    expect(adjustSpan(`${UK} x`, { start: 1, end: 4 }, 'start', 'word', -1)).toEqual({ start: 0, end: 4 });
  });

  it('never leaves the span empty or inverted', () => {
    expect(adjustSpan(text, { start: 3, end: 8 }, 'end', 'character', -1)).toEqual({ start: 3, end: 8 });
    expect(adjustSpan(text, { start: 3, end: 8 }, 'start', 'character', 1)).toEqual({ start: 3, end: 8 });
    expect(adjustSpan(text, { start: 15, end: 20 }, 'start', 'word', 1)).toEqual({ start: 15, end: 20 });
    expect(adjustSpan('a', { start: 0, end: 1 }, 'end', 'word', -1)).toEqual({ start: 0, end: 1 });
  });

  it('does nothing harmful on an empty text', () => {
    expect(adjustSpan('', { start: 0, end: 0 }, 'end', 'character', 1)).toEqual({ start: 0, end: 0 });
    expect(adjustSpan('', { start: 0, end: 0 }, 'start', 'word', -1)).toEqual({ start: 0, end: 0 });
  });
});
