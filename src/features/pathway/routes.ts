import type { FastifyInstance } from 'fastify';
import type { PathwayDeps } from './model';
import { createRouteContext } from './route-context';
import { evidencePages } from './evidence-pages';
import { profileRoutes } from './profile-routes';
import { selfAssessmentRoutes } from './self-assessment-routes';
import { evidenceRoutes } from './evidence-routes';
import { evidenceReviewRoutes } from './evidence-review-routes';
import { matrixRoutes } from './matrix-routes';
import { planRoutes } from './plan-routes';
import { teamRoutes } from './team-routes';
import { portfolioRoutes } from './portfolio-routes';

/**
 * The practitioner's own pathway, one file per job: profile and supervisors, self-assessment, evidence (with its
 * attachments and links), asking for evidence to be checked, the matrix and its rules, the development plan,
 * teams, and the portable record. Supervisors' pages are in supervision-routes.ts, cohorts in cohort-routes.ts,
 * pages opened without an account in public-routes.ts.
 */
export function pathwayRoutes(app: FastifyInstance, deps: PathwayDeps) {
  const ctx = createRouteContext(deps);
  const pages = evidencePages(app, ctx);
  profileRoutes(app, ctx);
  selfAssessmentRoutes(app, ctx);
  evidenceRoutes(app, ctx, pages);
  evidenceReviewRoutes(app, ctx, pages);
  matrixRoutes(app, ctx);
  planRoutes(app, ctx);
  teamRoutes(app, ctx);
  portfolioRoutes(app, ctx);
}
