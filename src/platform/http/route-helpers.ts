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

/** Links to the previous and next page of a list, keeping the other query parameters. */
export function pager(base: string, query: Record<string, unknown>, page: number, total: number, pageSize: number) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v && k !== 'page') params.set(k, String(v));
    params.set('page', String(p));
    return `${base}?${params.toString()}`;
  };
  return {
    page,
    pages,
    total,
    previous: page > 1 ? { href: href(page - 1), labelText: `${page - 1} of ${pages}` } : undefined,
    next: page < pages ? { href: href(page + 1), labelText: `${page + 1} of ${pages}` } : undefined,
  };
}
