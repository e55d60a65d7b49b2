import { z } from 'zod';

/** Email addresses are compared and stored trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailField = z
  .string({ message: 'Enter an email address' })
  .trim()
  .min(1, 'Enter an email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .pipe(z.email({ message: 'Enter an email address in the correct format, like name@example.nhs.uk' }))
  .transform(normaliseEmail);
