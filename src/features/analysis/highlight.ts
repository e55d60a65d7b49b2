/**
 * Search terms marked in a source's text, safely: PostgreSQL's ts_headline marks the matching words
 * between two control characters (never HTML), and this turns its answer into plain pieces of text,
 * each marked or not. The page prints every piece escaped, so nothing in a source is ever read as HTML.
 */

/** What ts_headline is told to put around a match: characters a source's text does not hold (checked). */
export const MARKS = { start: '\u0001', stop: '\u0002' } as const;

export interface Piece {
  text: string;
  mark: boolean;
}

/** The longest excerpt of a source a list shows, in Unicode code points. */
export const EXCERPT = 600;

/** The longest text ts_headline marks whole; a longer one is shown as fragments around the matches. */
export const WHOLE = 2000;

/** The text cut to at most `max` Unicode code points (an emoji is never split in half). */
export function excerpt(text: string, max = EXCERPT): { text: string; cut: boolean } {
  const points = Array.from(text);
  return points.length <= max ? { text, cut: false } : { text: points.slice(0, max).join(''), cut: true };
}

/**
 * The pieces of a headline. `original` is the source's text: when it holds one of the marks itself,
 * or when the headline is meant to be the whole text and is not, the text is given unmarked.
 */
export function piecesOf(headline: string, original: string, whole: boolean): Piece[] {
  const plain = [{ text: original, mark: false }];
  if (original.includes(MARKS.start) || original.includes(MARKS.stop)) return plain;
  if (whole && headline.replaceAll(MARKS.start, '').replaceAll(MARKS.stop, '') !== original) return plain;
  const pieces: Piece[] = [];
  let rest = headline;
  while (rest.length) {
    const open = rest.indexOf(MARKS.start);
    if (open < 0) {
      pieces.push({ text: rest.replaceAll(MARKS.stop, ''), mark: false });
      break;
    }
    if (open > 0) pieces.push({ text: rest.slice(0, open).replaceAll(MARKS.stop, ''), mark: false });
    const close = rest.indexOf(MARKS.stop, open + 1);
    const inside = rest.slice(open + 1, close < 0 ? undefined : close);
    if (inside) pieces.push({ text: inside.replaceAll(MARKS.start, ''), mark: true });
    rest = close < 0 ? '' : rest.slice(close + 1);
  }
  // Neighbouring pieces of the same kind read as one.
  return pieces.reduce<Piece[]>((all, p) => {
    const last = all.at(-1);
    if (last && last.mark === p.mark) last.text += p.text;
    else if (p.text) all.push({ ...p });
    return all;
  }, []);
}
