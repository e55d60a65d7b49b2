import type { FastifyInstance } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import type { AnalysisRouteContext } from './route-context';

/** The analysis home of a programme. */
export function hubRoutes(app: FastifyInstance, { programmeOr404, access }: AnalysisRouteContext) {
  app.get(
    '/programmes/:programmeId/analysis',
    { config: { permission: 'analysis.view', resource: programmeResource } },
    async (request, reply) => {
      const programme = await programmeOr404(request);
      return reply.render('analysis/views/hub.njk', {
        title: `Analysis – ${programme.name}`,
        programme,
        ...access(request, programme.id),
      });
    },
  );
}
