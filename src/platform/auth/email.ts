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

/**
 * A list of addresses typed or pasted into one box (separated by spaces,
 * commas, semicolons or new lines): each checked, normalised, and each person
 * once. A problem names the address at fault.
 */
export function parseEmailList(
  text: string,
  max = 500,
): { ok: true; emails: string[] } | { ok: false; message: string } {
  const raw = text.split(/[\s,;]+/).filter(Boolean);
  if (raw.length === 0) return { ok: false, message: 'Enter at least one email address' };
  const emails = new Set<string>();
  for (const e of raw) {
    const parsed = emailField.safeParse(e);
    if (!parsed.success)
      return { ok: false, message: `"${e}" is not an email address. Enter addresses like name@example.nhs.uk` };
    emails.add(parsed.data);
  }
  if (emails.size > max) return { ok: false, message: `Enter ${max} addresses or fewer at a time` };
  return { ok: true, emails: [...emails] };
}

/**
 * An email address partly hidden, for telling someone signed in as another
 * account where an invitation went without handing the address to whoever
 * holds the link: the first letter of the name and the whole domain,
 * e.g. "a***@nhs.net".
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
