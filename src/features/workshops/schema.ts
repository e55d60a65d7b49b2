import { z } from 'zod';
import { PILLARS, WORKSHOP_KINDS, type WorkshopKind } from './board';

/** Longest title, place and link a workshop keeps; the form and the API say the same. */
export const LIMITS = {
  title: 200,
  area: 100,
  place: 300,
  onlineUrl: 500,
  name: 100,
  cluster: 120,
  template: 100,
  prompt: 500,
} as const;

/**
 * What each kind of workshop is defined by: an area workshop works on one
 * pillar in one clinical area, an expert-practice workshop on one area's
 * expert practice. Missing parts, by field, in Waymark's words.
 */
export function definitionProblems(
  kind: WorkshopKind | string,
  area: string | null,
  pillar: string | null,
): Record<string, string> {
  const problems: Record<string, string> = {};
  if ((kind === 'area' || kind === 'expert-practice') && !area) {
    problems.area =
      kind === 'area'
        ? 'Choose the clinical area this workshop is for'
        : 'Choose the clinical area whose expert practice this workshop is about';
  }
  if (kind === 'area' && !pillar) problems.pillar = 'Choose the pillar this workshop is about';
  return problems;
}

const kinds = Object.keys(WORKSHOP_KINDS) as [WorkshopKind, ...WorkshopKind[]];
const optionalName = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} must be ${max} characters or fewer`)
    .optional()
    .nullable()
    .transform((v) => v || null);

/** The fields both the set-up form and the API take; each says what is wrong in its own words. */
const common = {
  kind: z.enum(kinds, { message: 'Choose the kind of workshop' }),
  title: z
    .string({ message: 'Enter a title' })
    .trim()
    .min(1, 'Enter a title')
    .max(LIMITS.title, `Title must be ${LIMITS.title} characters or fewer`),
  area: optionalName(LIMITS.area, 'Clinical area'),
  pillar: optionalName(100, 'Pillar').refine((v) => v === null || PILLARS.includes(v), 'Choose a pillar from the list'),
  place: z.string().trim().max(LIMITS.place, `Place must be ${LIMITS.place} characters or fewer`).default(''),
  onlineUrl: z
    .string()
    .trim()
    .max(LIMITS.onlineUrl, `The online meeting link must be ${LIMITS.onlineUrl} characters or fewer`)
    .default('')
    .refine((v) => v === '' || /^https:\/\//.test(v), 'Enter the online meeting link starting with https://'),
  templateId: z
    .string()
    .optional()
    .nullable()
    .transform((v) => v || null)
    .pipe(z.uuid({ message: 'Choose a script from the list' }).nullable()),
};

/** Adds every "this kind needs…" problem at once, beside the fields that are missing. */
function checkDefinition(v: { kind: string; area: string | null; pillar: string | null }, ctx: z.RefinementCtx) {
  for (const [field, message] of Object.entries(definitionProblems(v.kind, v.area, v.pillar)))
    ctx.addIssue({ code: 'custom', path: [field], message });
}

/** The set-up form: dates typed as UK local time, yes/no radios. */
export const workshopFormSchema = z
  .object({
    ...common,
    startsAt: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || !Number.isNaN(Date.parse(v)), 'Enter the date and time, like 2026-12-01T10:00'),
    anonymous: z.enum(['yes', 'no'], { message: 'Choose yes or no' }).default('no'),
    facilitatorsSeeIdentity: z.enum(['yes', 'no'], { message: 'Choose yes or no' }).default('no'),
    _submission: z.string().max(100).optional(),
  })
  .superRefine(checkDefinition);
export const workshopFormOrder = ['kind', 'title', 'area', 'pillar', 'startsAt', 'place', 'onlineUrl', 'templateId'];

/** The API: an ISO date-time and booleans. */
export const workshopApiSchema = z
  .object({
    ...common,
    startsAt: z.iso
      .datetime({ offset: true, message: 'Give startsAt as an ISO 8601 date-time, like 2026-12-01T10:00:00Z' })
      .nullable()
      .default(null),
    anonymous: z.boolean().default(false),
    facilitatorsSeeIdentity: z.boolean().default(false),
  })
  .superRefine(checkDefinition);

/** A guest or signed-in person joining with the code. */
export const joinSchema = z.object({
  name: z.string().trim().max(LIMITS.name, `Name must be ${LIMITS.name} characters or fewer`).default(''),
  stakeholderType: z
    .string({ message: 'Choose which of these describes you' })
    .trim()
    .min(1, 'Choose which of these describes you')
    .max(100, 'Choose which of these describes you'),
  area: z
    .string()
    .trim()
    .max(LIMITS.area, 'Choose a clinical area from the list')
    .optional()
    .transform((v) => v || null),
  _submission: z.string().max(100).optional(),
});

/** The join form for one programme: the stakeholder type and area must be the programme's own, checked with the rest at once. */
export const joinSchemaFor = (types: string[], areas: string[]) =>
  joinSchema.superRefine((v, ctx) => {
    if (v.stakeholderType && !types.includes(v.stakeholderType))
      ctx.addIssue({
        code: 'custom',
        path: ['stakeholderType'],
        message: 'Choose which of these describes you, from the list',
      });
    if (v.area && !areas.includes(v.area))
      ctx.addIssue({
        code: 'custom',
        path: ['area'],
        message: 'Choose a clinical area from the list, or "Not one area"',
      });
  });
export const joinOrder = ['name', 'stakeholderType', 'area'];
