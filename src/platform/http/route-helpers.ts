import type { FastifyReply, FastifyRequest } from 'fastify';

/** The programme a route's `:programmeId` names, as the resource its permission is checked against. */
export const programmeResource = (request: FastifyRequest) => ({ programmeId: (request.params as { programmeId?: string }).programmeId });

/** A form field that may arrive once or many times (ticked checkboxes), as a list. */
export const formList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);

/** Sends a file to download, never shown inline, with a file name safe in the header. */
export function sendAttachment(reply: FastifyReply, filename: string, contentType: string, body: Buffer | string): FastifyReply {
  return reply
    .type(contentType)
    .header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
    .send(body);
}
