import { z } from 'zod';
import { formList } from '../../platform/http/route-helpers';
import { parseEmailList } from '../../platform/auth/email';
import { nhsNumberProblem } from '../../platform/forms/nhs-number';
import { PILLARS, WORKSHOP_KINDS, type WorkshopKind } from './board';
import { programmeParams } from '../api/shared';
import { CONTROL_ACTIONS, ORGANISE_ACTIONS } from './model';

/*
 * Every request the workshop pages and the API take, with the rules each field has. Where a page
 * form and an API operation take the same request they share the field schemas below, so they
 * give the same messages; the form's own shape (text boxes, radios, checkboxes) is read around them.
 * Rules that depend on the workshop as it is now (is it live, is this activity part of it) are the
 * service's, and so are a few field rules whose message must come after the shared free-text guard's.
 */

// ---- setting a workshop up ---------------------------------------------------------------------

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

/** A form's submission key (a double click or a resend does the work once). */
const submission = z
  .string()
  .max(100)
  .optional()
  .transform((v) => v || undefined);

/** A form field that may be left empty; empty counts as not given. */
const blankAsMissing = (v: unknown) => (v === '' ? undefined : v);

/** The path of every API operation on one workshop. */
export const workshopApiParams = programmeParams.extend({ workshopId: z.uuid() });

/** What `?fragment=1` asks of a page: only the live part, for the page's script to swap in. */
export const fragmentQuery = z.object({ fragment: z.string().optional() });

// ---- the script ----------------------------------------------------------------------------------

/** Minutes typed for a timer, as seconds, or null for none (the service says when it is out of range). */
const timerMinutes = z
  .string()
  .optional()
  .transform((v) => (v ? Math.round(Number(v) * 60) : null));

/** Adding a question to the script. */
export const activityFormSchema = z.object({
  prompt: z.string().default(''),
  timerMinutes,
  _submission: submission,
});

/** A question of the script: save its words and timer, move it up or down, or delete it. */
export const activityEditSchema = z.object({
  action: z.string().default('save'),
  prompt: z.string().default(''),
  timerMinutes,
});

/** Saving the script for other workshops of the programme. */
export const templateFormSchema = z.object({ templateName: z.string().default(''), _submission: submission });

// ---- the facilitator's controls ------------------------------------------------------------------

const controlFields = {
  action: z.enum(CONTROL_ACTIONS, { message: 'Choose what to do' }),
  activityId: z.uuid().optional(),
  votesPerPerson: z
    .number({ message: 'Give each person from 1 to 20 votes' })
    .int({ message: 'Give each person from 1 to 20 votes' })
    .optional(),
};

/** A control sent to the API. */
export const controlApiSchema = z.object(controlFields);

/** A control button of the console (the votes each is typed; the pause and end buttons send no activity). */
export const controlFormSchema = z.object({
  action: controlFields.action,
  activityId: z.preprocess(blankAsMissing, controlFields.activityId),
  votesPerPerson: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : Number(v)),
    controlFields.votesPerPerson,
  ),
});

// ---- notes, clusters, votes ----------------------------------------------------------------------

/** The longest note, in characters. */
export const MAX_NOTE = 500;

export const NOTE_EMPTY = 'Write your note before adding it';
export const NOTE_EDIT_EMPTY = 'Write your note, or withdraw it instead';

/**
 * What is wrong with a note's text, in the note's own words, or null. Checked before the shared
 * free-text guard, so a very long note gets the note's limit, not the guard's generic one.
 */
export function noteTextProblem(raw: string, emptyMessage: string): string | null {
  const text = raw.trim();
  if (!text) return emptyMessage;
  if (text.length > MAX_NOTE)
    return `A note must be ${MAX_NOTE} characters or fewer (this one is ${text.length.toLocaleString('en-GB')})`;
  return nhsNumberProblem(text, 'your note');
}

/** A note's text, with the note's own rules; `emptyMessage` says what to do about an empty one. */
const noteText = (emptyMessage: string) =>
  z.string({ message: emptyMessage }).superRefine((v, ctx) => {
    const problem = noteTextProblem(v, emptyMessage);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A note for the current activity: from a participant's board, from the console (for the room) and
 * from the API alike. The client key makes a retry add it once (the service checks its form).
 */
export const noteSchema = z.object({
  activityId: z.uuid(),
  text: noteText(NOTE_EMPTY),
  clientKey: z.string({ message: 'The form was out of date. Reload the page and add your note again' }),
});

/** A participant changing their own note, or withdrawing it (which needs no text). */
export const noteChangeSchema = z
  .object({ action: z.string().default(''), text: z.string().default('') })
  .superRefine((v, ctx) => {
    const problem = v.action === 'withdraw' ? null : noteTextProblem(v.text, NOTE_EDIT_EMPTY);
    if (problem) ctx.addIssue({ code: 'custom', path: ['text'], message: problem });
  });

/** A cluster's name; how long it may be, the service says (after the shared free-text guard). */
const clusterName = z.string({ message: `Name the cluster, in ${LIMITS.cluster} characters or fewer` });

/** A new cluster, from the API. */
export const clusterApiSchema = z.object({ activityId: z.uuid(), name: clusterName });

/** A new cluster, from the console (whose form names the field clusterName). */
export const clusterFormSchema = z.object({ activityId: z.uuid(), clusterName });

const organiseFields = {
  activityId: z.uuid(),
  noteIds: z.array(z.uuid()).min(1, 'Select one or more notes first'),
  action: z.enum(ORGANISE_ACTIONS, { message: 'Choose what to do with the selected notes' }),
  clusterId: z.uuid().nullable(),
};

/** Selected notes moved to a cluster (or out of every cluster: clusterId null), hidden, shown or merged. */
export const organiseApiSchema = z.object({
  ...organiseFields,
  clusterId: organiseFields.clusterId.default(null),
});

/** The console's organise form: the notes are ticked checkboxes; no cluster chosen means out of every cluster. */
export const organiseFormSchema = z.object({
  activityId: organiseFields.activityId,
  notes: z.preprocess(formList, organiseFields.noteIds),
  action: organiseFields.action,
  clusterId: z.preprocess((v) => v || null, organiseFields.clusterId),
});

/** A vote for a note (target "note:ID") or a cluster ("cluster:ID"). */
export const voteFormSchema = z.object({
  activityId: z.uuid(),
  target: z
    .string()
    .default('')
    .transform((v) => {
      const [kind, id] = v.split(':');
      return kind === 'cluster' ? { clusterId: id } : { noteId: id };
    }),
  _submission: submission,
});

/** Taking a vote back. */
export const unvoteFormSchema = z.object({ activityId: z.uuid() });

// ---- joining, inviting ---------------------------------------------------------------------------

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

/** The code typed on /join (the service reads it in any case, with spaces or dashes). */
export const joinCodeSchema = z.object({ code: z.string().default('') });

/** Addresses to email the join link to: one per line, or separated by commas. */
export const inviteFormSchema = z.object({
  emails: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const list = parseEmailList(v);
      if (list.ok) return list.emails;
      ctx.addIssue({ code: 'custom', message: list.message });
      return z.NEVER;
    }),
  _submission: submission,
});

// ---- the record ----------------------------------------------------------------------------------

/** The record's download formats (any other is not found). */
export const recordParams = z.object({ format: z.enum(['csv', 'xlsx']) });

/** An uploaded transcript's form: the file itself is read by the service. */
export const sourceFormSchema = z.object({ _submission: submission });
