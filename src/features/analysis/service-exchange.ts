import { toCsvText } from '../../exports/csv';
import { toXlsx } from '../../exports/xlsx';
import { QdcError, writeQdc } from './formats/qdc';
import {
  QdpxError,
  writeQdpx,
  type QdaCase,
  type QdaCoding,
  type QdaNote,
  type QdaProject,
  type QdaSelection,
  type QdaSource,
  type QdaUser,
} from './formats/qdpx';
import { SOURCE_KIND_LABELS, type SourceKind } from './model';
import * as codesRepo from './repository-codes';
import * as repo from './repository-exchange';
import type { AnalysisContext } from './service-context';
import { createExchangeImports, ExchangeProblem } from './service-exchange-import';
import { derivedGuid, exchangeCodes, pathText } from './exchange-mapping';
import { sliceCp } from './spans';

/** Who is exporting: a coder (blind rules apply to what they take away) or someone who only looks (an admin). */
export interface ExchangeViewer {
  userId: string;
  coder: boolean;
}

const VARIABLES = [
  { key: 'area', name: 'Area', guid: derivedGuid('waymark-variable', 'area') },
  { key: 'stakeholderType', name: 'Stakeholder type', guid: derivedGuid('waymark-variable', 'stakeholderType') },
] as const;

/** Runs a writer; what it refuses (text XML cannot carry) becomes a problem to show, not a failure. */
function written<T>(what: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof QdcError || error instanceof QdpxError)
      throw new ExchangeProblem(`The ${what} cannot be written as a REFI-QDA file: ${error.message}`);
    throw error;
  }
}

/**
 * Exchange out: the codebook as REFI-QDA `.qdc`, the whole project as `.qdpx`, and the codings as a table (CSV
 * and XLSX). Blind coding holds here too: a coder takes away their own codings and other coders' codings only of
 * sources they have marked done; someone who does not code (an admin) takes all of them.
 */
