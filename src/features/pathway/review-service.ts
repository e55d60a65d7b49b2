import type { Platform } from '../../platform/http/types';
import type { FrameworksService } from '../frameworks/service';
import { createReviewContext } from './review-context';
import { createConfirmation } from './review-confirmation';
import { createSupervision } from './review-supervision';
import { createSignoffs } from './review-signoff';

export { ReviewProblem } from './review-context';
export { CONFIRM_PURPOSE, type ConfirmerInput } from './review-confirmation';

/**
 * Confirmation of evidence (by a colleague's link or the supervisor:
 * review-confirmation), supervision (who may see whom, meetings:
 * review-supervision) and stage sign-off with its Open Badges credential
 * (review-signoff).
 */
export function createReviewService(platform: Platform, frameworks: FrameworksService) {
  const ctx = createReviewContext(platform, frameworks);
  return {
    ...createConfirmation(ctx),
    ...createSupervision(ctx),
    ...createSignoffs(ctx),
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
