/**
 * Fonts for PDFs in every script. The standard PDF fonts (Helvetica…) only know Windows-1252, so
 * Welsh ŵ ŷ, Polish ł ą, ≥ or an emoji came out garbled. Every PDF now embeds Noto Sans (subset by
 * pdfkit, with a ToUnicode map so the text can be copied and searched) and falls back, run by run,
 * to Noto Sans Math, Noto Sans Symbols 2 and the monochrome Noto Emoji for characters Noto Sans
 * lacks. All four come from npm packages (OFL fonts, no install scripts), read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The part of fontkit's font object used here (fontkit ships no types). */
interface FontFile {
  hasGlyphForCodePoint(codePoint: number): boolean;
}
const fontkit = require('fontkit') as { create(data: Buffer): FontFile };

export type Face = 'regular' | 'bold' | 'italic' | 'boldItalic';

const MAIN: Record<Face, string> = {
  regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  italic: '@expo-google-fonts/noto-sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf',
  boldItalic: '@expo-google-fonts/noto-sans/700Bold_Italic/NotoSans_700Bold_Italic.ttf',
};

/** Tried in order for a character Noto Sans lacks (one weight each: they draw symbols, not words). */
const FALLBACKS = [
  { name: 'wm-math', file: '@fontsource/noto-sans-math/files/noto-sans-math-latin-400-normal.woff' },
  { name: 'wm-symbols', file: '@fontsource/noto-sans-symbols-2/files/noto-sans-symbols-2-symbols-400-normal.woff' },
  { name: 'wm-emoji', file: '@expo-google-fonts/noto-emoji/400Regular/NotoEmoji_400Regular.ttf' },
] as const;

interface LoadedFont {
  name: string;
  data: Buffer;
  font: FontFile;
}

let loaded: { main: Record<Face, LoadedFont>; fallbacks: LoadedFont[] } | undefined;

function load(name: string, file: string): LoadedFont {
  const data = readFileSync(require.resolve(file));
  return { name, data, font: fontkit.create(data) };
}

function fonts() {
  loaded ??= {
    main: {
      regular: load('wm-regular', MAIN.regular),
      bold: load('wm-bold', MAIN.bold),
      italic: load('wm-italic', MAIN.italic),
      boldItalic: load('wm-bold-italic', MAIN.boldItalic),
    },
    fallbacks: FALLBACKS.map((f) => load(f.name, f.file)),
  };
  return loaded;
}

/** What registerFont needs: every font by the name runs refer to. */
export function fontsToRegister(): { name: string; data: Buffer }[] {
  const { main, fallbacks } = fonts();
  return [...Object.values(main), ...fallbacks].map(({ name, data }) => ({ name, data }));
}

/**
 * Code points that belong to the character before them (variation selectors, zero-width joiner,
 * skin tones, tag characters, the keycap mark), so an emoji sequence stays in one font and is
 * shaped as one glyph.
 */
export function joinsPrevious(cp: number): boolean {
  return (
    cp === 0x200d ||
    cp === 0xfe0e ||
    cp === 0xfe0f ||
    cp === 0x20e3 ||
    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
    (cp >= 0xe0020 && cp <= 0xe007f)
  );
}

export interface Run {
  /** The registered font name. */
  font: string;
  text: string;
  /** True when the run is drawn by a fallback font (the measuring pass widens these). */
  fallback: boolean;
}

/** Splits text into runs, each drawn by the first font that has its characters. */
export function runsOf(text: string, face: Face): Run[] {
  const { main, fallbacks } = fonts();
  const primary = main[face];
  const runs: Run[] = [];
  let previous: LoadedFont = primary;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let chosen: LoadedFont;
    if (ch === '\n') chosen = primary;
    else if (joinsPrevious(cp)) {
      // The monochrome emoji font has no skin tones: leave the modifier out rather than draw a box after the emoji.
      if (cp >= 0x1f3fb && cp <= 0x1f3ff && !previous.font.hasGlyphForCodePoint(cp)) continue;
      chosen = previous;
    } else if (primary.font.hasGlyphForCodePoint(cp) || cp < 0x80) chosen = primary;
    // No font has it: Noto Sans draws its missing-glyph box, which at least shows something was there.
    else chosen = fallbacks.find((f) => f.font.hasGlyphForCodePoint(cp)) ?? primary;
    const last = runs.at(-1);
    if (last && last.font === chosen.name) last.text += ch;
    else runs.push({ font: chosen.name, text: ch, fallback: chosen !== primary });
    previous = chosen;
  }
  return runs.length > 0 ? runs : [{ font: primary.name, text: '', fallback: false }];
}

/** The registered name of a face of the main font. */
export function mainFont(face: Face): string {
  return fonts().main[face].name;
}
