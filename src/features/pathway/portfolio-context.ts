import type { Config } from '../../config';
import type { Db } from '../../platform/db/database';
import type { FrameworksService } from '../frameworks/service';
import type { PathwayService } from './service';
import type { PlanService } from './plan-service';

/** What each part of the portfolio service is given. */
export interface PortfolioContext {
  db: Db;
  config: Config;
  frameworks: FrameworksService;
  pathway: PathwayService;
  plan: PlanService;
}
