import type { FastifyReply, FastifyRequest } from 'fastify';

/** The programme a route's `:programmeId` names, as the resource its permission is checked against. */
export const programmeResource = (request: FastifyRequest) => ({
  programmeId: (request.params as { programmeId?: string }).programmeId,
});

/** A form field that may arrive once or many times (ticked checkboxes), as a list. */
export const formList = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : [];

/** Sends a file to download, never shown inline, with a file name safe in the header. */
export function sendAttachment(
  reply: FastifyReply,
  filename: string,
  contentType: string,
  body: Buffer | string,
): FastifyReply {
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

/** Reads an uploaded file off a multipart body (fields are attached to the body so the CSRF check sees them). */
export async function uploadedFile(
  body: unknown,
  name = 'file',
): Promise<{ filename: string; data: Buffer } | undefined> {
  const f = (
    body as Record<string, { type?: string; filename?: string; toBuffer?: () => Promise<Buffer> } | undefined>
  )?.[name];
  if (!f || f.type !== 'file' || !f.filename || !f.toBuffer) return undefined;
  return { filename: f.filename, data: await f.toBuffer() };
}

/** A plain field of a multipart or urlencoded body. */
export function bodyField(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'string')
    return (v as { value: string }).value;
  return '';
}

/** A title as the start of a download's file name: lower case, letters and digits joined by hyphens. */
export function fileSlug(title: string, fallback: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 50) || fallback
  );
}
