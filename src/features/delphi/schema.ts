import { z } from 'zod';
import { emailField, parseEmailList } from '../../platform/auth/email';
import { FieldError } from '../../platform/forms/forms';
import { ITEM_FIELD_MAX, ITEM_TEXT_MAX } from './bounds';
import { STAGE_OPTIONS } from './labels';

/**
 * The Delphi feature's requests: the forms the facilitator and the panellists
 * send, and the path parameters the routes read. Types are inferred from them.
 */

// ---- study settings -----------------------------------------------------------------

export const settingsSchema = z
  .object({
    title: z
      .string({ message: 'Enter a title' })
      .trim()
      .min(1, 'Enter a title for the study')
      .max(200, 'Title must be 200 characters or fewer'),
    purpose: z.string().trim().max(5000, 'Purpose must be 5,000 characters or fewer').default(''),
    scale: z.enum(['1-9', '1-5'], { message: 'Choose a rating scale' }),
    lowLabel: z.string().trim().max(100, 'The label for low ratings must be 100 characters or fewer').default(''),
    midLabel: z.string().trim().max(100, 'The label for middle ratings must be 100 characters or fewer').default(''),
    highLabel: z.string().trim().max(100, 'The label for high ratings must be 100 characters or fewer').default(''),
    allowUnable: z.enum(['yes', 'no']).default('no'),
    rule: z.enum(['comet', 'percent', 'median-iqr', 'rand-ucla'], { message: 'Choose a consensus rule' }),
    cometIn: z.coerce
      .number({ message: 'Enter a percentage' })
      .min(50, 'The agreement threshold must be 50% or more')
      .max(100, 'The agreement threshold must be 100% or less')
      .default(70),
    cometOther: z.coerce
      .number({ message: 'Enter a percentage' })
      .min(0, 'Enter 0 or more')
      .max(50, 'The limit must be 50% or less')
      .default(15),
    percentThreshold: z.coerce
      .number({ message: 'Enter a percentage' })
      .min(50, 'The threshold must be 50% or more')
      .max(100, 'The threshold must be 100% or less')
      .default(75),
    medianIn: z.coerce.number({ message: 'Enter a median' }).default(7),
    medianOut: z.coerce.number({ message: 'Enter a median' }).default(3),
    maxIqr: z.coerce.number({ message: 'Enter an IQR' }).min(0, 'Enter 0 or more').default(1),
    quartileMethod: z.enum(['7', '6'], { message: 'Choose how quartiles are calculated' }),
    everyGroup: z.enum(['yes', 'no']).default('no'),
    reasonDistance: z
      .string()
      .optional()
      .transform((v) => (v ? Number(v) : null))
      .pipe(
        z
          .number({ message: 'Enter a whole number of points' })
          .int('Enter a whole number of points')
          .min(1, 'Enter 1 or more')
          .max(8, 'Enter 8 or fewer')
          .nullable(),
      ),
    namesInExports: z.enum(['yes', 'no']).default('no'),
    withSuggestions: z.enum(['yes', 'no']).default('no'),
    reason: z.string().trim().max(2000, 'The reason for the change must be 2,000 characters or fewer').default(''),
  })
  .refine((v) => v.rule !== 'rand-ucla' || v.scale === '1-9', {
    path: ['rule'],
    message: 'RAND/UCLA needs the 1 to 9 scale',
  })
  // The thresholds must fit the chosen scale, or no item could ever reach consensus.
  .superRefine((v, ctx) => {
    const top = v.scale === '1-9' ? 9 : 5;
    if (v.rule === 'median-iqr' && (v.medianIn < 1 || v.medianIn > top))
      ctx.addIssue({
        code: 'custom',
        path: ['medianIn'],
        message: `The median for "in" must be on the scale, from 1 to ${top}`,
      });
    if (v.rule === 'median-iqr' && (v.medianOut < 1 || v.medianOut >= v.medianIn))
      ctx.addIssue({
        code: 'custom',
        path: ['medianOut'],
        message: 'The median for "out" must be 1 or more and below the median for "in"',
      });
    if (v.reasonDistance !== null && v.reasonDistance > top - 1)
      ctx.addIssue({
        code: 'custom',
        path: ['reasonDistance'],
        message: `On this scale ratings can be at most ${top - 1} points apart`,
      });
  });
