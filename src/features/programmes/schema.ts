import { z } from 'zod';
import { emailField } from '../../platform/auth/email';
import { PROGRAMME_ROLES } from '../../platform/auth/policy';
import { STAGE_STATES } from './stages';

/** One name per line; blank lines dropped, duplicates refused. */
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
    .pipe(
      z
        .array(z.string().max(100, `Each ${what} must be 100 characters or fewer`))
        .min(1, `Enter at least one ${what}, one per line`)
        .max(max, `Enter ${max} ${what}s or fewer`)
        .refine((a) => new Set(a.map((x) => x.toLowerCase())).size === a.length, `Each ${what} must appear only once`),
    );

export const programmeSchema = z.object({
  name: z
    .string({ message: 'Enter a programme name' })
    .trim()
    .min(1, 'Enter a programme name')
    .max(200, 'Programme name must be 200 characters or fewer'),
  description: z.string().trim().max(5000, 'Description must be 5,000 characters or fewer').optional().default(''),
  areas: lines('clinical area', 30),
  stakeholderTypes: lines('stakeholder type', 30),
  _submission: z.string().max(100).optional(),
});
export type ProgrammeInput = z.infer<typeof programmeSchema>;
export const programmeOrder = ['name', 'description', 'areas', 'stakeholderTypes'];

const optionalId = z
  .string()
  .optional()
  .transform((v) => (v ? v : null))
  .pipe(z.uuid({ message: 'Choose from the list' }).nullable());

export const inviteSchema = z
  .object({
    email: emailField,
    role: z.enum(PROGRAMME_ROLES, { message: 'Choose a role' }),
    stakeholderTypeId: optionalId,
    areaId: optionalId,
    _submission: z.string().max(100).optional(),
  })
  .refine((v) => v.role !== 'participant' || v.stakeholderTypeId !== null, {
    path: ['stakeholderTypeId'],
    message: 'Choose the stakeholder type of this participant',
  });
export type InviteInput = z.infer<typeof inviteSchema>;
export const inviteOrder = ['email', 'role', 'stakeholderTypeId', 'areaId'];

export const stageSchema = z.object({
  state: z.enum(STAGE_STATES, { message: 'Choose the state of this stage' }),
  note: z.string().trim().max(2000, 'Note must be 2,000 characters or fewer').optional().default(''),
});

export const acceptNewAccountSchema = z.object({
  name: z
    .string({ message: 'Enter your full name' })
    .trim()
    .min(1, 'Enter your full name')
    .max(200, 'Full name must be 200 characters or fewer'),
  password: z.string({ message: 'Create a password' }).min(1, 'Create a password'),
});
