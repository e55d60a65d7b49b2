import type { Platform } from '../../platform/http/types';
import type { FrameworksService } from '../frameworks/service';
import type { PathwayService } from './service';
import type { PlanService } from './plan-service';
import type { PortfolioContext } from './portfolio-context';
import { createPortfolioExport } from './portfolio-export';
import { createPortfolioImport } from './portfolio-import';
import { createPortfolioShares } from './portfolio-share';

export {
  PORTFOLIO_FORMAT,
  PORTFOLIO_IMPORT_MAX_BYTES,
  portfolioJsonSchema,
  portfolioSchema,
  type Portfolio,
} from './portfolio-format';
export { OtherPersonProblem } from './portfolio-import';
export { SHARE_PURPOSE } from './portfolio-share';

/**
 * Portfolio export (JSON and PDF: portfolio-export, portfolio-report),
 * re-import (portfolio-import, with portfolio-limits) and read-only share
 * links for a panel (portfolio-share). The file format is portfolio-format.
 */
export function createPortfolioService(
  platform: Platform,
  frameworks: FrameworksService,
  pathway: PathwayService,
  plan: PlanService,
) {
  const ctx: PortfolioContext = { db: platform.db, config: platform.config, frameworks, pathway, plan };
  const exports = createPortfolioExport(ctx);
  return {
    ...exports,
    ...createPortfolioImport(ctx),
    ...createPortfolioShares(ctx, exports),
  };
}

export type PortfolioService = ReturnType<typeof createPortfolioService>;
