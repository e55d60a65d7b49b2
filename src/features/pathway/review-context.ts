import type { Platform } from '../../platform/http/types';
import type { FrameworksService } from '../frameworks/service';
import * as repo from './repository';

/** Something went wrong that the person should be told in words, with nothing changed. */
export class ReviewProblem extends Error {}

/** What each part of the review service is given: the platform's parts it uses, the frameworks, and a shared look-up. */
export function createReviewContext(platform: Platform, frameworks: FrameworksService) {
  const { db, mailer, config } = platform;

  /** A piece of evidence with the pathway it belongs to, or undefined if either is gone. */
  async function evidenceWithOwner(evidenceId: string) {
    const e = await repo.getEvidence(db, evidenceId);
    if (!e) return undefined;
    const p = await repo.getPathway(db, e.pathwayId);
    return p ? { evidence: e, pathway: p } : undefined;
  }

  return { db, mailer, config, frameworks, evidenceWithOwner };
}

export type ReviewContext = ReturnType<typeof createReviewContext>;
