import type { FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import type { ProgrammesService } from './service';

/**
 * Loads the programme named in the URL or answers 404. (The platform has already answered 404 for a
 * programmeId that is not a UUID.)
 */
export async function programmeOr404(programmes: ProgrammesService, request: FastifyRequest) {
  const overview = await programmes.overview((request.params as { programmeId: string }).programmeId);
  if (!overview) throw notFound('programme');
  return overview;
}

export type ProgrammeOverview = Awaited<ReturnType<typeof programmeOr404>>;

/** Whether this person may open the programme's Delphi studies, workshops and analysis (links are shown only then). */
export const toolAccess = (request: FastifyRequest, programmeId: string) => ({
  canOpenDelphi: can(request.actor, 'delphi.view', { programmeId }),
  canOpenWorkshops: can(request.actor, 'workshop.view', { programmeId }),
  canOpenAnalysis: can(request.actor, 'analysis.view', { programmeId }),
});
