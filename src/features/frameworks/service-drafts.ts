import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { itemCaseSchema, type Stage } from './model';
import type { FrameworksContext } from './service-context';
import * as repo from './repository';

/** Changing a draft version's statements. A published version never changes: its successor, a new draft, does. */
export function createDrafts({ db }: FrameworksContext) {
  return {
    /** Rewords a statement or changes its stage: drafts only. */
    async editItem(
      version: repo.Version,
      code: string,
      values: { text: string; stage: string | null },
      audit: AuditContext,
    ) {
      if (version.status !== 'draft')
        throw new FieldError('text', 'Only a draft can change. Make a new draft version to edit this statement');
      const item = await repo.findItem(db, version.id, code);
      if (!item) throw new FieldError('text', 'That statement is not in this version');
      if (item.type === 'statement' && !values.stage)
        throw new FieldError('stage', 'Choose the stage of this statement');
      if (values.stage && !(version.stages as Stage[]).some((s) => s.key === values.stage))
        throw new FieldError('stage', 'Choose a stage from the list');
      // An imported item's CASE lastChangeDateTime no longer holds once it is edited: the export then uses the version's.
      const kept = item.caseData ? itemCaseSchema.parse(item.caseData) : null;
      const caseData = kept
        ? {
            ...kept,
            fields: Object.fromEntries(Object.entries(kept.fields).filter(([k]) => k !== 'lastChangeDateTime')),
          }
        : null;
      await db.transaction(async (tx) => {
        await repo.updateItem(tx, item.id, { ...values, caseData });
        await repo.touchVersion(tx, version.id, new Date());
        await recordAudit(tx, audit, {
          action: 'framework.item-edited',
          entityType: 'framework_item',
          entityId: item.id,
          details: { code, before: { text: item.text, stage: item.stage }, after: values },
        });
      });
    },

    /**
     * Adds a statement to a draft under `parentCode`, numbered after its
     * siblings (e.g. 2.1.4), and returns it. Pass the caller's transaction.
     */
    async addStatement(
      version: repo.Version,
      values: { parentCode: string; text: string; stage: string | null; area: string | null; notes?: string },
      audit: AuditContext,
      on: Db = db,
    ): Promise<repo.ItemRow> {
      if (version.status !== 'draft')
        throw new FieldError('version', 'Statements can only be added to a draft version');
      const items = await repo.itemsOf(on, version.id);
      const parent = items.find((i) => i.code === values.parentCode);
      if (!parent) throw new FieldError('parentCode', `There is no ${values.parentCode} in version ${version.label}`);
      const codes = new Set(items.map((i) => i.code));
      let n = items.filter((i) => i.parentCode === parent.code).length + 1;
      while (codes.has(`${parent.code}.${n}`)) n++;
      const item = await repo.insertItem(on, {
        versionId: version.id,
        identifier: randomUUID(),
        code: `${parent.code}.${n}`,
        type: 'statement',
        parentCode: parent.code,
        position: (await repo.maxPosition(on, version.id)) + 1,
        text: values.text,
        stage: values.stage,
        area: values.area,
        notes: values.notes ?? '',
      });
      await repo.touchVersion(on, version.id, new Date());
      await recordAudit(on, audit, {
        action: 'framework.item-added',
        entityType: 'framework_item',
        entityId: item.id,
        details: { code: item.code, text: item.text },
      });
      return item;
    },
  };
}
