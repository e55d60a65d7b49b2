import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { nhsukDist } from '../views/render';

/**
 * nhsuk-frontend's compiled CSS loads the Frutiger web fonts from assets.nhs.uk. Waymark serves nothing from a
 * CDN and its Content Security Policy allows fonts only from itself, so every page logged blocked font requests.
 * The fonts are licensed for NHS.UK and not in the package; the design system's own font stack falls back to
 * Arial, as it does when the fonts are not loaded. The Sass build has a switch for this
 * ($nhsuk-include-font-face); with the precompiled file, the @font-face rules are taken out once at start.
 */
export function withoutRemoteFonts(css: string): string {
  return css.replace(/@font-face\{[^}]*url\(https?:[^}]*\}/g, '');
}

/** Serves the design system's stylesheet without its remote @font-face rules, cached like the other assets. */
export function nhsukCssRoute(app: FastifyInstance): void {
  const css = withoutRemoteFonts(readFileSync(path.join(nhsukDist, 'nhsuk', 'nhsuk-frontend.min.css'), 'utf8'));
  const etag = `"${createHash('sha256').update(css).digest('base64url').slice(0, 27)}"`;
  app.get('/nhsuk/nhsuk-frontend.min.css', { config: { permission: 'public' } }, async (request, reply) => {
    reply.header('cache-control', 'public, max-age=86400').header('etag', etag).type('text/css; charset=utf-8');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return css;
  });
}
