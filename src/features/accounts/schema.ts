import { z } from 'zod';
import { emailField } from '../../platform/auth/email';

const name = z.string().trim().min(1, 'Enter your full name').max(200, 'Full name must be 200 characters or fewer');
const optionalText = (label: string) =>
  z
    .string()
    .trim()
    .max(200, `${label} must be 200 characters or fewer`)
    .optional()
    .transform((v) => (v ? v : null));

export const registerSchema = z.object({
  name,
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
  name,
  profession: optionalText('Profession'),
  organisation: optionalText('Organisation'),
});

export const tokenSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name for the token, like "Analysis scripts"').max(100, 'Name must be 100 characters or fewer'),
  expiresInDays: z.enum(['30', '90', '365', 'never'], { message: 'Choose when the token expires' }),
});
