import type { FastifyInstance } from 'fastify';
import type { ProgrammesService } from '../programmes/service';
import type { AnalysisService } from './service';
import { createRouteContext } from './route-context';
import { hubRoutes } from './hub-routes';
import { sourceRoutes } from './source-routes';
import { codebookRoutes } from './codebook-routes';
import { codingRoutes } from './coding-routes';
import { compareRoutes } from './compare-routes';
import { themeRoutes } from './theme-routes';
import { matrixRoutes } from './matrix-routes';
import { exchangeRoutes } from './exchange-routes';
import { reviewRoutes } from './review-routes';
import { suggestionRoutes } from './suggestion-routes';

/**
 * The analysis pages. Where each lives:
 * - route-context.ts: what they share (the programme in the URL, what this person may do, whose view of codings)
 * - hub-routes.ts: the analysis home of a programme
 * - source-routes.ts: the sources, filtered and searched, and one source
 * - codebook-routes.ts: the codebook and a code's page (what they show: codebook-pages.ts)
 * - coding-routes.ts: coding a source (whole or a span), one's own codings, marking it done (blind coding)
 * - suggestion-routes.ts: suggested codes; compare-routes.ts: compare, adjudicate, reliability
 * - theme-routes.ts: themes; matrix-routes.ts: the framework matrix and the cross-area view
 * - review-routes.ts: making review links, and the representatives' own pages (no account needed)
 * - exchange-routes.ts: REFI-QDA files in and out, codings as CSV and XLSX
 */
export function analysisRoutes(app: FastifyInstance, analysis: AnalysisService, programmes: ProgrammesService) {
  const context = createRouteContext(app, analysis, programmes);
  hubRoutes(app, context);
  sourceRoutes(app, context);
  codebookRoutes(app, context);
  codingRoutes(app, context);
  compareRoutes(app, context);
  themeRoutes(app, context);
  matrixRoutes(app, context);
  exchangeRoutes(app, context);
  reviewRoutes(app, context);
  suggestionRoutes(app, context);
}
