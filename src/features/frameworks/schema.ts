import { z } from 'zod';
import { FORMATS, MAX_IMPORT_BYTES } from './model';

/**
 * Every request the frameworks pages and JSON API take. Where a page and the
 * API take the same request (the framework, version and statement in the URL,
 * an import, a comparison, an export's format) both parse it with the schema
 * here, so both give the same messages.
 */

// ---- the framework, version and statement a URL names -----------------------------
export const frameworkParams = z.object({ shortName: z.string().min(1).max(40) });
export const versionParams = frameworkParams.extend({ label: z.string().min(1).max(40) });
export const statementParams = versionParams.extend({ code: z.string().min(1).max(40) });
/** A framework's own page names no version: it shows the one shown by default. */
export const shownVersionParams = versionParams.partial({ label: true });

// ---- files in and out ------------------------------------------------------------
/** The format of a file to import or export. */
export const formatField = z.enum(FORMATS, { message: 'format must be case, csv or json' });
export const exportQuery = z.object({ format: formatField });
/** A page's download link names the format in its path. */
export const downloadParams = versionParams.extend({ format: formatField });

const MB = MAX_IMPORT_BYTES / 1024 / 1024;
const IMPORT_MESSAGES = {
  empty: 'Choose a file to upload, or paste the CSV',
  tooBig: `The file is larger than ${MB} MB. Upload a file of ${MB} MB or less`,
  notText: 'The file is not text. Upload a CASE JSON, Waymark JSON or CSV file',
};
/** Whether a refused file was refused for its size (the page then answers 413 Content Too Large). */
export const isTooBig = (message: string | undefined) => message === IMPORT_MESSAGES.tooBig;

/** A framework file's text: not blank, within the size limit in bytes, and text rather than binary. */
export const importContent = z
  .string({ message: IMPORT_MESSAGES.empty })
  .min(1, IMPORT_MESSAGES.empty)
  .max(MAX_IMPORT_BYTES, IMPORT_MESSAGES.tooBig)
  .refine((text) => text.trim() !== '', IMPORT_MESSAGES.empty)
  .refine((text) => Buffer.byteLength(text) <= MAX_IMPORT_BYTES, IMPORT_MESSAGES.tooBig)
  .refine((text) => !text.includes('\u0000'), IMPORT_MESSAGES.notText);

/** The API's import: the file's text and its format. */
export const importRequest = z.object({ format: formatField, content: importContent });
export type ImportRequest = z.infer<typeof importRequest>;

/**
 * The import page's form: the same file check, with the text from the uploaded file or the box it
 * was pasted into; the format may be left to Waymark to work out ('auto', or anything it does not know).
 */
export const importForm = z.object({
  format: formatField.or(z.literal('auto')).catch('auto'),
  content: importContent,
});
export type ImportForm = z.infer<typeof importForm>;

// ---- browsing ------------------------------------------------------------------
const optionalFilter = (text: z.ZodString) => text.optional().transform((v) => v || undefined);

/** A version's page narrowed by stage, area and search words; a bad value shows the whole version. */
export const treeFilterQuery = z.object({
  stage: optionalFilter(z.string().max(60)),
  area: optionalFilter(z.string().max(100)),
  q: optionalFilter(z.string().trim().max(200)),
});
export type TreeFilter = Partial<z.infer<typeof treeFilterQuery>>;

// ---- versions ----------------------------------------------------------------
/** The two versions to compare (the API's diff and the Compare page). A label that is not there gets the same words. */
export const COMPARE_MESSAGES = {
  from: 'Choose the version to compare from',
  to: 'Choose the version to compare with',
};
export const compareQuery = z.object({
  from: z.string().min(1, COMPARE_MESSAGES.from),
  to: z.string().min(1, COMPARE_MESSAGES.to),
});
export type CompareQuery = z.infer<typeof compareQuery>;

/** The label of a new draft version. */
export const newDraftForm = z.object({
  label: z
    .string({ message: 'Enter a label for the new version' })
    .trim()
    .min(1, 'Enter a label for the new version, like 1.1')
    .max(40, 'Label must be 40 characters or fewer')
    .regex(/^[A-Za-z0-9._-]+$/, 'Use letters, numbers, dots, hyphens and underscores only'),
});
export type NewDraftForm = z.infer<typeof newDraftForm>;

// ---- editing a draft ------------------------------------------------------------
/** A statement's words and stage, changed in a draft. */
export const editItemForm = z.object({
  text: z
    .string({ message: 'Enter the statement' })
    .trim()
    .min(1, 'Enter the statement')
    .max(4000, 'Statement must be 4,000 characters or fewer'),
  stage: z
    .string()
    .max(60)
    .optional()
    .transform((v) => v || null),
});
export type EditItemForm = z.infer<typeof editItemForm>;
