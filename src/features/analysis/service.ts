import type { Platform } from '../../platform/http/types';
import type { AnalysisDeps } from './model';
import { createAnalysisContext } from './service-context';
import { createSources } from './service-sources';
import { createCodebookParts } from './service-codebook';
import { createCoding } from './service-coding';
import { createCompareParts } from './service-compare';
import { createThemeParts } from './service-matrix';
import { createExchangeParts } from './service-exchange';
import { createReviews } from './service-review';
import { createSuggestions } from './service-suggestions';

export { SOURCE_KINDS, SOURCE_KIND_LABELS, type AnalysisDeps, type MaterialRecord, type SourceKind } from './model';

/**
 * The analysis service, composed of its parts. Where each job lives:
 * - service-context.ts: what the parts share (the database, the material providers)
 * - service-sources.ts: sources: bringing new material in from the workshops and Delphi (sync), listing,
 *   filtering and searching them, one source
 */
export function createAnalysisService(platform: Platform, deps: AnalysisDeps = { providers: [] }) {
  const ctx = createAnalysisContext(platform, deps);
  return {
    ...createSources(ctx),
    ...createCodebookParts(ctx),
    ...createCoding(ctx),
    ...createCompareParts(ctx),
    ...createThemeParts(ctx),
    ...createExchangeParts(ctx),
    ...createReviews(ctx),
    ...createSuggestions(ctx),
  };
}

export type AnalysisService = ReturnType<typeof createAnalysisService>;
