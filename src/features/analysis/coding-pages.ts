import { adjustSpan, cpLength, sliceCp, splitText, type Span } from './spans';
import type { SpanMove, SpanQuery } from './schema-coding';

/** What the coding pages show besides the service's data: the pieces to pick from, the chosen span, its marks. */

export const codingPath = (programmeId: string, sourceId: string) =>
  `/programmes/${programmeId}/analysis/sources/${sourceId}/coding`;

/** The span picker's pieces: sentences (or paragraphs), each with its text and where a new paragraph starts. */
export function pickerPieces(text: string, unit: 'sentence' | 'paragraph') {
  const { sentences, paragraphs } = splitText(text);
  const list = unit === 'paragraph' ? paragraphs : sentences;
  return list.map((p, i) => ({
    index: i,
    text: sliceCp(text, p.contentStart, p.contentEnd),
    paragraph: p.paragraph + 1,
    newParagraph: i > 0 && p.paragraph !== list[i - 1]!.paragraph,
  }));
}

/** The adjuster's buttons, in the order the page shows them, with their words. */
export const MOVES: { move: SpanMove; text: string }[] = [
  { move: 'start-word-earlier', text: 'Move the start one word earlier' },
  { move: 'start-character-earlier', text: 'Move the start one character earlier' },
  { move: 'start-character-later', text: 'Move the start one character later' },
  { move: 'start-word-later', text: 'Move the start one word later' },
  { move: 'end-word-earlier', text: 'Move the end one word earlier' },
  { move: 'end-character-earlier', text: 'Move the end one character earlier' },
  { move: 'end-character-later', text: 'Move the end one character later' },
  { move: 'end-word-later', text: 'Move the end one word later' },
];

function applyMove(text: string, span: Span, move: SpanMove): Span {
  const [edge, step, way] = move.split('-') as ['start' | 'end', 'word' | 'character', 'earlier' | 'later'];
  return adjustSpan(text, span, edge, step, way === 'later' ? 1 : -1);
}

/**
 * The span a picker query names: from the first ticked piece's first character to the last ticked piece's last
 * (whitespace around them left out), or the start and end given, then moved by the adjuster. A problem in words
 * when it names no span or one that does not fit the text.
 */
export function chosenSpan(text: string, query: SpanQuery): { span: Span } | { problem: string } {
  let span: Span;
  if (query.pieces.length) {
    const { sentences, paragraphs } = splitText(text);
    const list = query.unit === 'paragraph' ? paragraphs : sentences;
    const first = Math.min(...query.pieces);
    const last = Math.max(...query.pieces);
    if (last >= list.length) return { problem: 'Choose pieces of the text from the list' };
    span = { start: list[first]!.contentStart, end: list[last]!.contentEnd };
  } else if (query.start !== undefined && query.end !== undefined) {
    span = { start: query.start, end: query.end };
  } else {
    return { problem: 'Choose at least one piece of the text to code' };
  }
  const length = cpLength(text);
  if (span.start >= span.end || span.end > length)
    return { problem: `That span does not fit the text, which has ${length} characters. Choose the pieces again` };
  return { span: query.move ? applyMove(text, span, query.move) : span };
}

/** The text split around a span, for the page to show the span inside <mark>. */
export function marked(text: string, span: Span) {
  return {
    before: sliceCp(text, 0, span.start),
    inside: sliceCp(text, span.start, span.end),
    after: sliceCp(text, span.end, cpLength(text)),
  };
}

/** A span valid for the text (for showing a span page again after a refused save), or undefined. */
export function fittingSpan(text: string, start: unknown, end: unknown): Span | undefined {
  const s = Number(start);
  const e = Number(end);
  return Number.isInteger(s) && Number.isInteger(e) && s >= 0 && s < e && e <= cpLength(text)
    ? { start: s, end: e }
    : undefined;
}
