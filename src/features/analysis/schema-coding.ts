import { z } from 'zod';
import { formList } from '../../platform/http/route-helpers';

/*
 * Requests of the coding pages: the codes applied to a whole source, choosing a span (pieces, then the fine
 * adjuster), saving a span's coding, removing a coding, and marking a source done. Offsets are Unicode code points
 * into the source's text; whether a span fits the text is the service's check (it knows the text).
 */

/** The key a page form sends so that a repeated submit (a double click) changes things once. */
const submissionKey = z.string().max(100).optional();

const offset = (what: string) =>
  z.coerce
    .number({ message: `The ${what} must be a whole number` })
    .int({ message: `The ${what} must be a whole number` })
    .min(0, { message: `The ${what} must be 0 or more` })
    .max(100_000_000, { message: `The ${what} is past the end of the text` });

/** The codes that apply to the whole source: every ticked box (none ticked removes them all). */
export const wholeCodingSchema = z.object({
  codeIds: z.preprocess(formList, z.array(z.uuid('Choose codes from the list')).max(1000)),
  _submission: submissionKey,
});
export type WholeCodingInput = z.infer<typeof wholeCodingSchema>;
export const wholeCodingOrder = ['codeIds'];

/** Pieces the span picker offers: sentences, or whole paragraphs. */
export const PIECE_UNITS = ['sentence', 'paragraph'] as const;

/** The fine adjuster's moves: which edge, by a word or a character, earlier or later. */
export const SPAN_MOVES = [
  'start-word-earlier',
  'start-character-earlier',
  'start-character-later',
  'start-word-later',
  'end-word-earlier',
  'end-character-earlier',
  'end-character-later',
  'end-word-later',
] as const;
export type SpanMove = (typeof SPAN_MOVES)[number];

/**
 * The span picker's query: the pieces ticked (a run from the first to the last), or a span already chosen with a
 * move of the fine adjuster to apply to it.
 */
export const spanQuery = z.object({
  unit: z.enum(PIECE_UNITS).catch('sentence'),
  pieces: z.preprocess(
    formList,
    z.array(z.coerce.number({ message: 'Choose pieces from the list' }).int().min(0).max(1_000_000)).max(100_000),
  ),
  start: offset('start').optional(),
  end: offset('end').optional(),
  move: z.enum(SPAN_MOVES, { message: 'Choose a way to move the span' }).optional(),
});
export type SpanQuery = z.infer<typeof spanQuery>;

/** Saving a span's coding: the span in code points and the code. */
export const spanCodingSchema = z.object({
  start: offset('start'),
  end: offset('end'),
  codeId: z.uuid('Choose a code for the span'),
  _submission: submissionKey,
});
export type SpanCodingInput = z.infer<typeof spanCodingSchema>;
export const spanCodingOrder = ['codeId', 'start', 'end'];

/** Marking a source done (blind coding), or undoing that. */
export const doneSchema = z.object({
  done: z.enum(['yes', 'no'], { message: 'Say whether you have finished coding this source' }),
  _submission: submissionKey,
});

/** Removing one of your codings (after the confirmation page). */
export const removeCodingSchema = z.object({ _submission: submissionKey });

/** Marking several sources done at once, from the coder's progress page. */
export const doneManySchema = z.object({
  sourceIds: z.preprocess(
    formList,
    z
      .array(z.uuid('Choose sources from the list'))
      .min(1, 'Choose at least one source to mark as finished')
      .max(1000, 'Choose 1,000 sources or fewer at a time'),
  ),
  _submission: submissionKey,
});
