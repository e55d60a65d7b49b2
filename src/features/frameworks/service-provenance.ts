import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import type { ProvenanceSource } from './model';
import type { FrameworksContext } from './service-context';
import * as repo from './repository';

/** What shaped a statement: links from Delphi items, themes, workshop contributions and consultation responses. */
export function createProvenance({ db }: FrameworksContext) {
  return {
    /** Records that a statement was shaped by something; called by the Delphi, analysis and consultation features. */
    async addProvenance(
      itemId: string,
      link: { sourceType: ProvenanceSource; sourceId: string; label: string; detail?: string; href?: string | null },
      userId: string | null,
      audit: AuditContext,
      on: Db = db,
    ) {
      const row = await repo.insertProvenance(on, {
        itemId,
        sourceType: link.sourceType,
        sourceId: link.sourceId,
        label: link.label,
        detail: link.detail ?? '',
        href: link.href ?? null,
        createdBy: userId,
      });
      await recordAudit(on, audit, {
        action: 'framework.provenance-added',
        entityType: 'framework_item',
        entityId: itemId,
        details: link,
      });
      return row;
    },

    /** Whether a version already has a link from this source (so sending twice links once). */
    hasProvenance: (versionId: string, sourceType: ProvenanceSource, sourceId: string, on: Db = db) =>
      repo.hasProvenance(on, versionId, sourceType, sourceId),
  };
}
