import { isUuid } from '../ids';

/**
 * Secret links in emails (password resets, panel links, confirmations,
 * invitations) must reach the recipient and nobody else: not the outbox that
 * admins read, not the log. Emails mark them with `secretLink`; the mailer
 * stores the message with each one replaced by HIDDEN_LINK.
 */

/** What the outbox shows in place of a secret link. */
export const HIDDEN_LINK = '[link sent to the recipient — hidden here]';

// Private-use characters: they never occur in a URL, and the marks are removed before anything is sent.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKED = new RegExp(`${OPEN}([^${OPEN}${CLOSE}]*)${CLOSE}`, 'g');

/** Marks a link that carries a secret, so the outbox and the log never hold it. */
export function secretLink(url: string): string {
  return `${OPEN}${url}${CLOSE}`;
}

/**
 * A path segment or query value shaped like a generated secret: 32 or more
 * URL-safe characters (Waymark's tokens have 43) that is not a record's UUID.
 */
export function looksLikeSecret(value: string): boolean {
  return value.length >= 32 && /^[A-Za-z0-9_-]+$/.test(value) && !isUuid(value);
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/g;

/** A full stop or bracket after an address ends the sentence, not the address. */
const TRAILING = /[.,;:!?)\]]+$/;

function urlHasSecret(url: string): boolean {
  try {
    const u = new URL(url);
    return u.pathname.split('/').some(looksLikeSecret) || [...u.searchParams.values()].some(looksLikeSecret);
  } catch {
    return false;
  }
}

export interface SplitMessage {
  /** The text as the recipient reads it. */
  live: string;
  /** The same text with every secret link hidden: the only form that is stored readable or logged. */
  shown: string;
  /** How many links were hidden. */
  hidden: number;
}

/**
 * Splits an email's text into what is sent and what may be shown. Besides the
 * marked links, any link that looks like it carries a token is hidden too, so
 * an email written without `secretLink` still cannot leak one.
 */
export function splitSecrets(text: string): SplitMessage {
  let hidden = 0;
  const live = text
    .replace(MARKED, (_m, url: string) => url)
    .replaceAll(OPEN, '')
    .replaceAll(CLOSE, '');
  const shown = text
    .replace(MARKED, () => {
      hidden++;
      return HIDDEN_LINK;
    })
    .replaceAll(OPEN, '')
    .replaceAll(CLOSE, '')
    .replace(URL_IN_TEXT, (raw) => {
      const url = raw.replace(TRAILING, '');
      if (!urlHasSecret(url)) return raw;
      hidden++;
      return HIDDEN_LINK + raw.slice(url.length);
    });
  return { live, shown, hidden };
}

export type EmailPart = { text: string } | { href: string } | { hidden: true };

/**
 * An email's plain text as the recipient's mail program shows it: paragraphs
 * split on blank lines, lines within them kept, web addresses as links and
 * hidden links marked, for the outbox page.
 */
export function emailParagraphs(text: string): EmailPart[][][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '')
    .map((p) => p.split('\n').map(lineParts));
}

function lineParts(line: string): EmailPart[] {
  const parts: EmailPart[] = [];
  const pattern = new RegExp(`${escapeRegExp(HIDDEN_LINK)}|https?:\\/\\/[^\\s<>"]+`, 'g');
  let at = 0;
  for (const m of line.matchAll(pattern)) {
    if (m.index > at) parts.push({ text: line.slice(at, m.index) });
    const raw = m[0];
    const url = raw === HIDDEN_LINK ? raw : raw.replace(TRAILING, '');
    parts.push(raw === HIDDEN_LINK ? { hidden: true } : { href: url });
    at = m.index + url.length;
  }
  if (at < line.length) parts.push({ text: line.slice(at) });
  return parts;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
