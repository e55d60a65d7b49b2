import { z } from 'zod';
import { formList } from '../../platform/http/route-helpers';
import { MATRIX_BY, type MatrixBy } from './themes';

/*
 * Requests of the themes, framework matrix and cross-area pages. Rules that depend on what is stored (a name taken,
 * a code not of this programme, "defined" before the representatives' review) are the service's.
 */

export const THEME_LIMITS = { name: 120, definition: 2000, memo: 10_000 } as const;
export const THEME_STATUSES = ['candidate', 'reviewed', 'defined'] as const;
export type ThemeStatus = (typeof THEME_STATUSES)[number];
export const THEME_STATUS_LABELS: Record<ThemeStatus, string> = {
  candidate: 'Candidate',
  reviewed: 'Reviewed',
  defined: 'Defined',
};

const submissionKey = z.string().max(100).optional();
const text = (what: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${what} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .transform((v) => v ?? '');

export const themeFields = {
  name: z
    .string({ message: 'Enter a name for the theme' })
    .trim()
    .min(1, 'Enter a name for the theme')
    .max(THEME_LIMITS.name, `The theme's name must be ${THEME_LIMITS.name} characters or fewer`)
    .transform((v) => v.replace(/\s+/g, ' ')),
  definition: text('The definition', THEME_LIMITS.definition),
  memo: text('The memo', THEME_LIMITS.memo),
  status: z.enum(THEME_STATUSES, { message: 'Choose the theme’s status' }),
};

/** Ticked codes: one value or many. */
const codeIds = z.preprocess(formList, z.array(z.uuid('Choose codes from the list')).max(500));

/** Creating a theme: its description and the codes it is built from. */
export const newThemeSchema = z.object({ ...themeFields, codeIds, _submission: submissionKey });
export type NewThemeInput = z.infer<typeof newThemeSchema>;
export const newThemeOrder = ['name', 'definition', 'memo', 'status', 'codeIds'];

/** Editing a theme's description and status. */
export const editThemeSchema = z.object({ ...themeFields, _submission: submissionKey });
export type EditThemeInput = z.infer<typeof editThemeSchema>;
export const editThemeOrder = ['name', 'definition', 'memo', 'status'];

/** Adding codes to a theme. */
export const themeCodesSchema = z.object({
  codeIds: z.preprocess(formList, z.array(z.uuid('Choose codes from the list')).min(1, 'Choose a code to add')),
  _submission: submissionKey,
});

const byMessage = `Choose how to group the matrix: ${Object.keys(MATRIX_BY).join(', ')}`;
const by = z.enum(Object.keys(MATRIX_BY) as [MatrixBy, ...MatrixBy[]], { message: byMessage }).default('area');

/** The matrix page and its downloads: what to group by. */
export const matrixQuery = z.object({ by });
export type MatrixQuery = z.infer<typeof matrixQuery>;

/** One cell of the matrix: the theme, the grouping and its value ('' for "not recorded"). */
export const matrixCellQuery = z.object({
  by,
  theme: z.uuid('Choose a theme from the matrix'),
  value: z.string().max(500).default(''),
});
export type MatrixCellQuery = z.infer<typeof matrixCellQuery>;

/** The matrix's download formats. */
export const matrixFormatParams = z.object({ format: z.enum(['csv', 'xlsx']) });
