import type { FrameworksService } from '../frameworks/service';
import type { PathwayService } from './service';
import type { ReviewService } from './review-service';
import type { PlanService } from './plan-service';
import type { GroupService } from './group-service';
import type { PortfolioService } from './portfolio-service';

/** The services the pathway's route files are given (shared by routes.ts and practice-routes.ts). */
export interface PathwayDeps {
  pathway: PathwayService;
  frameworks: FrameworksService;
  review: ReviewService;
  plans: PlanService;
  groups: GroupService;
  portfolio: PortfolioService;
}

/** A practitioner's pathway as the services hand it to the routes (so a route file need not import the repository). */
export type { Pathway } from './repository';
