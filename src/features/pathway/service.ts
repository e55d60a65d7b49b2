import type { Platform } from '../../platform/http/types';
import type { FrameworksService } from '../frameworks/service';
import { createPathwayContext } from './service-context';
import { createEvidence } from './service-evidence';
import { createMatrix } from './service-matrix';
import { createProfiles } from './service-profile';
import { createRuleSettings } from './service-rules';
import { createSelfAssessment } from './service-self-assessment';
import { PATHWAY_STAGES } from './stage';

export { stageLabel } from './service-context';
export type { ProfileInput } from './service-profile';
export type { EvidenceInput } from './service-evidence';

/**
 * The practitioner's pathway, built from its parts: profile and pathways
 * (service-profile), self-assessment (service-self-assessment), evidence and
 * its links (service-evidence), the pathway's rules and scale words
 * (service-rules), and the statements × evidence matrix (service-matrix).
 */
export function createPathwayService(platform: Platform, frameworks: FrameworksService) {
  const ctx = createPathwayContext(platform, frameworks);
  const profiles = createProfiles(ctx);
  return {
    statementsOf: ctx.statementsOf,
    pathwayStatements: ctx.pathwayStatements,
    ...profiles,
    ...createSelfAssessment(ctx, profiles),
    stages: PATHWAY_STAGES,
    ...createEvidence(ctx),
    ...createRuleSettings(ctx),
    ...createMatrix(ctx),
  };
}

export type PathwayService = ReturnType<typeof createPathwayService>;
