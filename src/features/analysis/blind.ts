/**
 * Blind coding: who may see which codings of a source. Pure, no database.
 *
 * A coder always sees their own codings. They see other coders' codings of a source only once they have marked
 * that source done ("I have finished coding this source"); undoing "done" hides them again. Nobody sees another
 * coder's codings of a source through the coding pages before that, so each coder's first reading is their own.
 */

/** What the rule needs of a coding: who made it. */
export interface BlindCoding {
  coderId: string;
}

/** How one coding looks to one viewer: their own, another coder's shown, or another coder's hidden. */
export type Visibility = 'own' | 'shown' | 'hidden';

/** How a coding by `coderId` looks to `viewerId`, who has (or has not) marked the source done. */
export function visibility(viewerId: string, viewerDone: boolean, coderId: string): Visibility {
  if (coderId === viewerId) return 'own';
  return viewerDone ? 'shown' : 'hidden';
}

/** The codings of one source a viewer may see, split into their own and the other coders' (kept in order). */
export function visibleCodings<T extends BlindCoding>(
  codings: readonly T[],
  viewerId: string,
  viewerDone: boolean,
): { own: T[]; others: T[] } {
  const own: T[] = [];
  const others: T[] = [];
  for (const c of codings) {
    const v = visibility(viewerId, viewerDone, c.coderId);
    if (v === 'own') own.push(c);
    else if (v === 'shown') others.push(c);
  }
  return { own, others };
}
