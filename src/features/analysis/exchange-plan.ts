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

/** Each file code's identity after the import: the existing code it is, or the first code of the file it is. */
export function codeIdentities(plan: CodePlan): Map<string, string> {
  const ids = new Map<string, string>();
  for (const c of plan.codes)
    ids.set(c.guid, !c.sameAs ? c.guid : 'existingId' in c.sameAs ? c.sameAs.existingId : ids.get(c.sameAs.guid)!);
  return ids;
}

interface SpanCoding {
  guid: string;
  codeGuid: string;
  coderGuid: string | null;
}
interface SpanSource {
  coderGuid: string | null;
  codings: SpanCoding[];
  selections: { start: number; end: number; coderGuid: string | null; codings: SpanCoding[] }[];
}

/**
 * The codings of a project Waymark leaves out: each that overlaps an earlier one of the same code by the same
 * coder on the same source (a whole-source coding overlaps every span), as Waymark keeps one coding per stretch
 * of text for a code and coder. `code` and `coder` give who and what each becomes after the import.
 */
export function overlappingCodings(
  sources: SpanSource[],
  code: (guid: string) => string,
  coder: (guid: string | null) => string,
): Set<string> {
  const left = new Set<string>();
  for (const s of sources) {
    const items = [
      ...s.codings.map((c) => ({ c, owner: c.coderGuid ?? s.coderGuid, start: -1, end: Infinity })),
      ...s.selections.flatMap((x) =>
        x.codings.map((c) => ({ c, owner: c.coderGuid ?? x.coderGuid, start: x.start, end: x.end })),
      ),
    ];
    const kept = new Map<string, { start: number; end: number }[]>();
    for (const { c, owner, start, end } of items) {
      const key = `${code(c.codeGuid)}\u0000${coder(owner)}`;
      const spans = kept.get(key) ?? [];
      if (spans.some((k) => k.start < end && start < k.end)) left.add(c.guid);
      else kept.set(key, [...spans, { start, end }]);
    }
  }
  return left;
}
