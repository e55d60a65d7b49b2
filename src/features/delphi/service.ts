import type { Platform } from '../../platform/http/types';
import type { FrameworksService } from '../frameworks/service';
import { createAgreedParts } from './agreed';
import { createDelphiContext } from './service-context';
import { createStudySetup } from './service-study';
import { createItems } from './service-items';
import { createPanel } from './service-panel';
import { createRounds } from './service-rounds';
import { createFeedback } from './service-feedback';
import { createRating } from './service-rating';
import { createReports } from './service-reports';
import { createForAnalysis } from './service-for-analysis';

export type { StudySettings } from './study-settings';
export { isFar, type RatingInput } from './service-rating';

/**
 * The Delphi service, composed of its parts. Where each job lives:
 * - round-analysis.ts: a round's figures (consensus, stability, Kendall's W), shared by the parts below
 * - service-study.ts: creating a study, its settings and the log of changes to them
 * - service-items.ts: items of a round being prepared and their lineage (add, from a framework,
 *   edit, drop, merge, split, a round 0 suggestion used)
 * - service-panel.ts: invitations, attrition, panel status, reminders, re-inviting who missed a round
 *   (the panellists' links themselves: panel-links.ts)
 * - service-rounds.ts: opening, closing (by hand, or the `delphi.close-round` job) and preparing the next round
 * - service-rating.ts: the panellist's page, saving ratings, suggestions
 * - service-feedback.ts: what is shown of the round before
 * - agreed.ts: the final list, retiring items as agreed, sending the list to a framework
 * - service-reports.ts: the study report, a panellist's personal report, every response
 * - service-for-analysis.ts: comments, reasons and round-0 suggestions as material for the analysis feature
 */
export function createDelphiService(platform: Platform, frameworks: FrameworksService) {
  const ctx = createDelphiContext(platform, frameworks);
  const agreedParts = createAgreedParts(ctx);
  const panel = createPanel(ctx);
  const feedback = createFeedback(ctx);
  return {
    analyse: ctx.analyse,
    ...agreedParts,
    ...createStudySetup(ctx),
    ...createItems(ctx),
    ...panel,
    ...createRounds(ctx),
    ...feedback,
    ...createRating(ctx, feedback.feedbackFor),
    ...createReports(ctx, { agreed: agreedParts.agreed, attrition: panel.attrition }),
    ...createForAnalysis(ctx),
  };
}

export type DelphiService = ReturnType<typeof createDelphiService>;
