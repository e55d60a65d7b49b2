import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { once } from '../../platform/db/idempotency';
import type { Db } from '../../platform/db/database';
import { FieldError } from '../../platform/forms/forms';
import {
  buildCodeTree,
  checkMove,
  codePath,
  flattenTree,
  MAX_CODE_DEPTH,
  nameTaken,
  nextPosition,
  planMerge,
  planSplit,
  type MergePlan,
} from './codebook';
import * as repo from './repository-codes';
import type { EditCodeInput, NewCodeInput } from './schema-codebook';
import type { AnalysisContext } from './service-context';
import { createMemos } from './service-memos';

type Code = repo.Code;
export type CodeWithCount = Code & { codings: number };
type CodeFields = Omit<NewCodeInput, '_submission'>;

const quoted = (name: string) => `“${name}”`;

/** The message for a name already used beside a code: under `parent`, or at the top level. */
function duplicateMessage(name: string, parent: Code | undefined) {
  return parent
    ? `${quoted(parent.name)} already has a sub-code called ${quoted(name)}. Choose another name`
    : `There is already a top-level code called ${quoted(name)}. Choose another name`;
}

const depthMessage = `Codes can be nested at most ${MAX_CODE_DEPTH} levels deep`;

/** A code of this programme that is still live (not merged away), or a message against `field`. */
function liveCode(codes: Code[], id: string, field: string, message: string): Code {
  const code = codes.find((c) => c.id === id && c.mergedIntoId === null);
  if (!code) throw new FieldError(field, message);
  return code;
}

/**
 * The codebook: the code tree, adding and editing codes, renaming, moving, merging and splitting them. Every change
 * holds the programme's codebook lock, is recorded in the code's history (analysis_code_events) and the audit log,
 * and runs once per submission key.
 */
