import { z } from 'zod';

/** A select left on "Any" sends an empty value: that is no filter. */
const blankIsNone = (v: unknown) => (v === '' ? undefined : v);

/** The longest reason for an adjudication. */
export const MAX_REASON = 2000;

/**
 * The compare view's filters: one code, a pair of coders (both or neither), and whether disagreements are grouped
 * by code or by source. The service checks the code and coders are the programme's.
 */
export const compareQuery = z
  .object({
    code: z.preprocess(blankIsNone, z.uuid({ message: 'Choose a code from the list' }).optional()),
    a: z.preprocess(blankIsNone, z.uuid({ message: 'Choose the first coder from the list' }).optional()),
    b: z.preprocess(blankIsNone, z.uuid({ message: 'Choose the second coder from the list' }).optional()),
    by: z.preprocess(
      blankIsNone,
      z.enum(['code', 'source'], { message: 'Group the disagreements by code or by source' }).default('code'),
    ),
  })
  .superRefine((q, ctx) => {
    if (Boolean(q.a) !== Boolean(q.b))
      ctx.addIssue({ code: 'custom', path: [q.a ? 'b' : 'a'], message: 'Choose two coders to compare, or neither' });
    else if (q.a && q.a === q.b) ctx.addIssue({ code: 'custom', path: ['b'], message: 'Choose two different coders' });
  });
export type CompareQuery = z.infer<typeof compareQuery>;
export const compareOrder = ['code', 'a', 'b', 'by'];

/** Which disagreement the adjudication page is about: one code on one source. */
export const disagreementQuery = z.object({
  source: z.uuid({ message: 'Choose a disagreement from the compare page' }),
  code: z.uuid({ message: 'Choose a disagreement from the compare page' }),
});

/** What an adjudicator decides: keep one coder's codings ("keep:<coder id>"), both, neither, or recode. */
export const DECISION = /^(both|neither|recode|keep:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const adjudicationSchema = z
  .object({
    sourceId: z.uuid({ message: 'Choose a disagreement from the compare page' }),
    codeId: z.uuid({ message: 'Choose a disagreement from the compare page' }),
    decision: z
      .string({ message: 'Choose what the agreed coding is' })
      .regex(DECISION, { message: 'Choose what the agreed coding is' }),
    recodeId: z.preprocess(blankIsNone, z.uuid({ message: 'Choose the code to use instead' }).optional()),
    reason: z
      .string({ message: 'Give the reason for this decision' })
      .trim()
      .min(1, { message: 'Give the reason for this decision' })
      .max(MAX_REASON, { message: `Give the reason in ${MAX_REASON} characters or fewer` }),
    _submission: z.string().max(100).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'recode' && !v.recodeId)
      ctx.addIssue({ code: 'custom', path: ['recodeId'], message: 'Choose the code to use instead' });
  });
export type AdjudicationInput = z.infer<typeof adjudicationSchema>;
export const adjudicationOrder = ['decision', 'recodeId', 'reason'];
