import { z } from 'zod';
import { formList } from '../../platform/http/route-helpers';
import { CODE_COLOURS } from './codebook';

/*
 * Requests of the codebook pages: adding and editing a code, moving, merging and splitting codes, and memos on a
 * code. The field schemas are exported so a JSON API taking the same requests answers with the same messages.
 * Rules that depend on the codebook as it is now (a name taken beside it, a move that makes a loop) are the
 * service's, reported against the field they concern.
 */

export const CODE_LIMITS = { name: 100, text: 2000, memo: 10_000, splitNames: 10 } as const;

/** The key a page form sends so that a repeated submit (a double click) changes things once. */
const submissionKey = z.string().max(100).optional();

const optionalText = (what: string) =>
  z
    .string()
    .trim()
    .max(CODE_LIMITS.text, `${what} must be ${CODE_LIMITS.text.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .transform((v) => v ?? '');

const colours = CODE_COLOURS.map((c) => c.value) as unknown as [string, ...string[]];

export const codeFields = {
  name: z
    .string({ message: 'Enter a name for the code' })
    .trim()
    .min(1, 'Enter a name for the code')
    .max(CODE_LIMITS.name, `The code's name must be ${CODE_LIMITS.name} characters or fewer`)
    .transform((v) => v.replace(/\s+/g, ' ')),
  /** Empty for the top level. */
  parentId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.uuid('Choose a parent code from the list').nullable()),
  definition: optionalText('The definition'),
  whenToUse: optionalText('When to use'),
  whenNotToUse: optionalText('When not to use'),
  example: optionalText('The example'),
  colour: z.enum(colours, { message: 'Choose a colour for the code' }),
};

/** Adding a code. */
export const newCodeSchema = z.object({ ...codeFields, _submission: submissionKey });
export type NewCodeInput = z.infer<typeof newCodeSchema>;
export const newCodeOrder = ['name', 'parentId', 'definition', 'whenToUse', 'whenNotToUse', 'example', 'colour'];

/** The add page's query: the parent chosen on the page it came from. */
export const newCodeQuery = z.object({ parent: z.uuid().optional().catch(undefined) });

/** Editing a code: its name (a rename), its description and colour; moving it has its own page. */
export const editCodeSchema = newCodeSchema.omit({ parentId: true });
export type EditCodeInput = z.infer<typeof editCodeSchema>;
export const editCodeOrder = newCodeOrder.filter((f) => f !== 'parentId');

/** Moving a code: the new parent, empty for the top level. */
export const moveCodeSchema = z.object({ parentId: codeFields.parentId, _submission: submissionKey });
export type MoveCodeInput = z.infer<typeof moveCodeSchema>;

/** Merging: the codes (ticked checkboxes) merged into the target, which survives. */
export const mergeFields = {
  targetId: z.uuid('Choose the code to merge into'),
  codeIds: z
    .array(z.uuid('Choose codes from the list'))
    .min(1, 'Choose at least one code to merge')
    .max(100, 'Merge 100 codes or fewer at a time'),
};
export const mergeSchema = z.object({
  targetId: z.preprocess((v) => (v === '' ? undefined : v), mergeFields.targetId),
  codeIds: z.preprocess(formList, mergeFields.codeIds),
  _submission: submissionKey,
});
export type MergeInput = z.infer<typeof mergeSchema>;
export const mergeOrder = ['codeIds', 'targetId'];

/** The merge page's query: the code the analyst came from, ticked to start with. */
export const mergeQuery = z.object({ code: z.uuid().optional().catch(undefined) });

/** Splitting: two or more names, the first being what the code itself becomes. */
export const splitFields = {
  names: z
    .array(
      z
        .string()
        .trim()
        .max(CODE_LIMITS.name, `Each name must be ${CODE_LIMITS.name} characters or fewer`)
        .transform((v) => v.replace(/\s+/g, ' ')),
    )
    .transform((names) => names.filter((n) => n !== ''))
    .pipe(
      z
        .array(z.string())
        .min(2, 'Enter at least two names, one per line')
        .max(CODE_LIMITS.splitNames, `Split a code into ${CODE_LIMITS.splitNames} codes or fewer`)
        .refine(
          (a) => new Set(a.map((n) => n.toLocaleLowerCase('en'))).size === a.length,
          'Each name must be different',
        ),
    ),
};
/** The page form's names: one per line. */
export const splitSchema = z.object({
  names: z.preprocess((v) => (typeof v === 'string' ? v.split(/\r?\n/) : []), splitFields.names),
  _submission: submissionKey,
});
export type SplitInput = z.infer<typeof splitSchema>;

/** A memo on a code. */
export const memoFields = {
  text: z
    .string({ message: 'Enter the memo' })
    .trim()
    .min(1, 'Enter the memo')
    .max(CODE_LIMITS.memo, `A memo must be ${CODE_LIMITS.memo.toLocaleString('en-GB')} characters or fewer`),
};
export const memoSchema = z.object({ ...memoFields, _submission: submissionKey });
export type MemoInput = z.infer<typeof memoSchema>;
