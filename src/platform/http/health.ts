import type { FastifyInstance } from 'fastify';

/** /healthz: the process answers. /readyz: it can reach its database (load balancers route on this). */
export function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { config: { permission: 'public' }, logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { permission: 'public' }, logLevel: 'warn' }, async (_request, reply) => {
    try {
      await app.platform.database.ping();
      return { status: 'ready', database: app.platform.database.driver };
    } catch (err) {
      reply.code(503);
      return {
        status: 'unavailable',
        database: app.platform.database.driver,
        error: err instanceof Error ? err.message : String(err),
      };
    }
  });
}
