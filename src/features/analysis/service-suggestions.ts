import { createHash } from 'node:crypto';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { buildCodeTree, DEFAULT_CODE_COLOUR, flattenTree, nameTaken, nextPosition } from './codebook';
import { codebookChange, duplicateMessage, liveCode } from './codebook-change';
import { excerpt } from './highlight';
import * as codes from './repository-codes';
import * as codings from './repository-codings';
import * as repo from './repository-suggestions';
import type { SuggestionPick } from './schema-suggestions';
import type { AnalysisContext } from './service-context';
import { suggestGroups, type SuggestedGroup } from './suggest';

/** A suggested group with the key the page's form names it by. */
export interface KeyedGroup extends SuggestedGroup {
  key: string;
}

interface Computed {
  groups: KeyedGroup[];
  notes: number;
  unassigned: number;
}

/** A group's key: a hash of its notes, so the same notes give the same key and a changed group another. */
const keyOf = (noteIds: string[]) => createHash('sha256').update(noteIds.join(',')).digest('hex').slice(0, 16);

/** A new code's name from the group's key terms: "Staffing, rota, shift". */
function nameFrom(terms: string[]): string {
  const name = terms.slice(0, 3).join(', ') || 'Suggested code';
  return (name.charAt(0).toLocaleUpperCase('en-GB') + name.slice(1)).slice(0, 100);
}

/**
 * Suggested codes: the programme's workshop notes grouped automatically (suggest.ts), and accepting a group as a
 * code. Suggestions are one more coder, the "Suggested codes" account: accepting codes the group's notes as whole
 * sources by that coder and marks them done for it, so the compare view, adjudication and reliability treat it like
 * any coder. Nothing is applied until an analyst accepts, and no human coder's codings are touched.
 *
 * The grouping takes about half a second for 5,000 notes, so it is worked out at most once per programme for each
 * state of its notes: the result is kept in memory, keyed by a fingerprint of the notes (count, latest sync time,
 * total length), and requests arriving while it is worked out share the same computation.
 */
export function createSuggestions({ db }: AnalysisContext) {
  const change = codebookChange(db);
  const cache = new Map<string, { print: string; result: Promise<Computed> }>();

  async function computed(programmeId: string): Promise<Computed> {
    const print = await repo.notesFingerprint(db, programmeId);
    const hit = cache.get(programmeId);
    if (hit?.print === print) return hit.result;
    const result = (async () => {
      const notes = await repo.notesOf(db, programmeId);
      const found = suggestGroups(notes);
      return {
        groups: found.groups.map((g) => ({ ...g, key: keyOf(g.noteIds) })),
        notes: notes.length,
        unassigned: found.unassigned.length,
      };
    })();
    cache.set(programmeId, { print, result });
    result.catch(() => {
      if (cache.get(programmeId)?.result === result) cache.delete(programmeId);
    });
    return result;
  }

  /**
   * What the suggestions page shows: each group with its key terms, how many notes, up to three example notes
   * (only quotable ones are shown), a name for a new code, and what has been accepted of it; and the live codes.
   */
  async function suggestions(programmeId: string) {
    const found = await computed(programmeId);
    const coderId = await repo.existingSuggestionCoderId(db);
    const [accepted, all, examples] = await Promise.all([
      coderId
        ? repo.acceptedOf(db, programmeId, coderId)
        : { done: new Set<string>(), codes: new Map<string, string[]>() },
      codes.codesOf(db, programmeId),
      repo.notesByIds(
        db,
        programmeId,
        found.groups.flatMap((g) => g.exampleIds),
      ),
    ]);
    const byId = new Map(examples.map((n) => [n.id, n]));
    const names = new Map(all.map((c) => [c.id, c.name]));
    const groups = found.groups.map((g) => {
      const acceptedCodes = new Set(g.noteIds.flatMap((id) => accepted.codes.get(id) ?? []));
      return {
        key: g.key,
        keyTerms: g.keyTerms,
        notes: g.noteIds.length,
        cohesion: g.cohesion,
        examples: g.exampleIds.map((id) => {
          const note = byId.get(id);
          return note?.quotable ? { title: note.title, text: excerpt(note.text, 300).text } : null;
        }),
        suggestedName: nameFrom(g.keyTerms),
        acceptedNotes: g.noteIds.filter((id) => accepted.done.has(id)).length,
        acceptedAs: [...acceptedCodes].map((id) => names.get(id) ?? 'a deleted code').sort(),
      };
    });
    const live = flattenTree(buildCodeTree(all.filter((c) => c.mergedIntoId === null)));
    return { groups, notes: found.notes, unassigned: found.unassigned, codes: live };
  }

  /**
   * Accepts groups, each as the code chosen for it (a new top-level code is made when asked): codes every note of
   * the group as a whole source by the "Suggested codes" coder and marks it done for that coder. All or nothing,
   * once per submission key.
   */
  async function acceptSuggestions(
    programmeId: string,
    picks: SuggestionPick[],
    userId: string,
    ctx: AuditContext,
    key?: string,
  ) {
    const found = await computed(programmeId);
    return change(programmeId, userId, key, async (tx) => {
      const coderId = await repo.suggestionCoderId(tx);
      const all = await codes.codesOf(tx, programmeId);
      const made = new Map<string, string>();
      let coded = 0;
      let notes = 0;
      for (const pick of picks) {
        const group = found.groups.find((g) => g.key === pick.key);
        if (!group)
          throw new FieldError(
            'groups',
            'The notes have changed since the page was shown, so the groups were worked out again. Check them and accept again',
          );
        let codeId: string;
        if (pick.codeId) {
          codeId = liveCode(
            all,
            pick.codeId,
            `code-${pick.key}`,
            'That code is not in the codebook any more (it may have been merged). Choose another',
          ).id;
        } else {
          const name = pick.name!;
          const again = made.get(name.toLocaleLowerCase('en-GB'));
          if (again) codeId = again;
          else {
            if (nameTaken(all, null, name))
              throw new FieldError(
                `name-${pick.key}`,
                `${duplicateMessage(name, undefined)}, or choose that code from the list`,
              );
            const code = await codes.insertCode(tx, {
              programmeId,
              parentId: null,
              name,
              colour: DEFAULT_CODE_COLOUR,
              position: nextPosition(all, null),
              createdBy: userId,
            });
            all.push(code);
            made.set(name.toLocaleLowerCase('en-GB'), code.id);
            await codes.insertEvent(tx, {
              codeId: code.id,
              programmeId,
              action: 'create',
              details: { name, parentId: null, fromSuggestion: group.keyTerms },
              actorId: userId,
            });
            codeId = code.id;
          }
        }
        const sourceIds = [...(await codings.sourceIdsIn(tx, programmeId, group.noteIds))];
        for (const sourceId of sourceIds) {
          const mine = await codings.coderCodings(tx, sourceId, coderId);
          if (!mine.some((c) => c.codeId === codeId && c.startCp === null)) {
            await codings.insertCodings(tx, [{ programmeId, sourceId, codeId, coderId }]);
            coded++;
          }
          await codings.markDone(tx, sourceId, coderId);
        }
        notes += sourceIds.length;
        await recordAudit(tx, ctx, {
          action: 'analysis.suggestion-accepted',
          entityType: 'analysis_code',
          entityId: codeId,
          details: { programmeId, coderId, keyTerms: group.keyTerms, notes: sourceIds.length },
        });
      }
      return { groups: picks.length, notes, codings: coded };
    });
  }

  return { suggestions, acceptSuggestions };
}
