import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import type { ProgrammesService } from '../programmes/service';
import type { AnalysisService } from './service';

/**
 * What the analysis route files share: the services, the programme named in the URL, and what this
 * person may do in its analysis.
 */
export function createRouteContext(app: FastifyInstance, analysis: AnalysisService, programmes: ProgrammesService) {
  // Ids in the path are UUIDs by now: the platform's input guard answers "not found" for any other.
  async function programmeOr404(request: FastifyRequest) {
    const id = (request.params as { programmeId: string }).programmeId;
    const programme = await programmes.get(id);
    if (!programme) throw notFound('programme');
    return programme;
  }

  /** The analysis home of a programme. */
  const analysisPath = (programmeId: string) => `/programmes/${programmeId}/analysis`;

  /** What every analysis page shows about the person: whether they may code (admins only look). */
  const access = (request: FastifyRequest, programmeId: string) => ({
    canCode: can(request.actor, 'analysis.code', { programmeId }),
  });

  /**
   * Whose view of the codings a page shows: a coder's own under blind coding (their codings, and others' on
   * sources they marked done); undefined for someone who only looks (an admin), who sees every coder's.
   */
  const blindViewer = (request: FastifyRequest, programmeId: string) =>
    can(request.actor, 'analysis.code', { programmeId }) ? request.user!.id : undefined;

  return { app, analysis, programmes, programmeOr404, analysisPath, access, blindViewer };
}

export type AnalysisRouteContext = ReturnType<typeof createRouteContext>;