export function createExchangeExports({ db }: AnalysisContext) {
  /** The live codes, every source, and the codings this viewer may see. */
  async function material(programmeId: string, viewer: ExchangeViewer) {
    const [codes, sources, codings, done] = await Promise.all([
      codesRepo.codesOf(db, programmeId),
      repo.sourcesOf(db, programmeId),
      repo.codingsOf(db, programmeId),
      viewer.coder ? repo.doneSources(db, programmeId, viewer.userId) : Promise.resolve(null),
    ]);
    const live = new Map(codes.filter((c) => c.mergedIntoId === null).map((c) => [c.id, c]));
    const visible = codings.filter(
      (c) => live.has(c.codeId) && (!done || c.coderId === viewer.userId || done.has(c.sourceId)),
    );
    return { codes, live, sources, codings: visible };
  }

  /** Coders' names as in Waymark for the programme's leads and analysts; anyone else as "Former coder n". */
  async function namer(programmeId: string) {
    const members = new Map((await repo.codersOf(db, programmeId)).map((m) => [m.id, m.name]));
    const others = new Map<string, string>();
    return (userId: string) => {
      const member = members.get(userId);
      if (member) return member;
      if (!others.has(userId)) others.set(userId, `Former coder ${others.size + 1}`);
      return others.get(userId)!;
    };
  }

  return {
    /** The programme's codebook as a REFI-QDA `.qdc` (UTF-8 XML). */
    async codebookQdc(programmeId: string): Promise<string> {
      const codes = await codesRepo.codesOf(db, programmeId);
      return written('codebook', () => writeQdc({ codes: exchangeCodes(codes) }));
    },

    /**
     * The whole project as a REFI-QDA `.qdpx`: coders, codebook, sources (text exactly as stored), codings with
     * their coders (code-point spans; whole-source codings on the source), memos, and the contributors as cases
     * (by pseudonymous key) with their area and stakeholder type.
     */
    async projectQdpx(programmeId: string, programmeName: string, viewer: ExchangeViewer): Promise<Uint8Array> {
      const { codes, live, sources, codings } = await material(programmeId, viewer);
      const name = await namer(programmeId);
      const memos = await repo.memosOf(db, programmeId);
      const userIds = new Set<string>();
      const shownCodings = new Set(codings.map((c) => c.id));
      const sourceIds = new Set(sources.map((s) => s.id));
      // A memo on a merged code follows its codings to the code it was merged into.
      const byId = new Map(codes.map((c) => [c.id, c]));
      const liveCodeOf = (id: string) => {
        const seen = new Set<string>();
        let at = byId.get(id);
        while (at && at.mergedIntoId && !seen.has(at.id)) {
          seen.add(at.id);
          at = byId.get(at.mergedIntoId);
        }
        return at && live.has(at.id) ? at.id : null;
      };
      const notes: QdaNote[] = [];
      const attached = new Map<string, string[]>();
      const attach = (key: string, guid: string) => attached.set(key, [...(attached.get(key) ?? []), guid]);
      for (const m of memos) {
        let key = 'project';
        if (m.targetType === 'code' && m.targetId && liveCodeOf(m.targetId)) key = `code:${liveCodeOf(m.targetId)}`;
        else if (m.targetType === 'source' && m.targetId && sourceIds.has(m.targetId)) key = `source:${m.targetId}`;
        else if (m.targetType === 'coding' && m.targetId) {
          if (!shownCodings.has(m.targetId)) continue;
          key = `coding:${m.targetId}`;
        }
        if (m.authorId) userIds.add(m.authorId);
        notes.push({
          guid: m.id,
          name: m.targetType === 'theme' ? 'Memo on a theme' : `Memo on the ${m.targetType}`,
          text: m.text,
          authorGuid: m.authorId,
          createdAt: m.createdAt.toISOString(),
        });
        attach(key, m.id);
      }
      const codingOf = (c: repo.ExchangeCoding): QdaCoding => {
        userIds.add(c.coderId);
        return {
          guid: derivedGuid('coding', c.id),
          codeGuid: c.codeId,
          coderGuid: c.coderId,
          createdAt: c.createdAt.toISOString(),
          noteGuids: [],
        };
      };
      const bySource = new Map<string, repo.ExchangeCoding[]>();
      for (const c of codings) bySource.set(c.sourceId, [...(bySource.get(c.sourceId) ?? []), c]);
      const qdaSources: QdaSource[] = sources.map((s) => {
        const mine = bySource.get(s.id) ?? [];
        const selections: QdaSelection[] = mine
          .filter((c) => c.startCp !== null && c.endCp !== null)
          .map((c) => ({
            guid: c.id,
            name: sliceCp(s.text, c.startCp!, Math.min(c.endCp!, c.startCp! + 80)),
            start: c.startCp!,
            end: c.endCp!,
            coderGuid: c.coderId,
            createdAt: c.createdAt.toISOString(),
            codings: [codingOf(c)],
            noteGuids: attached.get(`coding:${c.id}`) ?? [],
          }));
        const whole = mine.filter((c) => c.startCp === null || c.endCp === null);
        const a = s.attributes;
        const about = [SOURCE_KIND_LABELS[s.kind as SourceKind] ?? s.kind, a.workshop, a.area, a.pillar, a.study];
        return {
          guid: s.id,
          name: s.title,
          description: about.filter(Boolean).join(' · '),
          text: s.text,
          coderGuid: null,
          createdAt: s.createdAt.toISOString(),
          selections,
          codings: whole.map((c) => ({ ...codingOf(c), noteGuids: attached.get(`coding:${c.id}`) ?? [] })),
          noteGuids: attached.get(`source:${s.id}`) ?? [],
        };
      });
      const users: QdaUser[] = [...userIds].map((id) => ({ guid: id, name: name(id) }));
      const contributors = new Map<string, repo.ExchangeSource[]>();
      for (const s of sources)
        if (s.contributorKey) contributors.set(s.contributorKey, [...(contributors.get(s.contributorKey) ?? []), s]);
      const cases: QdaCase[] = [...contributors].map(([key, written]) => ({
        guid: derivedGuid('waymark-case', programmeId, key),
        name: `Contributor ${key}`,
        description: 'A participant, by pseudonymous key',
        values: VARIABLES.map((v) => ({
          variableGuid: v.guid,
          value: (written.map((s) => s.attributes[v.key]).find((x) => typeof x === 'string' && x) as string) ?? null,
        })),
        sourceGuids: written.map((s) => s.id),
      }));
      const project: QdaProject = {
        name: programmeName,
        description: `The analysis of ${programmeName}, exported from Waymark`,
        users,
        codes: exchangeCodes(codes, (id) => attached.get(`code:${id}`) ?? []),
        variables: cases.length
          ? VARIABLES.map((v) => ({ guid: v.guid, name: v.name, type: 'Text' as const, description: '' }))
          : [],
        cases,
        sources: qdaSources,
        notes,
        noteGuids: attached.get('project') ?? [],
      };
      return written('project', () => writeQdpx(project));
    },

    /**
     * The codings as a CSV or XLSX download, one line each: source id, kind, area, pillar, stakeholder type, code
     * path, coder, start, end, text.
     */
    async codingsDownload(programmeId: string, viewer: ExchangeViewer, format: 'csv' | 'xlsx') {
      const { live, sources, codings } = await material(programmeId, viewer);
      const name = await namer(programmeId);
      const bySource = new Map(sources.map((s) => [s.id, s]));
      const head = [
        'source id',
        'kind',
        'area',
        'pillar',
        'stakeholder type',
        'code path',
        'coder',
        'start',
        'end',
        'coded text',
      ];
      const rows = codings.map((c) => {
        const s = bySource.get(c.sourceId)!;
        const whole = c.startCp === null || c.endCp === null;
        return [
          s.id,
          s.kind,
          s.attributes.area ?? '',
          s.attributes.pillar ?? '',
          s.attributes.stakeholderType ?? '',
          pathText(live, c.codeId),
          name(c.coderId),
          whole ? '' : c.startCp!,
          whole ? '' : c.endCp!,
          whole ? s.text : sliceCp(s.text, c.startCp!, c.endCp!),
        ];
      });
      return format === 'csv' ? toCsvText(head, rows) : toXlsx([{ name: 'Codings', head, rows }]);
    },
  };
}

/** The exchange, as service.ts spreads it into the analysis service. */
export function createExchangeParts(ctx: AnalysisContext) {
  return { ...createExchangeExports(ctx), ...createExchangeImports(ctx) };
}
