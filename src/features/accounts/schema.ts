import { z } from 'zod';
import { emailField } from '../../platform/auth/email';
import { TOKEN_ACCESS, TOKEN_AREAS, type TokenArea } from '../../platform/auth/policy';

/** A person's full name: registering, changing one's details, and joining from an invitation. */
export const fullNameField = z
  .string({ message: 'Enter your full name' })
  .trim()
  .min(1, 'Enter your full name')
  .max(200, 'Full name must be 200 characters or fewer');
const optionalText = (label: string) =>
  z
    .string()
    .trim()
    .max(200, `${label} must be 200 characters or fewer`)
    .optional()
    .transform((v) => (v ? v : null));

/** The secret in an emailed link's path (registration, password reset, invitation): a bad one is "not valid". */
export const linkTokenParams = z.object({ token: z.string().min(10).max(200) });

export const registerSchema = z.object({
  name: fullNameField,
  email: emailField,
  password: z.string({ message: 'Enter a password' }).min(1, 'Enter a password'),
  profession: optionalText('Profession'),
  organisation: optionalText('Organisation'),
});
export const registerOrder = ['name', 'email', 'password', 'profession', 'organisation'];

export const signInSchema = z.object({
  email: emailField,
  password: z.string({ message: 'Enter your password' }).min(1, 'Enter your password'),
});

export const forgotSchema = z.object({ email: emailField });

export const resetSchema = z.object({
  password: z.string({ message: 'Enter a new password' }).min(1, 'Enter a new password'),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string({ message: 'Enter your current password' }).min(1, 'Enter your current password'),
  newPassword: z.string({ message: 'Enter a new password' }).min(1, 'Enter a new password'),
});

export const profileSchema = z.object({
  name: fullNameField,
  profession: optionalText('Profession'),
  organisation: optionalText('Organisation'),
});

export const deleteAccountSchema = z.object({
  password: z.string({ message: 'Enter your password to confirm' }).min(1, 'Enter your password to confirm'),
});

/** Every token expires: 90 days unless chosen otherwise, never more than a year. */
export const TOKEN_LIFETIMES = ['7', '30', '90', '365'] as const;
export const DEFAULT_TOKEN_DAYS = '90';
const areaChoices = ['all', ...(Object.keys(TOKEN_AREAS) as TokenArea[])] as const;

export const tokenSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'Enter a name for the token, like "Analysis scripts"')
      .max(100, 'Name must be 100 characters or fewer'),
    access: z.enum(TOKEN_ACCESS, { message: 'Choose whether the token can only read, or read and change' }),
    // One ticked box arrives as a string, several as a list.
    areas: z
      .union([z.string(), z.array(z.string())], { message: 'Choose at least one area the token can use' })
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(
        z
          .array(z.enum(areaChoices, { message: 'Choose areas from the list' }))
          .min(1, 'Choose at least one area the token can use'),
      ),
    expiresInDays: z.enum(TOKEN_LIFETIMES, { message: 'Choose when the token expires: a token lasts a year at most' }),
  })
  .transform(({ name, access, areas, expiresInDays }) => ({
    name,
    expiresInDays: Number(expiresInDays),
    // "Every area" covers areas added later too; otherwise one scope per chosen area.
    scopes: areas.includes('all') ? [access] : areas.map((a) => `${a}:${access}`),
  }));

export type ProfileInput = z.infer<typeof profileSchema>;
export type TokenInput = z.infer<typeof tokenSchema>;
