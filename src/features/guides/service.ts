import MarkdownIt from 'markdown-it';
import type { Platform } from '../../platform/http/types';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { SHIPPED_GUIDES } from './content';
import * as repo from './repository';
import type { GuideInput } from './schema';

export type Guide = repo.Guide;

// Raw HTML in the Markdown is shown as text, never run: admins write Markdown, readers get safe HTML.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: true });

/** Renders guide Markdown to HTML with any HTML in it escaped. */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}

export function createGuidesService(platform: Platform) {
  const { db } = platform;
  return {
    list: () => repo.listGuides(db),

    get: (slug: string): Promise<Guide | undefined> => repo.getGuide(db, slug),

    async update(slug: string, values: Omit<GuideInput, 'preview'>, userId: string, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        await repo.updateGuide(tx, slug, { ...values, updatedAt: new Date(), updatedBy: userId });
        await recordAudit(tx, ctx, {
          action: 'guide.updated',
          entityType: 'guide',
          entityId: slug,
          details: { title: values.title },
        });
      });
    },

    /** Adds the guides that ship with Waymark when they are missing; never overwrites an admin's edits. */
    ensureShipped: (): Promise<number> =>
      repo.insertMissingGuides(
        db,
        SHIPPED_GUIDES.map((g, position) => ({ ...g, position })),
      ),
  };
}

export type GuidesService = ReturnType<typeof createGuidesService>;
