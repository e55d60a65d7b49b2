import { describe, expect, it } from 'vitest';
import { excerpt, MARKS, piecesOf } from './highlight';

const { start: S, stop: E } = MARKS;

describe('piecesOf', () => {
  it('splits a headline into marked and unmarked pieces, keeping every character', () => {
    const original = 'Nurses <b>train</b> & learn — ŵ 😀';
    const headline = `Nurses <b>${S}train${E}</b> & ${S}learn${E} — ŵ 😀`;
    const pieces = piecesOf(headline, original, true);
    expect(pieces).toEqual([
      { text: 'Nurses <b>', mark: false },
      { text: 'train', mark: true },
      { text: '</b> & ', mark: false },
      { text: 'learn', mark: true },
      { text: ' — ŵ 😀', mark: false },
    ]);
    expect(pieces.map((p) => p.text).join('')).toBe(original);
  });

  it('gives the text unmarked when it holds a mark itself, or when a whole headline is not the text', () => {
    expect(piecesOf(`a ${S}b${E}`, `a b${S}`, true)).toEqual([{ text: `a b${S}`, mark: false }]);
    expect(piecesOf(`a ${S}c${E}`, 'a b', true)).toEqual([{ text: 'a b', mark: false }]);
  });

  it('reads fragments (not the whole text) and marks at the very start and end', () => {
    expect(piecesOf(`${S}one${E} … ${S}two${E}`, 'one and then two', false)).toEqual([
      { text: 'one', mark: true },
      { text: ' … ', mark: false },
      { text: 'two', mark: true },
    ]);
  });

  it('never loses text after an unclosed mark', () => {
    expect(piecesOf(`a ${S}b`, 'a b', false)).toEqual([
      { text: 'a ', mark: false },
      { text: 'b', mark: true },
    ]);
  });
});

describe('excerpt', () => {
  it('cuts by code points, never splitting an emoji', () => {
    expect(excerpt('😀😀😀', 2)).toEqual({ text: '😀😀', cut: true });
    expect(excerpt('abc', 3)).toEqual({ text: 'abc', cut: false });
  });
});
