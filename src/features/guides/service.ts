import MarkdownIt from 'markdown-it';
import { asc, eq } from 'drizzle-orm';
import type { Platform } from '../../platform/http/types';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { guides } from './tables';
import { SHIPPED_GUIDES } from './content';

export type Guide = typeof guides.$inferSelect;

// Raw HTML in the Markdown is shown as text, never run: admins write Markdown, readers get safe HTML.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: true });

/** Renders guide Markdown to HTML with any HTML in it escaped. */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}

export function createGuidesService(platform: Platform) {
  const { db } = platform;
  return {
    list: () => db.select().from(guides).orderBy(asc(guides.position), asc(guides.title)),

    async get(slug: string): Promise<Guide | undefined> {
      const [row] = await db.select().from(guides).where(eq(guides.slug, slug));
      return row;
    },

    async update(slug: string, values: { title: string; summary: string; body: string; frameworkShortName: string | null }, userId: string, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        await tx
          .update(guides)
          .set({ ...values, updatedAt: new Date(), updatedBy: userId })
          .where(eq(guides.slug, slug));
        await recordAudit(tx, ctx, { action: 'guide.updated', entityType: 'guide', entityId: slug, details: { title: values.title } });
      });
    },

    /** Adds the guides that ship with Waymark when they are missing; never overwrites an admin's edits. */
    async ensureShipped(): Promise<number> {
      const rows = await db
        .insert(guides)
        .values(SHIPPED_GUIDES.map((g, position) => ({ ...g, position })))
        .onConflictDoNothing()
        .returning({ slug: guides.slug });
      return rows.length;
    },
  };
}

export type GuidesService = ReturnType<typeof createGuidesService>;
