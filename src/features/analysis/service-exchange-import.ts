import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import type { Db } from '../../platform/db/database';
import { nextPosition } from './codebook';
import { auditCode, codebookChange } from './codebook-change';
import { DEFAULT_CODE_COLOUR } from './codebook';
import { QdcError, readQdc } from './formats/qdc';
import { QdpxError, readQdpx, type QdaCode, type QdaCoding, type QdaProject } from './formats/qdpx';
import { codeIdentities, overlappingCodings, planCodes, type CodePlan, type FileCode } from './exchange-plan';
import { createStaging, type ExchangeFormat } from './exchange-staging';
import * as codesRepo from './repository-codes';
import * as repo from './repository-exchange';
import type { AnalysisContext } from './service-context';

/** A file that cannot be imported; the message says why, for the upload page. Nothing was changed. */
export class ExchangeProblem extends Error {
  override name = 'ExchangeProblem';
}

type Read = { format: 'qdc'; codes: FileCode[]; origin: string | null; notes: string[] } | ReadProject;
interface ReadProject {
  format: 'qdpx';
  codes: FileCode[];
  project: QdaProject;
  origin: string | null;
  notes: string[];
}

async function readFile(format: ExchangeFormat, filename: string, data: Buffer): Promise<Read> {
  try {
    if (format === 'qdc') {
      const r = readQdc(new Uint8Array(data));
      return { format, codes: r.codebook.codes, origin: r.origin, notes: r.notes };
    }
    const r = await readQdpx(new Uint8Array(data), filename);
    return { format, codes: r.project.codes, project: r.project, origin: r.origin, notes: r.notes };
  } catch (error) {
    if (error instanceof QdcError || error instanceof QdpxError) throw new ExchangeProblem(error.message);
    throw error;
  }
}

const nameKey = (name: string) => name.replace(/\s+/g, ' ').trim().toLowerCase();

/** Each user of the file: the programme's lead or analyst of the same name, or null (the importing analyst). */
function matchUsers(project: QdaProject, coders: { id: string; name: string }[]) {
  const byName = new Map(coders.map((c) => [nameKey(c.name), c]));
  return project.users.map((u) => ({ guid: u.guid, name: u.name, member: byName.get(nameKey(u.name)) ?? null }));
}

/** Who each of the file's users becomes: the member matched by name, else the importing analyst. */
function coderOf(matched: ReturnType<typeof matchUsers>, userId: string) {
  const users = new Map(matched.map((u) => [u.guid, u.member?.id]));
  return (guid: string | null) => (guid ? users.get(guid) : undefined) ?? userId;
}

const countCodings = (p: QdaProject) =>
  p.sources.reduce((n, s) => n + s.codings.length + s.selections.reduce((m, x) => m + x.codings.length, 0), 0);

function flatCodes(codes: QdaCode[]): QdaCode[] {
  return codes.flatMap((c) => [c, ...flatCodes(c.children)]);
}

/**
 * Exchange in: a REFI-QDA codebook (`.qdc`) into the codebook, or a project (`.qdpx`) made by another tool into
 * the programme. Upload → preview (the file kept until confirmed) → confirm, once per submission key, in one
 * transaction holding the codebook; a file the readers refuse changes nothing and its message is shown.
 */
