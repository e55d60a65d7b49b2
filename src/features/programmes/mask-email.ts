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
