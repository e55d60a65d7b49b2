/**
 * Spans of coded text, in Unicode code points.
 *
 * A coding's span is a half-open range [start, end) of code points into the source's text exactly as stored
 * (never trimmed or normalised): "ŵ" precomposed is one code point, "w" + combining circumflex is two, an emoji
 * flag is two (two regional indicators) and a ZWJ family is five or more. Code points are what PostgreSQL's
 * `substr`/`length` count on a UTF-8 database and what REFI-QDA's startPosition/endPosition mean, so an export and
 * re-import land on the same characters. The browser counts UTF-16 units and files are UTF-8 bytes: convert at the
 * edge with the functions below. Pure functions, no database.
 */

export interface Span {
  start: number;
  end: number;
}

/** Number of code points in a text (a surrogate pair counts once; a lone surrogate counts once too). */
export function cpLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function isWholeIn(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= max;
}

/**
 * The UTF-16 index of a code-point offset (0 ≤ cp ≤ cpLength(text)). Throws RangeError outside the text.
 */
export function cpToUtf16(text: string, cp: number): number {
  if (!Number.isInteger(cp) || cp < 0) throw new RangeError(`Offset ${cp} is not a whole number of characters ≥ 0.`);
  let i = 0;
  for (let n = 0; n < cp; n++) {
    if (i >= text.length) throw new RangeError(`Offset ${cp} is past the end of the text (${cpLength(text)}).`);
    i += isPairAt(text, i) ? 2 : 1;
  }
  return i;
}

function isPairAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) return false;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}

/**
 * The code-point offset of a UTF-16 index (what a browser selection gives). Throws RangeError when the index is
 * outside the text or falls between the two halves of a surrogate pair (it would split a character).
 */
export function utf16ToCp(text: string, index: number): number {
  if (!isWholeIn(index, text.length)) throw new RangeError(`Index ${index} is outside the text (${text.length}).`);
  let n = 0;
  let i = 0;
  while (i < index) {
    i += isPairAt(text, i) ? 2 : 1;
    n++;
  }
  if (i !== index) throw new RangeError(`Index ${index} falls inside a character (between a surrogate pair).`);
  return n;
}