export function createExchangeImports({ db, platform }: AnalysisContext) {
  const staging = createStaging(platform.config.dataDir);
  const change = codebookChange(db);

  async function previewOf(programmeId: string, read: Read, userId: string) {
    const plan = planCodes(await codesRepo.codesOf(db, programmeId), read.codes);
    if (plan.problems.length) throw new ExchangeProblem(plan.problems.join(' '));
    const codes = { total: plan.codes.length, created: plan.created, kept: plan.kept };
    if (read.format === 'qdc') return { format: read.format, origin: read.origin, codes, notes: read.notes };
    const p = read.project;
    const notCarried = [...read.notes];
    if (p.cases.length)
      notCarried.push(
        `${p.cases.length} case(s) and their variables not carried: Waymark's participants come from its workshops.`,
      );
    const codable = flatCodes(p.codes).filter((c) => !c.codable).length;
    if (codable) notCarried.push(`${codable} code(s) marked not codable become ordinary codes.`);
    const users = matchUsers(p, await repo.codersOf(db, programmeId));
    const ids = codeIdentities(plan);
    const left = overlappingCodings(p.sources, (g) => ids.get(g)!, coderOf(users, userId)).size;
    if (left)
      notCarried.push(
        `${left} coding(s) overlapping an earlier coding of the same code by the same coder on the same source left out: Waymark keeps one coding per stretch of text for a code and coder.`,
      );
    return {
      format: read.format,
      origin: read.origin,
      codes,
      sources: p.sources.length,
      codings: countCodings(p) - left,
      notes: p.notes.length,
      users,
      notCarried,
    };
  }

  /** Creates the plan's new codes (with their history and audit records); the Waymark id of every file code. */
  async function applyCodes(tx: Db, programmeId: string, plan: CodePlan, userId: string, ctx: AuditContext) {
    const codes = await codesRepo.codesOf(tx, programmeId);
    const idOf = new Map<string, string>();
    const positions = new Map<string | null, number>();
    for (const c of plan.codes) {
      if (c.sameAs) {
        idOf.set(c.guid, 'existingId' in c.sameAs ? c.sameAs.existingId : idOf.get(c.sameAs.guid)!);
        continue;
      }
      const parentId = c.parentGuid === null ? null : idOf.get(c.parentGuid)!;
      const position = positions.get(parentId) ?? nextPosition(codes, parentId);
      positions.set(parentId, position + 1);
      const code = await codesRepo.insertCode(tx, {
        programmeId,
        parentId,
        name: c.name,
        definition: c.definition,
        whenToUse: c.whenToUse,
        whenNotToUse: c.whenNotToUse,
        example: c.example,
        colour: c.colour ?? DEFAULT_CODE_COLOUR,
        position,
        createdBy: userId,
      });
      idOf.set(c.guid, code.id);
      const details = { name: code.name, parentId, imported: true };
      await codesRepo.insertEvent(tx, { codeId: code.id, programmeId, action: 'create', details, actorId: userId });
      await auditCode(tx, ctx, 'created', code.id, { programmeId, name: code.name, imported: true });
    }
    return idOf;
  }

  return {
    /** Reads an upload and keeps it for confirmation; what importing it would do. Throws ExchangeProblem. */
    async previewImport(programmeId: string, userId: string, format: ExchangeFormat, filename: string, data: Buffer) {
      const preview = await previewOf(programmeId, await readFile(format, filename, data), userId);
      const id = await staging.keep(programmeId, userId, format, filename, data);
      return { id, filename, ...preview };
    },

    /** Imports a kept upload, once per submission key; undefined when there is no such upload of this person's. */
    async confirmImport(programmeId: string, id: string, userId: string, ctx: AuditContext, key?: string) {
      const staged = await staging.find(id, programmeId, userId);
      if (!staged) return undefined;
      const read = await readFile(staged.format, staged.filename, staged.data);
      return change(programmeId, userId, key, async (tx) => {
        const plan = planCodes(await codesRepo.codesOf(tx, programmeId), read.codes);
        if (plan.problems.length) throw new ExchangeProblem(plan.problems.join(' '));
        const idOf = await applyCodes(tx, programmeId, plan, userId, ctx);
        const done = {
          format: staged.format,
          created: plan.created,
          kept: plan.kept,
          sources: 0,
          codings: 0,
          memos: 0,
        };
        if (read.format === 'qdpx')
          Object.assign(done, await importProject(tx, programmeId, read, idOf, staged.filename, userId));
        await recordAudit(tx, ctx, {
          action: `analysis.${staged.format}-imported`,
          entityType: 'programme',
          entityId: programmeId,
          details: { filename: staged.filename, ...done },
        });
        return done;
      });
    },
  };

  /** Sources, codings and memos of a project, after its codes; who coded by name, else the importing analyst. */
  async function importProject(
    tx: Db,
    programmeId: string,
    read: ReadProject,
    idOf: Map<string, string>,
    filename: string,
    userId: string,
  ) {
    const p = read.project;
    const who = coderOf(matchUsers(p, await repo.codersOf(tx, programmeId)), userId);
    const left = overlappingCodings(p.sources, (g) => idOf.get(g)!, who);
    const noteTarget = new Map<string, { type: string; id: string | null }>();
    const point = (guids: string[], type: string, id: string | null) => {
      for (const g of guids) if (!noteTarget.has(g)) noteTarget.set(g, { type, id });
    };
    for (const c of flatCodes(p.codes)) point(c.noteGuids, 'code', idOf.get(c.guid) ?? null);
    const when = (at: string | null) => (at && !Number.isNaN(Date.parse(at)) ? new Date(at) : new Date());
    // Ids made here, so every row goes in by the hundred and memos can point at what they belong to.
    const sourceRows: repo.NewSource[] = [];
    const codingRows: repo.NewCoding[] = [];
    for (const s of p.sources) {
      const sourceId = randomUUID();
      sourceRows.push({
        id: sourceId,
        programmeId,
        kind: 'workshop-transcript',
        originId: randomUUID(),
        title: s.name.trim() || 'Imported text',
        text: s.text,
        attributes: { importedFrom: filename },
        contributorKey: null,
        quotable: false,
        createdAt: when(s.createdAt),
      });
      point(s.noteGuids, 'source', sourceId);
      const add = (c: QdaCoding, span: [number, number] | null, coder: string | null) => {
        if (left.has(c.guid)) return null;
        const id = randomUUID();
        codingRows.push({
          id,
          programmeId,
          sourceId,
          codeId: idOf.get(c.codeGuid)!,
          coderId: who(c.coderGuid ?? coder),
          startCp: span ? span[0] : null,
          endCp: span ? span[1] : null,
          createdAt: when(c.createdAt),
        });
        point(c.noteGuids, 'coding', id);
        return id;
      };
      for (const c of s.codings) add(c, null, s.coderGuid);
      for (const sel of s.selections) {
        let first: string | null = null;
        for (const c of sel.codings) first = add(c, [sel.start, sel.end], sel.coderGuid) ?? first;
        point(sel.noteGuids, first ? 'coding' : 'source', first ?? sourceId);
      }
    }
    point(p.noteGuids, 'project', null);
    await repo.insertSources(tx, sourceRows);
    const inserted = await repo.insertCodings(tx, codingRows);
    const memoRows: repo.NewMemo[] = [];
    for (const n of p.notes) {
      let target = noteTarget.get(n.guid) ?? { type: 'project', id: null };
      if (target.id === null || (target.type === 'coding' && !inserted.has(target.id)))
        target = { type: 'project', id: null };
      const text = n.text.trim() ? n.text : n.name;
      if (!text.trim()) continue;
      memoRows.push({ programmeId, targetType: target.type, targetId: target.id, authorId: who(n.authorGuid), text });
    }
    await repo.insertMemos(tx, memoRows);
    const [sources, codings, memos] = [sourceRows.length, inserted.size, memoRows.length];
    return { sources, codings, memos };
  }
}
