import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { diffVersions } from './diff';
import type { FrameworksContext } from './service-context';
import * as repo from './repository';

/** A version's life: copied into a new draft, published (superseding the one before), compared with another. */
export function createPublishing({ db, docOf }: FrameworksContext) {
  return {
    /** Copies a version into a new draft: a published version never changes, its successor does. */
    async newDraft(version: repo.Version, label: string, userId: string, audit: AuditContext): Promise<repo.Version> {
      const doc = await docOf(version);
      return db.transaction(async (tx) => {
        if (await repo.findVersion(tx, version.frameworkId, label))
          throw new FieldError('label', `Version ${label} already exists. Choose another label`);
        const draft = await repo.insertVersion(tx, {
          frameworkId: version.frameworkId,
          label,
          status: 'draft',
          publishedAt: null,
          changedAt: new Date(),
          sourceNote: doc.version.sourceNote,
          licenceNote: doc.version.licenceNote,
          stages: doc.stages,
          caseData: doc.case ?? null,
          basedOn: version.id,
          createdBy: userId,
        });
        await repo.insertItems(tx, draft.id, doc.items);
        await repo.insertMappings(tx, draft.id, doc.mappings);
        await recordAudit(tx, audit, {
          action: 'framework.draft-created',
          entityType: 'framework_version',
          entityId: draft.id,
          details: { from: version.label, label },
        });
        return draft;
      });
    },

    /** Publishes a draft; the version published before it becomes superseded. */
    async publish(version: repo.Version, audit: AuditContext) {
      if (version.status !== 'draft')
        throw new FieldError('version', `Version ${version.label} is already ${version.status}`);
      await db.transaction(async (tx) => {
        const today = new Date().toISOString().slice(0, 10);
        await repo.setVersionStatus(tx, version.id, 'published', today, new Date());
        await repo.supersedeOthers(tx, version.frameworkId, version.id);
        await recordAudit(tx, audit, {
          action: 'framework.published',
          entityType: 'framework_version',
          entityId: version.id,
          details: { label: version.label },
        });
      });
    },

    /** What changed from one version to another (see diff.ts). */
    async diff(version: repo.Version, other: repo.Version) {
      const [a, b] = await Promise.all([docOf(version), docOf(other)]);
      return diffVersions(a.items, b.items);
    },
  };
}
