import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/** Path parameters of every programme-scoped API operation. */
export const programmeParams = z.object({ programmeId: z.uuid() });

/**
 * The key that makes a create safe to retry: the client's Idempotency-Key
 * header, or else the record's natural key (a programme's name, a workshop's
 * title in its programme), so a retry without the header gets the first
 * record back instead of an error or a second record.
 */
export const idempotencyKey = (request: FastifyRequest, natural: string) => {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 && key.length <= 100 ? `api:${key}` : `api-natural:${natural}`;
};
