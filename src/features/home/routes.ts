import type { FastifyInstance } from 'fastify';

/** The front page and the service's fixed information pages. */
export function homeRoutes(app: FastifyInstance) {
  app.get('/', { config: { permission: 'public' } }, async (request, reply) =>
    reply.render('home/views/index.njk', {
      title: request.user ? 'Home' : 'Waymark: from advanced to consultant practice',
    }),
  );
  for (const [path, title] of [
    ['/about', 'About Waymark'],
    ['/accessibility', 'Accessibility statement'],
    ['/privacy', 'Privacy'],
  ] as const) {
    app.get(path, { config: { permission: 'public' } }, async (_request, reply) =>
      reply.render(`home/views${path}.njk`, { title }),
    );
  }
}
