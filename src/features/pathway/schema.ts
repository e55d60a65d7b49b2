import { z } from 'zod';
import { emailField, normaliseEmail } from '../../platform/auth/email';
import { LEVELS, PATHWAY_STAGES } from './stage';
import { RULE_KEYS } from './rules';

/**
 * The practitioner's requests: profile, following a framework, self-assessment, evidence, the matrix and its
 * rules, the plan, teams and the portable record. The supervisors', educators' and public pages' requests are in
 * schema-review.ts. `…Fields` lists give the order of a form's error summary.
 */

const todayIso = () => new Date().toISOString().slice(0, 10);

/** An optional date box: empty is "no date". */
export const optionalDay = (message: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.iso.date({ message }).nullable());

/** An email address typed into a one-box form: whatever is wrong with it, the form's own message. */
export const emailWithMessage = (message: string) =>
  z.string().transform((v, ctx) => {
    const parsed = emailField.safeParse(v);
    if (parsed.success) return parsed.data;
    ctx.issues.push({ code: 'custom', message, input: v });
    return z.NEVER;
  });

/** The email of someone invited to a team or a cohort. */
export const inviteEmail = emailWithMessage('Enter their email address, like name@nhs.net');

// ---- profile, supervisors, following a framework ----------------------------------------

export const profileSchema = z.object({
  profession: z.string().trim().max(200, 'Profession must be 200 characters or fewer').default(''),
  registration: z.string().trim().max(200, 'Registration must be 200 characters or fewer').default(''),
  clinicalArea: z
    .string()
    .trim()
    .max(100, 'Clinical area must be 100 characters or fewer')
    .optional()
    .transform((v) => v || null),
  currentPost: z.string().trim().max(200, 'Post must be 200 characters or fewer').default(''),
  employer: z.string().trim().max(200, 'Employer must be 200 characters or fewer').default(''),
  consultantPostStart: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.iso.date({ message: 'Enter the date you started, like 2025-04-01' }).nullable()),
  stageOverride: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.enum(PATHWAY_STAGES, { message: 'Choose a stage from the list' }).nullable()),
  overrideReason: z.string().trim().max(1000, 'Reason must be 1,000 characters or fewer').default(''),
});
export type ProfileInput = z.infer<typeof profileSchema>;
export const profileFields = [
  'profession',
  'registration',
  'currentPost',
  'employer',
  'consultantPostStart',
  'stageOverride',
  'overrideReason',
];

export const supervisorEmail = emailWithMessage('Enter your supervisor’s email address, like name@nhs.net');

/** Following a framework: the version chosen from the list. */
export const startSchema = z.object({
  versionId: z.preprocess((v) => String(v ?? ''), z.uuid({ message: 'Choose a framework to follow' })),
});

// ---- self-assessment ----------------------------------------------------------------------

/** The area framework added to a pathway; an empty choice removes it. */
export const areaChoice = z
  .string()
  .transform((v) => (v ? v : null))
  .pipe(z.uuid({ message: 'Choose a published area framework' }).nullable());

/** The self-assessment form: a `level-<statement>` box per statement, read as statement → level. */
export const assessSchema = z.record(z.string(), z.unknown()).transform((body) =>
  Object.fromEntries(
    Object.entries(body)
      .filter(([k]) => k.startsWith('level-'))
      .map(([k, v]) => [k.slice(6), String(v)]),
  ),
);

// ---- evidence -------------------------------------------------------------------------------

export const evidenceSchema = z.object({
  kind: z.string({ message: 'Choose the kind of evidence' }).min(1, 'Choose the kind of evidence'),
  title: z
    .string({ message: 'Give the evidence a title' })
    .trim()
    .min(1, 'Give the evidence a title')
    .max(200, 'Title must be 200 characters or fewer'),
  occurredOn: optionalDay('Enter the date, like 2026-10-14'),
  template: z.string().default('none'),
  reflection: z.string().trim().max(20_000, 'The reflection must be 20,000 characters or fewer').default(''),
  groupId: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.uuid({ message: 'Choose a team from the list' }).nullable()),
});
export type EvidenceInput = z.infer<typeof evidenceSchema>;
export const evidenceFields = ['kind', 'title', 'occurredOn', 'reflection', 'groupId'];

/** The statement search on an evidence page. */
export const statementSearchSchema = z.object({ q: z.coerce.string().optional() });

export const linkSchema = z.object({
  statement: z.uuid({ message: 'Choose a statement from the results' }),
  reason: z.string().trim().max(300, 'Keep the reason to 300 characters or fewer').default(''),
});
export const linkFields = ['statement', 'reason'];

/** `statement` in a link's path is not named as an id, so the platform's guard does not check it. */
export const linkParamsSchema = z.object({ statement: z.uuid() });