export function createCodebook({ db }: AnalysisContext) {
  /** Runs a change of the programme's codebook: once per key, in one transaction holding the codebook. */
  const change = <T>(programmeId: string, userId: string, key: string | undefined, work: (tx: Db) => Promise<T>) =>
    once(db, key, userId, async (tx) => {
      await repo.lockCodebook(tx, programmeId);
      return work(tx);
    });

  const audit = (tx: Db, ctx: AuditContext, action: string, codeId: string, details: Record<string, unknown>) =>
    recordAudit(tx, ctx, { action: `analysis.code-${action}`, entityType: 'analysis_code', entityId: codeId, details });

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
    /** The live codes as a tree (each with how many codings it holds) and in reading order, for selects. */
    async codebook(programmeId: string) {
      const [codes, counts] = await Promise.all([repo.codesOf(db, programmeId), repo.codingCounts(db, programmeId)]);
      const withCounts: CodeWithCount[] = codes.map((c) => ({ ...c, codings: counts.get(c.id) ?? 0 }));
      const tree = buildCodeTree(withCounts);
      return { tree, flat: flattenTree(tree), all: withCounts };
    },

    /** One code of the programme (merged or not), or undefined when it is not this programme's. */
    async code(programmeId: string, codeId: string): Promise<Code | undefined> {
      const code = await repo.getCode(db, codeId);
      return code && code.programmeId === programmeId ? code : undefined;
    },

    /**
     * What a code's page shows: its path, sub-codes, how many codings it holds, the code it was merged into and
     * the codes merged into it, and its history with who did what.
     */
    async codeDetails(programmeId: string, codeId: string) {
      const [codes, counts] = await Promise.all([repo.codesOf(db, programmeId), repo.codingCounts(db, programmeId)]);
      const code = codes.find((c) => c.id === codeId);
      if (!code) return undefined;
      return {
        code,
        path: codePath(codes, codeId),
        codings: counts.get(codeId) ?? 0,
        children: buildCodeTree(codes.filter((c) => c.parentId === codeId)).map((n) => n.code),
        mergedInto: code.mergedIntoId ? codes.find((c) => c.id === code.mergedIntoId) : undefined,
        mergedFrom: codes.filter((c) => c.mergedIntoId === codeId),
        history: await repo.eventsOf(db, [codeId]),
        names: new Map(codes.map((c) => [c.id, c.name])),
      };
    },

    async createCode(programmeId: string, input: CodeFields, userId: string, ctx: AuditContext, key?: string) {
      return change(programmeId, userId, key, async (tx) => {
        const codes = await repo.codesOf(tx, programmeId);
        const parent = input.parentId
          ? liveCode(codes, input.parentId, 'parentId', 'Choose a parent code from the list')
          : undefined;
        if (parent && codePath(codes, parent.id).length + 1 > MAX_CODE_DEPTH)
          throw new FieldError('parentId', `${depthMessage}: choose a parent higher up`);
        if (nameTaken(codes, input.parentId, input.name))
          throw new FieldError('name', duplicateMessage(input.name, parent));
        const code = await repo.insertCode(tx, {
          programmeId,
          parentId: input.parentId,
          name: input.name,
          definition: input.definition,
          whenToUse: input.whenToUse,
          whenNotToUse: input.whenNotToUse,
          example: input.example,
          colour: input.colour,
          position: nextPosition(codes, input.parentId),
          createdBy: userId,
        });
        await repo.insertEvent(tx, {
          codeId: code.id,
          programmeId,
          action: 'create',
          details: { name: code.name, parentId: code.parentId },
          actorId: userId,
        });
        await audit(tx, ctx, 'created', code.id, { programmeId, name: code.name });
        return code.id;
      });
    },

    /** Changes a code's name (recorded as a rename) and its description and colour (recorded as an edit). */
    async editCode(
      programmeId: string,
      codeId: string,
      input: Omit<EditCodeInput, '_submission'>,
      userId: string,
      ctx: AuditContext,
      key?: string,
    ) {
      return change(programmeId, userId, key, async (tx) => {
        const codes = await repo.codesOf(tx, programmeId);
        const code = liveCode(codes, codeId, 'name', 'This code has been merged into another and cannot be changed');
        if (nameTaken(codes, code.parentId, input.name, [code.id]))
          throw new FieldError(
            'name',
            duplicateMessage(
              input.name,
              codes.find((c) => c.id === code.parentId),
            ),
          );
        const fields = ['definition', 'whenToUse', 'whenNotToUse', 'example', 'colour'] as const;
        const edited = fields.filter((f) => code[f] !== input[f]);
        const renamed = code.name !== input.name;
        if (!renamed && edited.length === 0) return;
        await repo.updateCode(tx, code.id, {
          name: input.name,
          definition: input.definition,
          whenToUse: input.whenToUse,
          whenNotToUse: input.whenNotToUse,
          example: input.example,
          colour: input.colour,
        });
        if (renamed)
          await repo.insertEvent(tx, {
            codeId,
            programmeId,
            action: 'rename',
            details: { from: code.name, to: input.name },
            actorId: userId,
          });
        if (edited.length > 0)
          await repo.insertEvent(tx, {
            codeId,
            programmeId,
            action: 'edit',
            details: { fields: edited },
            actorId: userId,
          });
        await audit(tx, ctx, 'edited', codeId, { programmeId, renamed, fields: edited });
      });
    },

    /** Moves a code (with its sub-codes) under another, or to the top level; never under itself or its sub-codes. */
    async moveCode(
      programmeId: string,
      codeId: string,
      parentId: string | null,
      userId: string,
      ctx: AuditContext,
      key?: string,
    ) {
      return change(programmeId, userId, key, async (tx) => {
        const codes = await repo.codesOf(tx, programmeId);
        const code = liveCode(codes, codeId, 'parentId', 'This code has been merged into another and cannot be moved');
        if (code.parentId === parentId) return;
        const check = checkMove(codes, codeId, parentId);
        const parent = codes.find((c) => c.id === parentId);
        if (!check.ok) {
          const messages = {
            unknown: 'Choose a parent code from the list',
            self: 'A code cannot be moved under itself. Choose another parent',
            cycle: `${quoted(parent?.name ?? '')} is one of ${quoted(code.name)}'s own sub-codes, so ${quoted(code.name)} cannot go under it. Choose another parent`,
            depth: `${depthMessage}: with its sub-codes, ${quoted(code.name)} would pass that there`,
            duplicate: duplicateMessage(code.name, parent),
          };
          throw new FieldError('parentId', messages[check.problem]);
        }
        const pathName = (id: string | null) => (id ? codePath(codes, id).map((c) => c.name) : []);
        await repo.updateCode(tx, codeId, { parentId, position: nextPosition(codes, parentId, codeId) });
        await repo.insertEvent(tx, {
          codeId,
          programmeId,
          action: 'move',
          details: {
            fromParentId: code.parentId,
            toParentId: parentId,
            from: pathName(code.parentId),
            to: pathName(parentId),
          },
          actorId: userId,
        });
        await audit(tx, ctx, 'moved', codeId, { programmeId, fromParentId: code.parentId, toParentId: parentId });
      });
    },

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

/** The codebook and memos, as service.ts spreads them into the analysis service. */
export function createCodebookParts(ctx: AnalysisContext) {
  return { ...createCodebook(ctx), ...createMemos(ctx) };
}
