import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { once } from '../../platform/db/idempotency';
import { FieldError } from '../../platform/forms/forms';
import {
  disagreementsOf,
  distinctSpans,
  spanKey,
  type CodedSpan,
  type Coder,
  type Disagreement,
  type Units,
} from './compare-units';
import { latestAdjudications, loadUnits } from './service-units';
import * as repo from './repository-compare';
import { existingSuggestionCoderId } from './repository-suggestions';
import type { AdjudicationInput, CompareQuery } from './schema-compare';
import type { AnalysisContext } from './service-context';
import { createReliability } from './service-reliability';
import { sliceCp } from './spans';

/** A coding in the agreed set: what themes and reports use. */
export interface AgreedCoding {
  sourceId: string;
  codeId: string;
  startCp: number | null;
  endCp: number | null;
  /** Every done coder applied the code, or an adjudication decided it. */
  basis: 'agreement' | 'adjudication';
  adjudicationId: string | null;
}

/** What an adjudication decided, in words. */
function decisionText(a: repo.Adjudication, u: Units): string {
  if (a.decision === 'both') return 'Keep both coders’ codings';
  if (a.decision === 'neither') return 'Keep neither: the code is not applied';
  if (a.decision === 'recode') return `Recode as “${u.codes.get(a.recodeId ?? '')?.label ?? 'a deleted code'}”`;
  const coder = u.coders.find((c) => c.id === a.keptCoderId);
  return `Keep ${coder ? coder.label : 'a former coder'}’s coding`;
}

/** The spans a decision keeps, under the code it keeps them as; none for "neither" or a coder who did not apply it. */
function decided(a: repo.Adjudication, d: Disagreement): { codeId: string; spans: CodedSpan[] } {
  const all = () => distinctSpans([...d.appliedBy].flatMap((id) => d.spans.get(id) ?? []));
  if (a.decision === 'both') return { codeId: d.codeId, spans: all() };
  if (a.decision === 'recode') return { codeId: a.recodeId!, spans: all() };
  if (a.decision === 'neither') return { codeId: d.codeId, spans: [] };
  return { codeId: d.codeId, spans: distinctSpans(d.spans.get(a.keptCoderId ?? '') ?? []) };
}

