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
 * - service-sources.ts (+ source-sync.ts): sources: bringing new material in from the workshops and Delphi (sync),
 *   listing, filtering and searching them, one source
 * - service-codebook.ts: the code tree, adding, editing, moving; service-code-restructure.ts: merge and split;
 *   service-memos.ts: memos on codes (the rules themselves are pure, in codebook.ts)
 * - service-coding.ts: coding a source whole or by spans, one's own codings, marking sources done (blind.ts)
 * - service-compare.ts: comparing coders, adjudication, the agreed set (service-units.ts reads the units; compare-units.ts builds them, pure);
 *   service-reliability.ts: the reliability figures and their CSV, by src/stats
 * - service-suggestions.ts: suggested codes (suggest.ts groups the notes), accepted as the "Suggested codes" coder
 * - service-themes.ts: themes from codes and their quotes; service-matrix.ts: the framework matrix, the cross-area
 *   view and their charts and downloads (pure in themes.ts)
 * - service-review.ts: representatives checking themes by link
 * - service-exchange.ts, service-exchange-import.ts: REFI-QDA codebook and project files, codings as CSV/XLSX
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
