import type { FastifyInstance } from 'fastify';
import type { ApiRegistry } from '../../platform/http/api';

/** The OpenAPI document and the API's documentation page, for every operation the features registered. */
export function apiDocsRoutes(app: FastifyInstance, api: ApiRegistry): void {
  app.get('/api/v1/openapi.json', { config: { permission: 'public' } }, async () =>
    api.openapi({ title: 'Waymark API', version: '1.0.0', serverUrl: app.platform.config.baseUrl }),
  );
  app.get('/api/docs', { config: { permission: 'public' } }, async (_request, reply) =>
    reply.render('api/views/docs.njk', {
      title: 'API documentation',
      operations: api.list(),
      baseUrl: app.platform.config.baseUrl,
    }),
  );
}