/** Compare coders, adjudicate their disagreements, and the agreed set that follows. */
export function createCompare({ db }: AnalysisContext) {
  /** One disagreement shown side by side: each coder's spans of the code, text sliced by code points. */
  async function shown(programmeId: string, found: Disagreement[], u: Units) {
    const texts = new Map(
      (await repo.sourceTexts(db, programmeId, [...new Set(found.map((d) => d.sourceId))])).map((s) => [s.id, s]),
    );
    const latest = await latestAdjudications(db, programmeId, u.resolve);
    return found.map((d) => {
      const source = texts.get(d.sourceId)!;
      const code = u.codes.get(d.codeId)!;
      const adjudication = latest.get(`${d.sourceId}:${d.codeId}`);
      return {
        source: { id: source.id, title: source.title },
        code: { id: code.id, label: code.label, colour: code.colour },
        columns: d.coders.map((coder) => ({
          coder,
          applied: d.appliedBy.has(coder.id),
          spans: distinctSpans(d.spans.get(coder.id) ?? []).map((s) => ({
            whole: s.startCp === null,
            start: s.startCp,
            end: s.endCp,
            text: s.startCp === null ? source.text : sliceCp(source.text, s.startCp, s.endCp!),
          })),
        })),
        adjudication: adjudication
          ? {
              decision: decisionText(adjudication, u),
              reason: adjudication.reason,
              by: adjudication.deciderName,
              at: adjudication.decidedAt,
            }
          : null,
      };
    });
  }

  /** The one disagreement about a code on a source, among every coder who marked it done, or undefined. */
  async function disagreement(programmeId: string, sourceId: string, codeId: string, u?: Units) {
    const units = u ?? (await loadUnits(db, programmeId));
    const unit = units.units.filter((x) => x.sourceId === sourceId);
    return { units, found: disagreementsOf(unit, undefined, codeId)[0] };
  }

  return {
    /**
     * The compare view: the disagreements among sources marked done by two or more coders (or by both of the pair
     * chosen), filtered by code, grouped by code or by source. A code or coder not the programme's is a problem.
     */
    async compare(programmeId: string, query: CompareQuery) {
      const u = await loadUnits(db, programmeId);
      const codeOptions = [...u.codes.values()]
        .filter((c) => c.live)
        .sort((x, y) => x.label.localeCompare(y.label))
        .map((c) => ({ value: c.id, text: c.label }));
      const coderOptions = u.coders.map((c) => ({ value: c.id, text: c.label }));
      const problems: Record<string, string> = {};
      if (query.code && !u.codes.has(query.code)) problems.code = 'Choose a code from the list';
      if (query.a && !u.coders.some((c) => c.id === query.a)) problems.a = 'Choose the first coder from the list';
      if (query.b && !u.coders.some((c) => c.id === query.b)) problems.b = 'Choose the second coder from the list';
      const options = { codes: codeOptions, coders: coderOptions };
      if (Object.keys(problems).length) return { ok: false as const, problems, options };
      const pair = query.a && query.b ? ([query.a, query.b] as [string, string]) : undefined;
      const compared = u.units.filter((x) =>
        pair ? pair.every((id) => x.coders.some((c) => c.id === id)) : x.coders.length >= 2,
      );
      const rows = await shown(programmeId, disagreementsOf(compared, pair, query.code), u);
      rows.sort(
        query.by === 'source'
          ? (x, y) => x.source.title.localeCompare(y.source.title) || x.code.label.localeCompare(y.code.label)
          : (x, y) => x.code.label.localeCompare(y.code.label) || x.source.title.localeCompare(y.source.title),
      );
      const groups: { id: string; heading: string; rows: typeof rows }[] = [];
      for (const row of rows) {
        const [id, heading] = query.by === 'source' ? [row.source.id, row.source.title] : [row.code.id, row.code.label];
        if (groups.at(-1)?.id !== id) groups.push({ id, heading, rows: [] });
        groups.at(-1)!.rows.push(row);
      }
      return {
        ok: true as const,
        options,
        sourcesCompared: compared.length,
        sourcesDoneByOne: u.units.filter((x) => x.coders.length === 1).length,
        disagreements: rows.length,
        adjudicated: rows.filter((r) => r.adjudication).length,
        groups,
      };
    },

    /** One disagreement for the adjudication page, with the codes it may be recoded as; undefined if it is not one. */
    async disagreement(programmeId: string, sourceId: string, codeId: string) {
      const { units, found } = await disagreement(programmeId, sourceId, codeId);
      if (!found) return undefined;
      const [row] = await shown(programmeId, [found], units);
      const recodeOptions = [...units.codes.values()]
        .filter((c) => c.live && c.id !== codeId)
        .sort((x, y) => x.label.localeCompare(y.label))
        .map((c) => ({ value: c.id, text: c.label }));
      return { ...row!, recodeOptions };
    },

    /**
     * Records an adjudication of a disagreement, with who and why; once per submission key. The disagreement must
     * still be one, a kept coder one of its coders, and a recode a live code other than the one disputed.
     */
    async adjudicate(
      programmeId: string,
      input: Omit<AdjudicationInput, '_submission'>,
      userId: string,
      ctx: AuditContext,
      key?: string,
    ): Promise<string> {
      return once(db, key, userId, async (tx) => {
        const units = await loadUnits(tx, programmeId);
        const { found } = await disagreement(programmeId, input.sourceId, input.codeId, units);
        if (!found) throw new FieldError('decision', 'The coders no longer disagree about this code on this source');
        let keptCoderId: string | null = null;
        let decision = input.decision;
        if (decision.startsWith('keep:')) {
          keptCoderId = decision.slice(5);
          decision = 'keep';
          if (!found.coders.some((c: Coder) => c.id === keptCoderId))
            throw new FieldError('decision', 'Choose one of the coders of this source');
        }
        const recode = decision === 'recode' ? units.codes.get(input.recodeId ?? '') : undefined;
        if (decision === 'recode' && (!recode?.live || recode.id === input.codeId))
          throw new FieldError('recodeId', 'Choose another code of this programme’s codebook');
        const id = await repo.insertAdjudication(tx, {
          programmeId,
          sourceId: input.sourceId,
          codeId: input.codeId,
          decision,
          keptCoderId,
          recodeId: recode?.id ?? null,
          reason: input.reason,
          decidedBy: userId,
        });
        await recordAudit(tx, ctx, {
          action: 'analysis.adjudicated',
          entityType: 'analysis_adjudication',
          entityId: id,
          details: { programmeId, sourceId: input.sourceId, codeId: input.codeId, decision, keptCoderId },
        });
        return id;
      });
    },

    /**
     * The agreed set, what themes and reports use: on every source marked done by two or more coders, the codes
     * all of them applied (each distinct span any of them coded), and each adjudicated disagreement as decided.
     * Disagreements not yet adjudicated, and sources only one coder marked done, are left out.
     */
    async agreedCodings(programmeId: string): Promise<AgreedCoding[]> {
      const u = await loadUnits(db, programmeId);
      const latest = await latestAdjudications(db, programmeId, u.resolve);
      const out = new Map<string, AgreedCoding>();
      const add = (sourceId: string, codeId: string, spans: CodedSpan[], adjudicationId: string | null) => {
        for (const s of spans)
          out.set(`${sourceId}:${codeId}:${spanKey(s)}`, {
            sourceId,
            codeId,
            startCp: s.startCp,
            endCp: s.endCp,
            basis: adjudicationId ? 'adjudication' : 'agreement',
            adjudicationId,
          });
      };
      // Suggested codes are one more coder in the compare view and the figures, but not a judge of agreement where
      // two people coded: it codes a source with one accepted code only, and would otherwise veto every other code.
      const machine = await existingSuggestionCoderId(db);
      for (const unit of u.units) {
        if (unit.coders.length < 2) continue;
        const people = unit.coders.filter((c) => c.id !== machine);
        const judges = people.length >= 2 ? people : unit.coders;
        for (const [codeId, byCoder] of unit.byCode)
          if (judges.every((c) => byCoder.has(c.id)))
            add(unit.sourceId, codeId, distinctSpans(judges.flatMap((c) => byCoder.get(c.id)!)), null);
        for (const d of disagreementsOf([unit])) {
          const a = latest.get(`${d.sourceId}:${d.codeId}`);
          if (!a) continue;
          const kept = decided(a, d);
          add(d.sourceId, kept.codeId, kept.spans, a.id);
        }
      }
      return [...out.values()];
    },
  };
}

/** Comparing coders, adjudication, the agreed set and reliability: the parts service.ts spreads in. */
export function createCompareParts(ctx: AnalysisContext) {
  return { ...createCompare(ctx), ...createReliability(ctx) };
}
