import { z } from 'zod';
import { PATHWAY_STAGES } from './stage';

/**
 * Requests from supervisors (meetings, verifying evidence, stage sign-off), educators (cohorts) and people
 * without an account (confirming evidence through a link, checking a badge). The practitioner's own are in
 * schema.ts. `…Fields` lists give the order of a form's error summary.
 */

// ---- supervision ---------------------------------------------------------------------------

export const meetingSchema = z.object({
  heldOn: z.iso.date({ message: 'Enter the date of the meeting, like 2026-11-20' }),
  notes: z
    .string()
    .trim()
    .min(1, 'Write a note of what you discussed')
    .max(10_000, 'Keep the notes to 10,000 characters or fewer'),
  agreedActions: z.string().trim().max(5_000, 'Keep the actions to 5,000 characters or fewer').default(''),
});
export type MeetingInput = z.infer<typeof meetingSchema>;
export const meetingFields = ['heldOn', 'notes', 'agreedActions'];

/** A supervisor's decision on evidence sent to them to verify. */
export const decisionSchema = z.object({
  decision: z.enum(['confirm', 'return'], { message: 'Choose whether to verify the evidence or return it' }),
  comment: z.string().trim().max(5000, 'Keep the comment to 5,000 characters or fewer').default(''),
});
export const decisionFields = ['decision', 'comment'];

// ---- stage sign-off --------------------------------------------------------------------------

/** The stage to sign off: asked for in the sign-off page's query and again in its form. */
export const signoffStage = z.enum(PATHWAY_STAGES, { message: 'Choose the stage to sign off' });

export const signoffSchema = z.object({
  stage: signoffStage,
  comment: z.string().trim().max(2000, 'Keep the comment to 2,000 characters or fewer').default(''),
  confirm: z.literal('yes', { message: 'Confirm that you have reviewed the evidence for this stage' }),
  earlier: z
    .string()
    .optional()
    .transform((v) => v === 'yes'),
});
export type SignoffInput = z.infer<typeof signoffSchema>;
export const signoffFields = ['stage', 'earlier', 'comment', 'confirm'];

// ---- cohorts ----------------------------------------------------------------------------------

export const cohortSchema = z.object({
  name: z
    .string({ message: 'Enter a name for the cohort' })
    .trim()
    .min(1, 'Enter a name for the cohort')
    .max(120, 'Keep the name to 120 characters or fewer'),
  versionId: z.uuid({ message: 'Choose the framework the cohort follows' }),
  programmeId: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.uuid({ message: 'Choose a programme from the list' }).nullable()),
});
export type CohortInput = z.infer<typeof cohortSchema>;
export const cohortFields = ['name', 'versionId', 'programmeId'];

/** A cohort page: everyone or only those who have stalled, a page at a time. */
export const cohortQuerySchema = z.object({
  show: z.literal('stalled').optional().catch(undefined),
  page: z.coerce
    .string()
    .optional()
    .transform((v) => Number.parseInt(v ?? '1', 10) || 1),
});

// ---- pages opened without an account ----------------------------------------------------------

/** The answer of someone asked to confirm evidence, through the emailed link. */
export const answerSchema = z.object({
  decision: z.enum(['confirm', 'return'], {
    message: 'Choose whether you confirm this evidence or return it with comments',
  }),
  name: z
    .string({ message: 'Enter your full name' })
    .trim()
    .min(1, 'Enter your full name')
    .max(200, 'Name must be 200 characters or fewer'),
  role: z
    .string({ message: 'Enter your role' })
    .trim()
    .min(1, 'Enter your role, like Consultant physiotherapist')
    .max(200, 'Role must be 200 characters or fewer'),
  organisation: z.string().trim().max(200, 'Organisation must be 200 characters or fewer').default(''),
  registration: z.string().trim().max(60, 'Registration number must be 60 characters or fewer').default(''),
  statement: z
    .string({ message: 'Write your statement' })
    .trim()
    .min(1, 'Write your statement: what you saw of this work, or what should change')
    .max(5000, 'Keep the statement to 5,000 characters or fewer'),
});
export type AnswerInput = z.infer<typeof answerSchema>;
export const answerFields = ['decision', 'name', 'role', 'organisation', 'registration', 'statement'];

/** A badge credential pasted to be checked. */
export const badgeCheckSchema = z.object({
  credential: z.preprocess(
    (v) => String(v ?? '').trim(),
    z
      .string()
      .min(1, 'Paste the badge credential (the long text starting with “ey”)')
      .max(100_000, 'That is too long to be a Waymark badge'),
  ),
});
