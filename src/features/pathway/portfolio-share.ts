import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import {
  activeLinkTokens,
  checkLinkToken,
  issueLinkTokenWithId,
  revokeLinkToken,
} from '../../platform/tokens/link-tokens';
import { once } from '../../platform/db/idempotency';
import * as repo from './repository';
import type { PortfolioContext } from './portfolio-context';
import type { PortfolioExport } from './portfolio-export';

export const SHARE_PURPOSE = 'portfolio-share';

/** Read-only share links for a panel: made once per submission, listed, revoked, and opened. */
export function createPortfolioShares(
  { db, config, pathway }: PortfolioContext,
  { build }: Pick<PortfolioExport, 'build'>,
) {
  return {
    /**
     * Makes a share link, once per submission key. Only the new link's id is
     * kept with the key (never the token, which is stored hashed), so a
     * repeated submit makes nothing and gets `link: null`: the link was shown
     * once, to the first.
     */
    async share(
      p: repo.Pathway,
      input: { label: string; days: number },
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<{ id: string; link: string | null }> {
      let raw: string | null = null;
      const id = await once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        const made = await issueLinkTokenWithId(tx, {
          purpose: SHARE_PURPOSE,
          subject: p.id,
          ttlMs: input.days * 86_400_000,
          data: { label: input.label },
        });
        raw = made.token;
        await recordAudit(tx, ctx, {
          action: 'pathway.portfolio-shared',
          entityType: 'pathway',
          entityId: p.id,
          details: { label: input.label, days: input.days, tokenId: made.id },
        });
        return made.id;
      });
      return { id, link: raw ? `${config.baseUrl}/shared/${raw}` : null };
    },

    shares: (p: repo.Pathway) => activeLinkTokens(db, SHARE_PURPOSE, p.id),

    async unshare(p: repo.Pathway, tokenId: string, ctx: AuditContext) {
      const ok = await revokeLinkToken(db, SHARE_PURPOSE, p.id, tokenId);
      if (ok)
        await recordAudit(db, ctx, {
          action: 'pathway.portfolio-unshared',
          entityType: 'pathway',
          entityId: p.id,
          details: { tokenId },
        });
      return ok;
    },

    /** What a share link opens, read-only, or why it does not. */
    async shared(token: string) {
      const checked = await checkLinkToken(db, SHARE_PURPOSE, token);
      if (!checked.ok) return checked;
      const p = await repo.getPathway(db, checked.token.subject);
      if (!p) return { ok: false as const, problem: 'invalid' as const };
      const doc = await build(p, false);
      const statements = await pathway.pathwayStatements(p);
      return { ok: true as const, doc, statements, expiresAt: checked.token.expiresAt, pathway: p };
    },
  };
}
