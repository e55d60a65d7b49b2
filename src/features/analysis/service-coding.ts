import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { notFound } from '../../platform/errors/http-error';
import { FieldError } from '../../platform/forms/forms';
import { visibleCodings } from './blind';
import { buildCodeTree, flattenTree } from './codebook';
import { codebookChange, liveCode, quoted } from './codebook-change';
import * as codes from './repository-codes';
import * as repo from './repository-codings';
import type { SpanCodingInput } from './schema-coding';
import type { AnalysisContext } from './service-context';
import { checkSpans, cpLength, sliceCp, type CodedSpan } from './spans';

/** A coding as the coding pages show it: its code, whether it is the whole source, and its text. */
export interface ShownCoding {
  id: string;
  code: codes.Code | undefined;
  coderName: string;
  whole: boolean;
  start: number | null;
  end: number | null;
  text: string;
}

const spanOf = (c: repo.Coding, coderId = c.coderId): CodedSpan => ({
  start: c.startCp,
  end: c.endCp,
  codeId: c.codeId,
  coderId,
});

/** The text of a coding's span ('' when the stored span no longer fits the text, which sync never lets happen). */
function spanText(text: string, c: { startCp: number | null; endCp: number | null }): string {
  if (c.startCp === null || c.endCp === null) return text;
  try {
    return sliceCp(text, c.startCp, c.endCp);
  } catch {
    return '';
  }
}

/** Why a span does not fit the text, in words. */
function rangeMessage(start: number, end: number, length: number): string {
  if (end > length)
    return `The span ends after the end of the text, which has ${length} characters. Choose the pieces again`;
  if (start > end) return 'The span starts after it ends. Choose the pieces again';
  if (start === end) return 'The span is empty. Choose at least one character to code';
  return 'The span does not fit the text. Choose the pieces again';
}

/**
 * Coding: a coder applies codes to a whole source or to spans of it (code points, half-open), removes their own
 * codings, and marks a source done. What each coder sees of the others' codings follows blind.ts. Every change
 * runs once per submission key, holding the programme's codebook (so a code cannot be merged away mid-check), and
 * is recorded in the audit log.
 */