/** Asking someone to confirm a piece of evidence through an emailed link. */
export const confirmationRequestSchema = z.object({
  name: z
    .string({ message: 'Enter the name of the person to ask' })
    .trim()
    .min(1, 'Enter the name of the person to ask')
    .max(200, 'Name must be 200 characters or fewer'),
  email: z
    .string({ message: 'Enter their email address, like name@nhs.net' })
    .trim()
    .min(1, 'Enter their email address, like name@nhs.net')
    .max(254, 'Email address must be 254 characters or fewer')
    .pipe(z.email({ message: 'Enter their email address, like name@nhs.net' }))
    .transform(normaliseEmail),
  includeReflection: z
    .string()
    .optional()
    .transform((v) => v === 'yes'),
  message: z.string().trim().max(2000, 'Keep the message to 2,000 characters or fewer').default(''),
});
export type ConfirmationRequestInput = z.infer<typeof confirmationRequestSchema>;
export const confirmationRequestFields = ['name', 'email', 'message'];

// ---- the matrix and its rules -----------------------------------------------------------------

/** The stage the matrix shows: one stage or all; anything else is the practitioner's own stage. */
export const matrixQuerySchema = z.object({
  stage: z
    .enum([...PATHWAY_STAGES, 'all'])
    .optional()
    .catch(undefined),
});

const ruleNumber = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^\d+$/.test(v), 'Enter a whole number, or leave it empty for no limit')
  .transform((v) => (v === null ? null : Number(v)))
  .refine((v) => v === null || v <= 1000, 'Enter 1,000 or fewer');
export const rulesSchema = z.object(
  Object.fromEntries(RULE_KEYS.map((k) => [k, ruleNumber])) as Record<(typeof RULE_KEYS)[number], typeof ruleNumber>,
);
export type RulesInput = z.infer<typeof rulesSchema>;
export const levelFields = LEVELS.map((l) => `level-${l}`);

/** The scale's words, `level-<level>` on the rules form: optional, and without them the names stay as they are. */
export const scaleSchema = z
  .record(z.string(), z.unknown())
  .transform((body) =>
    levelFields.some((f) => f in body)
      ? (Object.fromEntries(LEVELS.map((l) => [l, String(body[`level-${l}`] ?? '')])) as Record<
          (typeof LEVELS)[number],
          string
        >)
      : undefined,
  );

// ---- development plan ------------------------------------------------------------------------

export const goalSchema = z.object({
  title: z
    .string({ message: 'Enter the goal' })
    .trim()
    .min(1, 'Enter the goal')
    .max(200, 'Keep the goal to 200 characters or fewer'),
  statementIdentifier: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.uuid({ message: 'Choose a statement from the list' }).nullable()),
  targetOn: optionalDay('Enter the target date, like 2027-03-31'),
  shared: z.string().optional(),
});
export type GoalInput = z.infer<typeof goalSchema>;
export const goalFields = ['title', 'statementIdentifier', 'targetOn'];

export const actionSchema = z.object({
  text: z
    .string({ message: 'Enter the action' })
    .trim()
    .min(1, 'Enter the action')
    .max(500, 'Keep the action to 500 characters or fewer'),
  dueOn: optionalDay('Enter the due date, like 2027-01-15').refine(
    (v) => v === null || v >= todayIso(),
    'The due date must be today or later: an action cannot be due in the past',
  ),
});
export type ActionInput = z.infer<typeof actionSchema>;
export const actionFields = ['text', 'dueOn'];

// ---- teams and invitations ---------------------------------------------------------------------

export const teamSchema = z.object({
  name: z
    .string({ message: 'Enter a name for the team' })
    .trim()
    .min(1, 'Enter a name for the team')
    .max(120, 'Keep the name to 120 characters or fewer'),
});

/** Accepting or leaving a team or cohort from the pathway page. */
export const groupChoiceSchema = z.object({ choice: z.enum(['accept', 'leave']) });

// ---- the portable record -----------------------------------------------------------------------

const DAYS_MESSAGE = 'Enter the number of days as a whole number from 1 to 90';
export const shareSchema = z.object({
  label: z
    .string({ message: 'Say who the link is for' })
    .trim()
    .min(1, 'Say who the link is for, like “Consultant panel, March”')
    .max(120, 'Keep it to 120 characters or fewer'),
  days: z.preprocess(
    // An empty box is "no number", not 0.
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce
      .number({ message: DAYS_MESSAGE })
      .int(DAYS_MESSAGE)
      .min(1, 'The link must work for at least 1 day')
      .max(90, 'A share link can work for at most 90 days'),
  ),
});
export type ShareInput = z.infer<typeof shareSchema>;
export const shareFields = ['label', 'days'];
