import type { FastifyInstance } from 'fastify';
import type { FrameworksService } from './service';
import { browseRoutes, listRoute } from './browse-routes';
import { importRoutes } from './import-routes';
import { versionRoutes } from './version-routes';
import { draftRoutes } from './draft-routes';

/**
 * The frameworks pages: reading (browse-routes), importing (import-routes), versions — history,
 * compare, new draft, publish — (version-routes) and editing a draft (draft-routes). What they
 * share (the version in the URL, the page's labels, links) is in pages.ts; request schemas in schema.ts.
 */
export function frameworkRoutes(app: FastifyInstance, frameworks: FrameworksService) {
  listRoute(app, frameworks);
  importRoutes(app, frameworks);
  browseRoutes(app, frameworks);
  versionRoutes(app, frameworks);
  draftRoutes(app, frameworks);
}
