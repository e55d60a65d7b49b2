import type { AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { planMerge, planSplit, type MergePlan } from './codebook';
import {
  auditCode as audit,
  codebookChange,
  depthMessage,
  duplicateMessage,
  liveCode,
  quoted,
} from './codebook-change';
import * as repo from './repository-codes';
import type { AnalysisContext } from './service-context';

type Code = repo.Code;

/**
 * Merging and splitting codes. A merge keeps the target and moves the merged codes' codings and sub-codes to it;
 * a split turns a code into two or more. Both keep every code's history (analysis_code_events).
 */
export function createCodeRestructuring({ db }: AnalysisContext) {
  const change = codebookChange(db);

  /** Checks the whole plan for a merge against the codebook as it is; a problem is a message against its field. */
  function mergePlanOrError(codes: Code[], codings: Parameters<typeof planMerge>[1], targetId: string, ids: string[]) {
    const r = planMerge(codes, codings, targetId, ids);
    if (r.ok) return r.plan;
    const target = codes.find((c) => c.id === targetId);
    switch (r.problem) {
      case 'none':
        throw new FieldError('codeIds', 'Choose at least one code to merge');
      case 'target':
        throw new FieldError('codeIds', 'Do not tick the code you are merging into');
      case 'unknown':
        throw new FieldError('codeIds', 'Choose codes from the list: one of them has been merged or removed');
      case 'ancestor':
        throw new FieldError('targetId', 'A code cannot be merged into one of its own sub-codes. Choose another code');
      case 'depth':
        throw new FieldError('targetId', `${depthMessage}: the sub-codes that would move under it would pass that`);
      case 'duplicate':
        throw new FieldError(
          'targetId',
          `${quoted(target?.name ?? '')} already has a sub-code called ${quoted(r.clash ?? '')}, and a code being merged has one too. Rename or merge one of them first`,
        );
    }
  }

  return {
    /** What a merge would do, for the confirmation page; a problem is a message against its field. */
    async previewMerge(programmeId: string, targetId: string, codeIds: string[]) {
      const codes = await repo.codesOf(db, programmeId);
      const target = liveCode(codes, targetId, 'targetId', 'Choose the code to merge into from the list');
      const plan = mergePlanOrError(codes, await repo.codingsOf(db, [targetId, ...codeIds]), targetId, codeIds);
      return { target, merged: plan.mergedIds.map((id) => codes.find((c) => c.id === id)!), plan };
    },

    /**
     * Merges codes into a target, which survives: their codings follow it (one the target already has for the same
     * coder and text is folded into that one), their sub-codes move under it, and each keeps its page and history,
     * marked as merged. Returns the plan carried out.
     */
    async mergeCodes(
      programmeId: string,
      targetId: string,
      codeIds: string[],
      userId: string,
      ctx: AuditContext,
      key?: string,
    ): Promise<MergePlan> {
      return change(programmeId, userId, key, async (tx) => {
        const codes = await repo.codesOf(tx, programmeId);
        const target = liveCode(codes, targetId, 'targetId', 'Choose the code to merge into from the list');
        const codings = await repo.codingsOf(tx, [targetId, ...codeIds]);
        const plan = mergePlanOrError(codes, codings, targetId, codeIds);
        const byId = new Map(codings.map((c) => [c.id, c]));
        await repo.deleteCodings(
          tx,
          plan.duplicates.map((d) => d.codingId),
        );
        await repo.recodeCodings(
          tx,
          plan.moved.map((m) => m.codingId),
          targetId,
        );
        for (const id of plan.mergedIds) await repo.updateCode(tx, id, { mergedIntoId: targetId });
        for (const child of plan.children)
          await repo.updateCode(tx, child.codeId, { parentId: targetId, position: child.position });
        const folded = (d: MergePlan['duplicates'][number]) => {
          const c = byId.get(d.codingId)!;
          const { sourceId, coderId, startCp, endCp } = c;
          return { codingId: d.codingId, keptCodingId: d.keptCodingId, sourceId, coderId, startCp, endCp };
        };
        const name = (id: string) => codes.find((c) => c.id === id)!.name;
        for (const id of plan.mergedIds)
          await repo.insertEvent(tx, {
            codeId: id,
            programmeId,
            action: 'merge',
            details: {
              into: targetId,
              intoName: target.name,
              codingsMoved: plan.moved.filter((m) => m.fromCodeId === id).map((m) => m.codingId),
              codingsFolded: plan.duplicates.filter((d) => d.fromCodeId === id).map(folded),
              subCodesMoved: plan.children.filter((c) => c.fromParentId === id).map((c) => c.codeId),
            },
            actorId: userId,
          });
        await repo.insertEvent(tx, {
          codeId: targetId,
          programmeId,
          action: 'merge',
          details: {
            merged: plan.mergedIds.map((id) => ({ id, name: name(id) })),
            codingsMoved: plan.moved.map((m) => m.codingId),
            codingsFolded: plan.duplicates.map(folded),
            subCodesMoved: plan.children.map((c) => c.codeId),
          },
          actorId: userId,
        });
        await audit(tx, ctx, 'merged', targetId, {
          programmeId,
          merged: plan.mergedIds,
          codingsMoved: plan.moved.length,
          codingsFolded: plan.duplicates.length,
        });
        return plan;
      });
    },

    /**
     * Splits a code into two or more: the code becomes the first name (keeping its codings, sub-codes, memos and
     * history) and the others are new codes beside it, in the same colour. Returns the new codes' ids.
     */
    async splitCode(
      programmeId: string,
      codeId: string,
      names: string[],
      userId: string,
      ctx: AuditContext,
      key?: string,
    ): Promise<string[]> {
      return change(programmeId, userId, key, async (tx) => {
        const codes = await repo.codesOf(tx, programmeId);
        const code = liveCode(codes, codeId, 'names', 'This code has been merged into another and cannot be split');
        const r = planSplit(codes, [], codeId, names);
        if (!r.ok) {
          const parent = codes.find((c) => c.id === code.parentId);
          const messages = {
            unknown: 'This code has been merged into another and cannot be split',
            few: 'Enter at least two names, one per line',
            repeated: 'Each name must be different',
            duplicate: duplicateMessage(r.clash ?? '', parent),
            reassign: 'Choose a new code from the list for each coding',
          };
          throw new FieldError('names', messages[r.problem]);
        }
        const { plan } = r;
        if (plan.rename) await repo.updateCode(tx, codeId, { name: plan.rename });
        await repo.shiftSiblings(tx, programmeId, code.parentId, code.position + 1, plan.created.length);
        const created: { id: string; name: string }[] = [];
        for (const c of plan.created) {
          const made = await repo.insertCode(tx, {
            programmeId,
            parentId: code.parentId,
            name: c.name,
            colour: code.colour,
            position: c.position,
            createdBy: userId,
          });
          created.push({ id: made.id, name: made.name });
          await repo.insertEvent(tx, {
            codeId: made.id,
            programmeId,
            action: 'split',
            details: { from: codeId, fromName: code.name },
            actorId: userId,
          });
        }
        await repo.insertEvent(tx, {
          codeId,
          programmeId,
          action: 'split',
          details: { from: code.name, to: plan.rename ?? code.name, into: created },
          actorId: userId,
        });
        await audit(tx, ctx, 'split', codeId, { programmeId, into: created.map((c) => c.id) });
        return created.map((c) => c.id);
      });
    },
  };
}