export function createCoding({ db }: AnalysisContext) {
  const change = codebookChange(db);

  async function sourceIn(tx: typeof db, programmeId: string, sourceId: string) {
    const source = await repo.sourceOf(tx, programmeId, sourceId);
    if (!source) throw notFound('source');
    return source;
  }

  const audit = (tx: typeof db, ctx: AuditContext, action: string, sourceId: string, details: object) =>
    recordAudit(tx, ctx, {
      action: `analysis.${action}`,
      entityType: 'analysis_source',
      entityId: sourceId,
      details: details as Record<string, unknown>,
    });

  /**
   * What a coder sees on a source's coding page: the source, the live codes in tree order, their own codings,
   * whether they have marked it done, and (only once done) the other coders' codings by coder.
   */
  async function codingOf(programmeId: string, sourceId: string, coderId: string) {
    const source = await repo.sourceOf(db, programmeId, sourceId);
    if (!source) return undefined;
    const [all, codings, done] = await Promise.all([
      codes.codesOf(db, programmeId),
      repo.codingsOfSource(db, sourceId),
      repo.isDone(db, sourceId, coderId),
    ]);
    const byId = new Map(all.map((c) => [c.id, c]));
    const shown = (c: repo.CodingWithCoder): ShownCoding => ({
      id: c.id,
      code: byId.get(c.codeId),
      coderName: c.coderName,
      whole: c.startCp === null,
      start: c.startCp,
      end: c.endCp,
      text: spanText(source.text, c),
    });
    const { own, others } = visibleCodings(codings, coderId, done);
    const coders = new Map<string, { name: string; codings: ShownCoding[] }>();
    for (const c of others) {
      const entry = coders.get(c.coderId) ?? { name: c.coderName, codings: [] };
      entry.codings.push(shown(c));
      coders.set(c.coderId, entry);
    }
    return {
      source,
      characters: cpLength(source.text),
      codes: flattenTree(buildCodeTree(all.filter((c) => c.mergedIntoId === null))),
      mine: own.map(shown),
      wholeCodeIds: own.filter((c) => c.startCp === null).map((c) => c.codeId),
      done,
      others: [...coders.values()].sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  return {
    codingOf,

    /** Sets the codes this coder applies to the whole source to exactly `codeIds` (adding and removing). */
    async setWholeCodes(
      programmeId: string,
      sourceId: string,
      coderId: string,
      codeIds: string[],
      ctx: AuditContext,
      key?: string,
    ) {
      return change(programmeId, coderId, key, async (tx) => {
        const source = await sourceIn(tx, programmeId, sourceId);
        const all = await codes.codesOf(tx, programmeId);
        const wanted = [...new Set(codeIds)];
        const chosen = wanted.map((id) =>
          liveCode(
            all,
            id,
            'codeIds',
            'One of the codes is not in the codebook any more (it may have been merged). Choose again',
          ),
        );
        const mine = await repo.coderCodings(tx, sourceId, coderId);
        const current = mine.filter((c) => c.startCp === null);
        const removed = current.filter((c) => !wanted.includes(c.codeId));
        const added = chosen.filter((code) => !current.some((c) => c.codeId === code.id));
        for (const code of added) {
          if (mine.some((c) => c.codeId === code.id && c.startCp !== null))
            throw new FieldError(
              'codeIds',
              `You have coded part of this source with ${quoted(code.name)}. Remove those codings before applying it to the whole source`,
            );
        }
        const after = [
          ...mine.filter((c) => !removed.includes(c)).map((c) => spanOf(c)),
          ...added.map((code) => ({ start: null, end: null, codeId: code.id, coderId })),
        ];
        if (checkSpans(source.text, after).length)
          throw new FieldError('codeIds', 'Those codes would overlap codings you already made. Choose again');
        await repo.deleteCodingsById(
          tx,
          removed.map((c) => c.id),
        );
        await repo.insertCodings(
          tx,
          added.map((code) => ({ programmeId, sourceId, codeId: code.id, coderId })),
        );
        if (added.length || removed.length)
          await audit(tx, ctx, 'coding-whole', sourceId, {
            programmeId,
            added: added.map((c) => c.id),
            removed: removed.map((c) => c.codeId),
          });
        return { added: added.length, removed: removed.length };
      });
    },

    /** Codes a span [start, end) of the source in code points; refuses one out of range, empty or overlapping. */
    async addSpanCoding(
      programmeId: string,
      sourceId: string,
      coderId: string,
      input: Omit<SpanCodingInput, '_submission'>,
      ctx: AuditContext,
      key?: string,
    ) {
      return change(programmeId, coderId, key, async (tx) => {
        const source = await sourceIn(tx, programmeId, sourceId);
        const all = await codes.codesOf(tx, programmeId);
        const code = liveCode(
          all,
          input.codeId,
          'codeId',
          'That code is not in the codebook any more (it may have been merged). Choose another',
        );
        const same = (await repo.coderCodings(tx, sourceId, coderId)).filter((c) => c.codeId === code.id);
        const problems = checkSpans(source.text, [
          { start: input.start, end: input.end, codeId: code.id, coderId },
          ...same.map((c) => spanOf(c)),
        ]);
        if (problems.some((p) => p.index === 0))
          throw new FieldError('start', rangeMessage(input.start, input.end, cpLength(source.text)));
        if (problems.length) {
          const clash = same.find((c) => c.startCp === null || (c.startCp < input.end && input.start < c.endCp!));
          const what = !clash || clash.startCp === null ? 'the whole source' : quoted(spanText(source.text, clash));
          throw new FieldError(
            'start',
            `This span overlaps one you already coded with ${quoted(code.name)}: ${what}. Choose a span that does not overlap it, or remove that coding first`,
          );
        }
        const [coding] = await repo.insertCodings(tx, [
          { programmeId, sourceId, codeId: code.id, coderId, startCp: input.start, endCp: input.end },
        ]);
        await audit(tx, ctx, 'coding-span', sourceId, {
          programmeId,
          codingId: coding!.id,
          codeId: code.id,
          start: input.start,
          end: input.end,
        });
        return { id: coding!.id, code: code.name };
      });
    },

    /** Removes one of this coder's own codings; another coder's (or an unknown one) is not found. */
    async removeCoding(
      programmeId: string,
      sourceId: string,
      coderId: string,
      codingId: string,
      ctx: AuditContext,
      key?: string,
    ) {
      return change(programmeId, coderId, key, async (tx) => {
        await sourceIn(tx, programmeId, sourceId);
        const coding = (await repo.coderCodings(tx, sourceId, coderId)).find((c) => c.id === codingId);
        if (!coding) throw notFound('coding');
        await repo.deleteCodingsById(tx, [coding.id]);
        await audit(tx, ctx, 'coding-removed', sourceId, {
          programmeId,
          codingId,
          codeId: coding.codeId,
          start: coding.startCp,
          end: coding.endCp,
        });
        return true;
      });
    },

    /** This coder's progress: every source they coded or marked done, with their number of codings. */
    async codingProgress(programmeId: string, coderId: string) {
      const rows = await repo.progressOf(db, programmeId, coderId);
      return { done: rows.filter((r) => r.doneAt), open: rows.filter((r) => !r.doneAt) };
    },

    /** Marks several sources done at once; a source not of this programme is refused and nothing changes. */
    async setDoneMany(programmeId: string, coderId: string, sourceIds: string[], ctx: AuditContext, key?: string) {
      return change(programmeId, coderId, key, async (tx) => {
        const ids = [...new Set(sourceIds)];
        const known = await repo.sourceIdsIn(tx, programmeId, ids);
        if (ids.some((id) => !known.has(id)))
          throw new FieldError('sourceIds', 'One of those sources is not in this programme. Choose from the list');
        for (const id of ids) {
          await repo.markDone(tx, id, coderId);
          await audit(tx, ctx, 'coding-done', id, { programmeId, batch: true });
        }
        return ids.length;
      });
    },

    /** Marks the source done for this coder (they then see the other coders' codings of it), or undoes that. */
    async setDone(
      programmeId: string,
      sourceId: string,
      coderId: string,
      done: boolean,
      ctx: AuditContext,
      key?: string,
    ) {
      return change(programmeId, coderId, key, async (tx) => {
        await sourceIn(tx, programmeId, sourceId);
        if (done) await repo.markDone(tx, sourceId, coderId);
        else await repo.markNotDone(tx, sourceId, coderId);
        await audit(tx, ctx, done ? 'coding-done' : 'coding-undone', sourceId, { programmeId });
        return done;
      });
    },
  };
}
