import type { FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { FieldError } from '../../platform/forms/forms';
import { PATHWAY_STAGES, STAGE_NAMES } from './stage';
import type { Pathway, PathwayDeps } from './model';

/** Every page of the practitioner's own pathway. */
export const follow = { permission: 'pathway.follow' as const };

export const stageOptions = PATHWAY_STAGES.map((s) => ({ value: s, text: STAGE_NAMES[s] }));

/** What each part of the practitioner's routes is given: the services, and the helpers the parts share. */
export interface PathwayRouteContext extends PathwayDeps {
  /** The pathway named by `:pathwayId`, if it is the signed-in person's own; otherwise not found. */
  ownOr404(request: FastifyRequest): Promise<Pathway>;
  /** Teams this person belongs to on this pathway's framework, to share evidence with. */
  teamOptions(p: Pathway): Promise<{ value: string; text: string }[]>;
  /** A team chosen on a form must be one of the person's teams on this framework. */
  checkTeam(p: Pathway, groupId: string | null): Promise<void>;
}

export function createRouteContext(deps: PathwayDeps): PathwayRouteContext {
  const { pathway, groups } = deps;
  return {
    ...deps,
    async ownOr404(request) {
      const p = await pathway.own((request.params as { pathwayId: string }).pathwayId, request.user!.id);
      if (!p) throw notFound('pathway');
      return p;
    },
    async teamOptions(p) {
      const ids = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
      const all = await groups.memberships(p.userId);
      return all.filter((m) => ids.includes(m.group.id)).map((m) => ({ value: m.group.id, text: m.group.name }));
    },
    async checkTeam(p, groupId) {
      if (groupId && !(await groups.teamIdsFor(p.userId, p.frameworkVersionId)).includes(groupId))
        throw new FieldError('groupId', 'Choose one of your teams on this framework');
    },
  };
}