export type SettingsFormInput = z.infer<typeof settingsSchema>;
export const settingsOrder = [
  'title',
  'purpose',
  'scale',
  'rule',
  'cometIn',
  'cometOther',
  'percentThreshold',
  'medianIn',
  'medianOut',
  'maxIqr',
  'quartileMethod',
  'reasonDistance',
  'reason',
];

// ---- items ----------------------------------------------------------------------------

/** A stage chosen from the list, or none; `keep` also allows an item's own stage from a framework. */
const stageField = (keep?: string | null) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .refine(
      (v) => v === null || v === keep || STAGE_OPTIONS.some((o) => o.value === v),
      'Choose a stage from the list',
    );

/** An item's fields. The stage is chosen from the list (or kept, when an item from a framework has a stage of its own). */
export const itemSchemaFor = (keep?: string | null) =>
  z.object({
    text: z
      .string({ message: 'Enter the item' })
      .trim()
      .min(1, 'Enter the item')
      .max(ITEM_TEXT_MAX, 'An item must be 2,000 characters or fewer'),
    domain: z.string().trim().max(ITEM_FIELD_MAX, 'The domain must be 200 characters or fewer').default(''),
    stage: stageField(keep),
    area: z
      .string()
      .trim()
      .max(100, 'The clinical area must be 100 characters or fewer')
      .optional()
      .transform((v) => v || null),
  });
export const itemSchema = itemSchemaFor();
export type ItemFormInput = z.infer<typeof itemSchema>;
export const itemOrder = ['text', 'domain', 'stage', 'area'];

/** The statements of a framework version as items, all or those of one stage. */
export const fromFrameworkSchema = z.object({
  // Not a UUID was refused by the platform's input guard; only "none chosen" is left.
  versionId: z.string({ message: 'Choose a framework' }).min(1, 'Choose a framework'),
  stage: stageField(),
});

/** A panellist's suggestion made an item, in the wording the facilitator gives it. */
export const useSuggestionSchema = z.object({
  text: z.string({ message: 'Enter the wording of the item' }).trim().min(1, 'Enter the wording of the item'),
});

/** What the item forms' free-text fields hold, for the shared guard's messages. */
export const ITEM_FIELD_NAMES: Record<string, string> = {
  text: 'the item',
  mergeText: 'the merged item',
  splitText: 'the text of the new items',
  csv: 'the CSV',
};
/** A pasted CSV of items: room for hundreds of items at their longest. */
export const MAX_ITEMS_CSV_CHARS = 1_000_000;

// ---- panel and rounds -------------------------------------------------------------------

export const inviteSchema = z.object({
  emails: z.string({ message: 'Enter at least one email address' }).transform((v, ctx) => {
    const list = parseEmailList(v);
    if (!list.ok) {
      ctx.addIssue({ code: 'custom', message: list.message });
      return z.NEVER;
    }
    return list.emails;
  }),
  stakeholderType: z
    .string({ message: 'Choose a stakeholder group' })
    .trim()
    .min(1, 'Choose a stakeholder group')
    .max(100, 'Choose a stakeholder group from the list'),
  area: z
    .string()
    .trim()
    .max(100, 'Choose a clinical area from the list')
    .optional()
    .transform((v) => v || null),
});
export type InviteInput = z.infer<typeof inviteSchema>;
export const inviteOrder = ['emails', 'stakeholderType', 'area'];

export const openRoundSchema = z.object({
  closesAt: z
    .string({ message: 'Enter the date and time the round closes' })
    .min(1, 'Enter the date and time the round closes')
    .refine((v) => !Number.isNaN(Date.parse(v)), 'Enter the closing date and time, like 2026-12-01T17:00'),
});
export const openRoundOrder = ['closesAt'];

// ---- reports and the framework ------------------------------------------------------------

export const reportParams = z.object({ format: z.enum(['docx', 'pdf']) });
export const responsesParams = z.object({ format: z.enum(['csv', 'xlsx']) });

export const toFrameworkSchema = z.object({
  // Not a UUID was refused by the platform's input guard; only "none chosen" is left.
  versionId: z.string({ message: 'Choose a draft framework version' }).min(1, 'Choose a draft framework version'),
});

// ---- panellists ---------------------------------------------------------------------------

export const tokenParams = z.object({ token: z.string().min(10).max(200) });
export const newLinkSchema = z.object({ email: emailField });

/**
 * A request read inside a service call's try block: the first problem becomes a
 * FieldError, so it is shown beside its field like the service's own.
 */
export function parseOrFieldError<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new FieldError(String(issue.path[0] ?? '_form'), issue.message);
}
