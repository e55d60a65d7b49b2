import { and, asc, count, eq, inArray, max, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import * as accounts from '../../platform/auth/repository';
import { analysisCoderProgress, analysisCodings, analysisSources } from './tables';

/**
 * The queries behind suggested codes: the programme's workshop notes (what is grouped), a cheap fingerprint of
 * them (when it changes, the groups are worked out again), and the "Suggested codes" system account.
 */

/** The account that codes accepted suggestions. Not an email address, so no form can ever name it. */
export const SUGGESTION_CODER = { email: 'system:suggested-codes', name: 'Suggested codes' } as const;

const notes = (programmeId: string) =>
  and(eq(analysisSources.programmeId, programmeId), eq(analysisSources.kind, 'workshop-note'));

/** Changes whenever a note is added, removed or changed (a sync sets synced_at on each it writes). */
export async function notesFingerprint(db: Db, programmeId: string): Promise<string> {
  const [row] = await db
    .select({
      n: count(),
      latest: max(analysisSources.syncedAt),
      chars: sql<string>`coalesce(sum(char_length(${analysisSources.text})), 0)::text`,
    })
    .from(analysisSources)
    .where(notes(programmeId));
  return `${row?.n ?? 0}:${row?.latest ? new Date(row.latest).toISOString() : ''}:${row?.chars ?? 0}`;
}

/** The text of every workshop note of the programme. */
export async function notesOf(db: Db, programmeId: string): Promise<{ id: string; text: string }[]> {
  return db
    .select({ id: analysisSources.id, text: analysisSources.text })
    .from(analysisSources)
    .where(notes(programmeId))
    .orderBy(asc(analysisSources.id));
}

/** The notes with these ids, for examples: title, text and whether they may be quoted. */
export async function notesByIds(db: Db, programmeId: string, ids: string[]) {
  if (!ids.length) return [];
  return db
    .select({
      id: analysisSources.id,
      title: analysisSources.title,
      text: analysisSources.text,
      quotable: analysisSources.quotable,
    })
    .from(analysisSources)
    .where(and(eq(analysisSources.programmeId, programmeId), inArray(analysisSources.id, ids)));
}

/** The "Suggested codes" account's id, made on first use (no password: it can never sign in). */
export async function suggestionCoderId(db: Db): Promise<string> {
  const found = await accounts.findUserByEmail(db, SUGGESTION_CODER.email);
  if (found) return found.id;
  await accounts.insertUser(db, { ...SUGGESTION_CODER, passwordHash: null });
  return (await accounts.findUserByEmail(db, SUGGESTION_CODER.email))!.id;
}

/** The account's id if it exists yet (reading never creates it). */
export async function existingSuggestionCoderId(db: Db): Promise<string | undefined> {
  return (await accounts.findUserByEmail(db, SUGGESTION_CODER.email))?.id;
}

/** The sources of the programme the suggestion coder has marked done, with the codes it gave each. */
export async function acceptedOf(db: Db, programmeId: string, coderId: string) {
  const [done, codings] = await Promise.all([
    db
      .select({ sourceId: analysisCoderProgress.sourceId })
      .from(analysisCoderProgress)
      .innerJoin(analysisSources, eq(analysisSources.id, analysisCoderProgress.sourceId))
      .where(and(eq(analysisSources.programmeId, programmeId), eq(analysisCoderProgress.coderId, coderId))),
    db
      .select({ sourceId: analysisCodings.sourceId, codeId: analysisCodings.codeId })
      .from(analysisCodings)
      .where(and(eq(analysisCodings.programmeId, programmeId), eq(analysisCodings.coderId, coderId))),
  ]);
  const codes = new Map<string, string[]>();
  for (const c of codings) codes.set(c.sourceId, [...(codes.get(c.sourceId) ?? []), c.codeId]);
  return { done: new Set(done.map((d) => d.sourceId)), codes };
}
