import type { AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { buildCodeTree, checkMove, codePath, flattenTree, MAX_CODE_DEPTH, nameTaken, nextPosition } from './codebook';
import {
  auditCode as audit,
  codebookChange,
  depthMessage,
  duplicateMessage,
  liveCode,
  quoted,
} from './codebook-change';
import * as repo from './repository-codes';
import type { EditCodeInput, NewCodeInput } from './schema-codebook';
import type { AnalysisContext } from './service-context';
import { createCodeRestructuring } from './service-code-restructure';
import { createMemos } from './service-memos';

type Code = repo.Code;
export type CodeWithCount = Code & { codings: number };
type CodeFields = Omit<NewCodeInput, '_submission'>;

/**
 * The codebook: the code tree, adding and editing codes, renaming and moving them (merging and splitting are in
 * service-code-restructure.ts). Every change
 * holds the programme's codebook lock, is recorded in the code's history (analysis_code_events) and the audit log,
 * and runs once per submission key.
 */
export function createCodebook({ db }: AnalysisContext) {
  const change = codebookChange(db);

  return {
    /** The live codes as a tree (each with how many codings it holds) and in reading order, for selects. */
    /** The tree; each code's count is what `viewerId` may see under blind coding (every coder's without one). */
    async codebook(programmeId: string, viewerId?: string) {
      const [codes, counts] = await Promise.all([
        repo.codesOf(db, programmeId),
        repo.codingCounts(db, programmeId, viewerId),
      ]);
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
    async codeDetails(programmeId: string, codeId: string, viewerId?: string) {
      const [codes, counts] = await Promise.all([
        repo.codesOf(db, programmeId),
        repo.codingCounts(db, programmeId, viewerId),
      ]);
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
            cycle: `${quoted(code.name)} cannot go under ${quoted(parent?.name ?? '')}, one of its own sub-codes. Choose another parent`,
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
  };
}

/** The codebook, merging and splitting, and memos, as service.ts spreads them into the analysis service. */
export function createCodebookParts(ctx: AnalysisContext) {
  return { ...createCodebook(ctx), ...createCodeRestructuring(ctx), ...createMemos(ctx) };
}
