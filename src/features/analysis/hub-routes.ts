import type { FastifyInstance } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import type { AnalysisRouteContext } from './route-context';

/** The analysis home of a programme: what there is to analyse, and where to start. */
export function hubRoutes(app: FastifyInstance, { analysis, programmeOr404, access }: AnalysisRouteContext) {
  app.get(
    '/programmes/:programmeId/analysis',
    { config: { permission: 'analysis.view', resource: programmeResource } },
    async (request, reply) => {
      const programme = await programmeOr404(request);
      const synced = await analysis.sync(programme.id);
      return reply.render('analysis/views/hub.njk', {
        title: `Analysis – ${programme.name}`,
        programme,
        synced,
        summary: await analysis.sourceSummary(programme.id),
        ...access(request, programme.id),
      });
    },
  );
}