function utf8Width(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** The UTF-8 byte offset of a code-point offset (a lone surrogate is written as U+FFFD, 3 bytes, as Node does). */
export function cpToUtf8(text: string, cp: number): number {
  if (!Number.isInteger(cp) || cp < 0) throw new RangeError(`Offset ${cp} is not a whole number of characters ≥ 0.`);
  let bytes = 0;
  let n = 0;
  for (const ch of text) {
    if (n === cp) return bytes;
    bytes += utf8Width(ch.codePointAt(0) ?? 0);
    n++;
  }
  if (n === cp) return bytes;
  throw new RangeError(`Offset ${cp} is past the end of the text (${n}).`);
}

/** The code-point offset of a UTF-8 byte offset; throws RangeError outside the text or inside a character. */
export function utf8ToCp(text: string, byte: number): number {
  if (!Number.isInteger(byte) || byte < 0) throw new RangeError(`Byte ${byte} is not a whole number ≥ 0.`);
  let bytes = 0;
  let n = 0;
  for (const ch of text) {
    if (bytes === byte) return n;
    if (bytes > byte) break;
    bytes += utf8Width(ch.codePointAt(0) ?? 0);
    n++;
  }
  if (bytes === byte) return n;
  if (bytes > byte) throw new RangeError(`Byte ${byte} falls inside a character.`);
  throw new RangeError(`Byte ${byte} is past the end of the text (${bytes} bytes).`);
}

/** The text of a code-point span [start, end). Throws RangeError for a span that is not inside the text. */
export function sliceCp(text: string, start: number, end: number): string {
  if (end < start) throw new RangeError(`Span [${start}, ${end}) starts after it ends.`);
  const from = cpToUtf16(text, start);
  const to = cpToUtf16(text, end);
  return text.slice(from, to);
}

/** A code-point span as UTF-16 indices, for the browser's Range/selection APIs. */
export function spanToUtf16(text: string, span: Span): Span {
  return { start: cpToUtf16(text, span.start), end: cpToUtf16(text, span.end) };
}

/** A browser selection's UTF-16 indices as a code-point span. */
export function spanFromUtf16(text: string, span: Span): Span {
  return { start: utf16ToCp(text, span.start), end: utf16ToCp(text, span.end) };
}

/** A coding to check: start and end both null mean the whole source. */
export interface CodedSpan {
  start: number | null;
  end: number | null;
  codeId: string;
  coderId: string;
}

export interface SpanProblem {
  /** Position in the list given (0-based). */
  index: number;
  message: string;
}

function describe(index: number, s: { start: number | null; end: number | null }): string {
  return s.start === null && s.end === null
    ? `Span ${index + 1} (the whole text)`
    : `Span ${index + 1} [${s.start}, ${s.end})`;
}

/**
 * What is wrong with one span for a text of `length` code points, or null. Both null = the whole text.
 */
export function spanProblem(
  length: number,
  span: { start: number | null; end: number | null },
  index = 0,
): string | null {
  const name = describe(index, span);
  const { start, end } = span;
  if (start === null && end === null) return null;
  if (start === null || end === null) return `${name}: give both a start and an end, or neither for the whole text.`;
  if (!Number.isInteger(start) || !Number.isInteger(end)) return `${name}: start and end must be whole numbers.`;
  if (start < 0) return `${name}: the start is before the beginning of the text.`;
  if (start > end) return `${name}: the start is after the end.`;
  if (start === end) return `${name}: the span is empty.`;
  if (end > length) return `${name}: the end is past the end of the text, which has ${length} characters.`;
  return null;
}

/**
 * Every problem in a list of codings of one text: out of range, empty, start after end, and overlapping spans of
 * the same code by the same coder (a whole-text coding overlaps every span of its code and coder). Each message
 * names the span (1-based, with its offsets). An empty list means all is well.
 */
export function checkSpans(text: string, spans: readonly CodedSpan[]): SpanProblem[] {
  const length = cpLength(text);
  const problems: SpanProblem[] = [];
  const groups = new Map<string, { index: number; start: number; end: number }[]>();
  spans.forEach((span, index) => {
    const message = spanProblem(length, span, index);
    if (message) {
      problems.push({ index, message });
      return;
    }
    const key = JSON.stringify([span.codeId, span.coderId]);
    const whole = span.start === null;
    const list = groups.get(key) ?? [];
    // A whole-text coding of an empty text still clashes with a second one: give it a reach of one.
    list.push({
      index,
      start: whole ? 0 : (span.start as number),
      end: whole ? Math.max(length, 1) : (span.end as number),
    });
    groups.set(key, list);
  });
  for (const list of groups.values()) {
    list.sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
    let reach: { index: number; start: number; end: number } | null = null;
    for (const item of list) {
      if (reach && item.start < reach.end) {
        const [first, second] = reach.index < item.index ? [reach, item] : [item, reach];
        problems.push({
          index: second.index,
          message: `${describe(second.index, spans[second.index]!)} overlaps ${describe(first.index, spans[first.index]!).replace('Span', 'span')}: same code, same coder.`,
        });
      }
      if (!reach || item.end > reach.end) reach = item;
    }
  }
  return problems.sort((a, b) => a.index - b.index);
}

/** A piece of text the span picker offers: it tiles the text (whitespace kept) and knows its content's extent. */
export interface Piece {
  /** Code-point span of the piece, whitespace included: consecutive pieces tile the text. */
  start: number;
  end: number;
  /** The piece's exact text. */
  text: string;
  /** The piece without its leading and trailing whitespace: what coding the piece codes. */
  contentStart: number;
  contentEnd: number;
  /** For sentences, the index of the paragraph they belong to; for paragraphs, their own index. */
  paragraph: number;
}

const LINE_BREAK = /\r\n|[\n\r\u2028\u2029\u0085]/g;

function cpIndexer(text: string): (utf16: number) => number {
  // Offsets are asked for in increasing order: walk once.
  let i = 0;
  let n = 0;
  return (utf16) => {
    while (i < utf16) {
      i += isPairAt(text, i) ? 2 : 1;
      n++;
    }
    return n;
  };
}

function makePiece(text: string, from16: number, to16: number, at: (u: number) => number, paragraph: number): Piece {
  const piece = text.slice(from16, to16);
  const lead = piece.length - piece.trimStart().length;
  const trail = piece.length - piece.trimEnd().length;
  const start = at(from16);
  const contentStart = at(from16 + lead);
  const contentEnd = at(Math.max(from16 + lead, to16 - trail));
  return { start, end: at(to16), text: piece, contentStart, contentEnd, paragraph };
}

/**
 * Merge pieces that hold only whitespace into the piece before them (or, at the very start, the one after), so
 * that every piece has content. Works on UTF-16 bounds.
 */
function mergeBlank(text: string, bounds: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let pendingStart: number | null = null;
  for (const [from, to] of bounds) {
    const blank = text.slice(from, to).trim() === '';
    if (blank) {
      if (out.length > 0) out[out.length - 1]![1] = to;
      else pendingStart ??= from;
      continue;
    }
    out.push([pendingStart ?? from, to]);
    pendingStart = null;
  }
  return out;
}

/** Paragraphs: each line is one (a transcript's speaker turn, a note's line); blank lines join the one before. */
function paragraphBounds(text: string): [number, number][] {
  const bounds: [number, number][] = [];
  let from = 0;
  for (const m of text.matchAll(LINE_BREAK)) {
    const to = m.index + m[0].length;
    bounds.push([from, to]);
    from = to;
  }
  if (from < text.length) bounds.push([from, text.length]);
  return mergeBlank(text, bounds);
}

const sentenceSegmenter = new Intl.Segmenter('en-GB', { granularity: 'sentence' });
const wordSegmenter = new Intl.Segmenter('en-GB', { granularity: 'word' });
const graphemeSegmenter = new Intl.Segmenter('en-GB', { granularity: 'grapheme' });

/**
 * The text split into paragraphs and, within each, sentences (Intl.Segmenter, en-GB), each with its code-point
 * span and exact text. Pieces tile the text; whitespace-only stretches join a neighbour, so a text of only
 * whitespace (or an empty one) has no pieces: there is nothing in it to code.
 */
export function splitText(text: string): { paragraphs: Piece[]; sentences: Piece[] } {
  const paraBounds = paragraphBounds(text);
  const atP = cpIndexer(text);
  const paragraphs = paraBounds.map(([from, to], i) => makePiece(text, from, to, atP, i));
  const atS = cpIndexer(text);
  const sentences: Piece[] = [];
  paraBounds.forEach(([from, to], p) => {
    const bounds: [number, number][] = [];
    for (const seg of sentenceSegmenter.segment(text.slice(from, to))) {
      bounds.push([from + seg.index, from + seg.index + seg.segment.length]);
    }
    for (const [a, b] of mergeBlank(text, bounds)) sentences.push(makePiece(text, a, b, atS, p));
  });
  return { paragraphs, sentences };
}

/** Code-point offsets where a user-perceived character (grapheme cluster) starts, plus the text's length. */
function graphemeBoundaries(text: string): number[] {
  const at = cpIndexer(text);
  const out: number[] = [];
  for (const seg of graphemeSegmenter.segment(text)) out.push(at(seg.index));
  out.push(at(text.length));
  return out;
}

/** Code-point [start, end) of each word (letters, digits, apostrophes inside words), in order. */
function wordBounds(text: string): [number, number][] {
  const at = cpIndexer(text);
  const out: [number, number][] = [];
  for (const seg of wordSegmenter.segment(text)) {
    if (seg.isWordLike) out.push([at(seg.index), at(seg.index + seg.segment.length)]);
  }
  return out;
}

export type SpanEdge = 'start' | 'end';
export type SpanStep = 'character' | 'word';

/**
 * The fine adjuster: move a span's start or end one character (a whole grapheme cluster, so a flag, a ZWJ emoji
 * or a letter with its combining accent moves as one, and CRLF too) or one word, forwards (+1) or back (-1).
 * By word, like Ctrl+Shift+Arrow: a start goes to the previous/next word's start, an end to the previous/next
 * word's end. Clamped to the text; a move that would leave the span empty or inverted leaves it unchanged.
 */
export function adjustSpan(text: string, span: Span, edge: SpanEdge, step: SpanStep, direction: 1 | -1): Span {
  const length = cpLength(text);
  const at = edge === 'start' ? span.start : span.end;
  let stops: number[];
  if (step === 'character') stops = graphemeBoundaries(text);
  else stops = wordBounds(text).map(([s, e]) => (edge === 'start' ? s : e));
  let target: number;
  if (direction > 0) target = stops.find((s) => s > at) ?? length;
  else target = stops.findLast((s) => s < at) ?? 0;
  target = Math.min(Math.max(target, 0), length);
  const next = edge === 'start' ? { start: target, end: span.end } : { start: span.start, end: target };
  return next.start < next.end ? next : { start: span.start, end: span.end };
}
