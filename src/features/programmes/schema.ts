import { z } from 'zod';
import { emailField } from '../../platform/auth/email';
import { PROGRAMME_ROLES } from '../../platform/auth/policy';
import { fullNameField } from '../accounts/schema';
import { programmeParams } from '../api/shared';
import { STAGE_KEYS, STAGE_STATES, type StageKey } from './stages';

/**
 * Requests of the programme pages and of the JSON API. Where a page form and an API operation take the same
 * request they share the field schemas below, so both answer with the same messages; they differ only where
 * the form's raw shape does (a newline-separated list, an empty choice for "none", the submission key).
 */

/** The key a page form sends so that a repeated submit (a double click) creates one thing. */
const submissionKey = z.string().max(100).optional();

// ---- setting up a programme ------------------------------------------------------

const programmeName = z
  .string({ message: 'Enter a programme name' })
  .trim()
  .min(1, 'Enter a programme name')
  .max(200, 'Programme name must be 200 characters or fewer');
const programmeDescription = z.string().trim().max(5000, 'Description must be 5,000 characters or fewer').default('');

/** Names of clinical areas or stakeholder types: each at most 100 characters, none twice (whatever the case). */
function nameList(what: string, max: number, atLeastOne: boolean) {
  const names = z.array(
    z.string().trim().min(1, `Enter a name for each ${what}`).max(100, `Each ${what} must be 100 characters or fewer`),
  );
  return (atLeastOne ? names.min(1, `Enter at least one ${what}, one per line`) : names)
    .max(max, `Enter ${max} ${what}s or fewer`)
    .refine((a) => new Set(a.map((x) => x.toLowerCase())).size === a.length, `Each ${what} must appear only once`);
}

/** The page form's list: one name per line, blank lines dropped; at least one. */
const lines = (what: string, max: number) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(nameList(what, max, true));

/** The page form that creates or changes a programme. */
export const programmeSchema = z.object({
  name: programmeName,
  description: programmeDescription,
  areas: lines('clinical area', 30),
  stakeholderTypes: lines('stakeholder type', 30),
  _submission: submissionKey,
});
export type ProgrammeInput = z.infer<typeof programmeSchema>;
export const programmeOrder = ['name', 'description', 'areas', 'stakeholderTypes'];

/** The API's new programme: lists are JSON arrays, and an empty or missing one takes the defaults. */
export const programmeBody = z.object({
  name: programmeName,
  description: programmeDescription,
  areas: nameList('clinical area', 30, false).default([]),
  stakeholderTypes: nameList('stakeholder type', 30, false).default([]),
});

// ---- members and invitations -----------------------------------------------------

const inviteRole = z.enum(PROGRAMME_ROLES, { message: 'Choose a role' });
const listChoice = z.uuid({ message: 'Choose from the list' });
/** A page form's optional choice: the empty option means none. */
const optionalChoice = z
  .string()
  .optional()
  .transform((v) => (v ? v : null))
  .pipe(listChoice.nullable());
const participantHasType = (v: { role: string; stakeholderTypeId: string | null }) =>
  v.role !== 'participant' || v.stakeholderTypeId !== null;
const participantNeedsType = {
  path: ['stakeholderTypeId'],
  message: 'Choose the stakeholder type of this participant',
};

/** The page form that invites someone. */
export const inviteSchema = z
  .object({
    email: emailField,
    role: inviteRole,
    stakeholderTypeId: optionalChoice,
    areaId: optionalChoice,
    _submission: submissionKey,
  })
  .refine(participantHasType, participantNeedsType);
export type InviteInput = z.infer<typeof inviteSchema>;
export const inviteOrder = ['email', 'role', 'stakeholderTypeId', 'areaId'];

/** The API's invitation: no stakeholder type or area is null (or left out). */
export const inviteBody = z
  .object({
    email: emailField,
    role: inviteRole,
    stakeholderTypeId: listChoice.nullable().default(null),
    areaId: listChoice.nullable().default(null),
  })
  .refine(participantHasType, participantNeedsType);

/** A member's role in the URL of "remove": another role is not found (the ids are checked by the platform). */
export const memberRoleParams = z.object({
  programmeId: z.string(),
  userId: z.string(),
  role: z.enum(PROGRAMME_ROLES),
});

/** Someone invited with no account yet creates one as they accept. */
export const acceptNewAccountSchema = z.object({
  name: fullNameField,
  password: z.string({ message: 'Create a password' }).min(1, 'Create a password'),
});

// ---- stages ----------------------------------------------------------------------

const stageKey = z.enum(STAGE_KEYS as [StageKey, ...StageKey[]]);

/** The stage named in a page's URL: another name is not found. */
export const stageParams = z.object({ stage: stageKey });
/** The stage named in an API path, in its programme. */
export const stageApiParams = programmeParams.extend({ stage: stageKey });

/** Setting a stage's state, from its page or the API. */
export const stageSchema = z.object({
  state: z.enum(STAGE_STATES, { message: 'Choose the state of this stage' }),
  note: z.string().trim().max(2000, 'Note must be 2,000 characters or fewer').default(''),
});
