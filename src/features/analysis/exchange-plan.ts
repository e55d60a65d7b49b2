import { MAX_CODE_DEPTH } from './codebook';
import { CODE_LIMITS } from './schema-codebook';
import type { Code } from './repository-codes';
import { codeName, readDescription } from './exchange-mapping';

/**
 * What importing a REFI-QDA codebook does to the codebook, pure: each code of the file is either new (created
 * under its parent) or already there (a live code of the same name, whatever its case, under the same parent),
 * which is left as it is and takes the file's sub-codes. Codes the codebook cannot hold are problems.
 */

export interface FileCode {
  guid: string;
  name: string;
  colour: string | null;
  description: string;
  children: FileCode[];
}

export interface PlannedCode {
  guid: string;
  /** A new code (null), or the live code it is (an existing code's id, or an earlier code of the file's guid). */
  sameAs: { existingId: string } | { guid: string } | null;
  /** The parent: a file code's guid, or null for the top level. */
  parentGuid: string | null;
  name: string;
  colour: string | null;
  definition: string;
  whenToUse: string;
  whenNotToUse: string;
  example: string;
}

export interface CodePlan {
  codes: PlannedCode[];
  created: number;
  kept: number;
  problems: string[];
}

export function planCodes(existing: Code[], fileCodes: FileCode[]): CodePlan {
  const live = existing.filter((c) => c.mergedIntoId === null);
  const plan: CodePlan = { codes: [], created: 0, kept: 0, problems: [] };
  // Codes by parent and lower-case name: the existing ones, then each one planned (a repeated name in the file
  // lands on the first).
  const byName = new Map<string, string>();
  const key = (parent: string | null, name: string) => `${parent ?? ''}\u0000${name.toLowerCase()}`;
  for (const c of live) byName.set(key(c.parentId, c.name), c.id);
  /** For each file code: the existing code's id it matched, or new:<guid> of the file code it is. */
  const refOf = new Map<string, string>();

  const visit = (code: FileCode, parentGuid: string | null, depth: number) => {
    const name = codeName(code.name);
    if (name.length > CODE_LIMITS.name) {
      plan.problems.push(`The code “${name.slice(0, 40)}…” has a name over ${CODE_LIMITS.name} characters.`);
      return;
    }
    if (depth > MAX_CODE_DEPTH) {
      plan.problems.push(`The code “${name}” is nested ${depth} levels deep; codes go at most ${MAX_CODE_DEPTH}.`);
      return;
    }
    const parentRef = parentGuid === null ? null : refOf.get(parentGuid)!;
    const match = byName.get(key(parentRef, name));
    if (match) {
      plan.kept++;
      refOf.set(code.guid, match);
      const sameAs = match.startsWith('new:') ? { guid: match.slice(4) } : { existingId: match };
      plan.codes.push({ guid: code.guid, sameAs, parentGuid, name, colour: null, ...blank });
    } else {
      plan.created++;
      const ref = `new:${code.guid}`;
      refOf.set(code.guid, ref);
      byName.set(key(parentRef, name), ref);
      const texts = readDescription(code.description);
      plan.codes.push({ guid: code.guid, sameAs: null, parentGuid, name, colour: code.colour, ...texts });
    }
    for (const child of code.children) visit(child, code.guid, depth + 1);
  };
  for (const code of fileCodes) visit(code, null, 1);
  return plan;
}

const blank = { definition: '', whenToUse: '', whenNotToUse: '', example: '' };
