import type { Db } from '../../platform/db/database';
import type { Platform } from '../../platform/http/types';
import type { AnalysisDeps } from './model';

/** What every part of the analysis service shares: built once by createAnalysisService. */
export interface AnalysisContext {
  platform: Platform;
  db: Db;
  deps: AnalysisDeps;
}

export function createAnalysisContext(platform: Platform, deps: AnalysisDeps): AnalysisContext {
  return { platform, db: platform.db, deps };
}
