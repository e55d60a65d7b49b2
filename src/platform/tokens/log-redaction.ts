import type { FastifyServerOptions } from 'fastify';
import { looksLikeSecret } from '../mail/secret-links';

/** Paths whose next segment is a secret: links from emails, share links, workshop join codes. */
const SECRET_AFTER = ['reset-password', 'confirm', 'enter', 'invitations', 'shared', 'join'];
/** Query parameters that may carry a secret, or a path that does (returnTo=/invitations/…). */
const SECRET_PARAMS = /^(token|code|key|secret|password|returnto|_csrf)$/i;
export const HIDDEN = '[hidden]';

/**
 * A request URL fit for the log: the segment after a secret-carrying path
 * (e.g. /reset-password/…), any segment shaped like a token, and the values of
 * query parameters that can hold one are hidden.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const segments = path.split('/');
  const safe = segments
    .map((seg, i) =>
      (i > 0 && SECRET_AFTER.includes(segments[i - 1]!) && seg !== '') || looksLikeSecret(safeDecode(seg))
        ? HIDDEN
        : seg,
    )
    .join('/');
  if (q === -1) return safe;
  const params = new URLSearchParams(url.slice(q + 1));
  const kept = [...params].map(
    ([k, v]) =>
      `${encodeURIComponent(k)}=${SECRET_PARAMS.test(k) || looksLikeSecret(v) ? HIDDEN : encodeURIComponent(v)}`,
  );
  return `${safe}?${kept.join('&')}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface LoggedRequest {
  method: string;
  url: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Logger options for the app: requests are logged with their secrets hidden,
 * and headers that carry credentials never reach the log, whatever logs them.
 */
export function loggerOptions(level: string) {
  return {
    level,
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        hostname: req.hostname,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
        '*.headers.authorization',
        '*.headers.cookie',
      ],
      censor: HIDDEN,
    },
  } satisfies FastifyServerOptions['logger'];
}
