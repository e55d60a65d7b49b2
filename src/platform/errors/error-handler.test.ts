import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from './error-handler';

/** A bare app with Waymark's error handling (no views: the handler falls back to plain text). */
async function bareApp() {
  const app = Fastify({ logger: false });
  app.decorateRequest('isApi', false);
  app.decorateReply('render', function () {
    throw new Error('no views in this test');
  });
  registerErrorHandling(app);
  app.get('/bad-header', async (_request, reply) =>
    reply.header('content-disposition', 'attachment; filename="\u3002.txt"').send('x'),
  );
  app.get('/api/library-error', async () => {
    throw Object.assign(new Error('body/foo must match format "uuid" (from ajv)'), {
      statusCode: 400,
      code: 'FST_SOMETHING_NEW',
    });
  });
  app.get('/api/bad-uuid', async () => {
    throw Object.assign(new Error('Failed query'), {
      cause: Object.assign(new Error('invalid input syntax for type uuid: "x"'), { code: '22P02' }),
    });
  });
  await app.ready();
  return app;
}

describe('error handling', () => {
  it('answers when a header of the failed reply cannot be written, without that header, and goes on answering', async () => {
    const app = await bareApp();
    const res = await app.inject('/bad-header');
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.body).toBe('Something went wrong on our side.');
    expect((await app.inject('/bad-header')).statusCode).toBe(500);
    await app.close();
  });

  it("never passes a library's message to people", async () => {
    const app = await bareApp();
    const res = await app.inject('/api/library-error');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).not.toMatch(/ajv|must match/);
    await app.close();
  });

  it('answers 400, not 500, when the database refuses a malformed value', async () => {
    const app = await bareApp();
    const res = await app.inject('/api/bad-uuid');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/We could not understand that request/);
    await app.close();
  });
});
