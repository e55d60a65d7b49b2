import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { once } from '../../platform/db/idempotency';
import * as repo from './repository-codes';
import type { AnalysisContext } from './service-context';

/** What a memo is written on; the codebook's pages write memos on codes. */
export type MemoTarget = 'code' | 'source' | 'coding' | 'theme' | 'project';

/** Memos: an analyst's notes on a code (and, as the analysis grows, on sources, codings and themes). */
export function createMemos({ db }: AnalysisContext) {
  return {
    /**
     * The memos on a code, newest first, with those written on codes since merged into it (each says which code it
     * was written on).
     */
    async codeMemos(programmeId: string, codeId: string) {
      const codes = await repo.codesOf(db, programmeId);
      const into = new Map(codes.map((c) => [c.id, c.mergedIntoId]));
      // Codes merged into this one, directly or through another merged code.
      const mergedHere = (id: string): boolean => {
        const seen = new Set<string>();
        for (let at = into.get(id) ?? null; at && !seen.has(at); at = into.get(at) ?? null) {
          if (at === codeId) return true;
          seen.add(at);
        }
        return false;
      };
      const ids = [codeId, ...codes.filter((c) => mergedHere(c.id)).map((c) => c.id)];
      const names = new Map(codes.map((c) => [c.id, c.name]));
      const memos = await repo.memosOn(db, programmeId, 'code', ids);
      return memos.map((m) => ({ ...m, onCode: m.targetId === codeId ? null : (names.get(m.targetId!) ?? null) }));
    },

    /** Adds a memo to a target of the programme; once per submission key. */
    async addMemo(
      programmeId: string,
      targetType: MemoTarget,
      targetId: string | null,
      text: string,
      userId: string,
      ctx: AuditContext,
      key?: string,
    ): Promise<string> {
      return once(db, key, userId, async (tx) => {
        const id = await repo.insertMemo(tx, { programmeId, targetType, targetId, authorId: userId, text });
        await recordAudit(tx, ctx, {
          action: 'analysis.memo-added',
          entityType: 'analysis_memo',
          entityId: id,
          details: { programmeId, targetType, targetId },
        });
        return id;
      });
    },
  };
}
