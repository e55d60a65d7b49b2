import { writeCsv } from '../../exports/csv';
import { multiCodingsOf } from '../../stats/reliability-data';
import { multiCodeReport, type ReliabilityFigures, type ReliabilityReport } from '../../stats/reliability-report';
import { loadUnits } from './service-units';
import type { AnalysisContext } from './service-context';

/** The figures in the order the page shows them, with their names as the report's notes spell them. */
const FIGURES: { key: keyof ReliabilityFigures; name: string; heading: string }[] = [
  { key: 'percentAgreement', name: 'percent agreement', heading: 'Percent agreement' },
  { key: 'cohenKappa', name: "Cohen's κ", heading: 'Cohen’s κ' },
  { key: 'fleissKappa', name: "Fleiss' κ", heading: 'Fleiss’ κ' },
  { key: 'krippendorffAlpha', name: "Krippendorff's α", heading: 'Krippendorff’s α (nominal)' },
];

/** One row of the `waymark irr --multi` CSV: a coder's code on a unit; a null code says they applied none. */
export interface IrrRow {
  unit: string;
  coder: string;
  code: string | null;
}

/** Why a figure is null, from the report's notes (each begins with what it is about). */
function reasonFor(notes: string[], about: string, name: string): string {
  const own = notes.find((n) => n.startsWith(`${about}${name} is null: `));
  if (own) return own.slice(`${about}${name} is null: `.length);
  const every = notes.find((n) => n.startsWith(`${about}every statistic is null: `));
  if (every) return every.slice(`${about}every statistic is null: `.length);
  const none = notes.find((n) => n.startsWith('Every statistic is null: '));
  return none ? none.slice('Every statistic is null: '.length).replace(/\.$/, '') : 'the data does not define it';
}

/** One row of the page's table: each figure, or "not defined" with the reason. */
function shownFigures(figures: ReliabilityFigures, notes: string[], about: string) {
  return FIGURES.map(({ key, name, heading }) => {
    const value = figures[key];
    return value === null
      ? { heading, value: null, shown: 'not defined', reason: reasonFor(notes, about, name) }
      : { heading, value, shown: value.toFixed(3), reason: null };
  });
}

/** Reliability of the programme's coding, over the sources coders marked done, by the functions in src/stats. */
export function createReliability({ db }: AnalysisContext) {
  /**
   * The codings as `waymark irr --multi` reads them: unit = the source's id, coder = the coder's name (made
   * unique), code = the code's path. Only sources marked done count, and only the codings of the coders who marked
   * them done; a coder who marked a source done with no code on it gives a row with an empty code.
   */
  async function irrRows(programmeId: string): Promise<IrrRow[]> {
    const u = await loadUnits(db, programmeId);
    const rows: IrrRow[] = [];
    for (const unit of u.units)
      for (const coder of unit.coders) {
        const applied = [...unit.byCode].filter(([, byCoder]) => byCoder.has(coder.id)).map(([id]) => u.codes.get(id)!);
        applied.sort((x, y) => x.label.localeCompare(y.label));
        if (applied.length === 0) rows.push({ unit: unit.sourceId, coder: coder.label, code: null });
        for (const code of applied) rows.push({ unit: unit.sourceId, coder: coder.label, code: code.label });
      }
    return rows;
  }

  return {
    irrRows,

    /** The reliability report (per code and pooled), straight from src/stats. */
    async reliabilityReport(programmeId: string): Promise<ReliabilityReport> {
      return multiCodeReport(multiCodingsOf(await irrRows(programmeId)));
    },

    /** The report as the page shows it: each figure or "not defined" with the reason, overall and per code. */
    async reliability(programmeId: string) {
      const report = multiCodeReport(multiCodingsOf(await irrRows(programmeId)));
      return {
        report,
        headings: FIGURES.map((f) => f.heading),
        /** The report's notes, in the page's words: a null figure is "not defined". */
        notes: report.notes.map((n) => n.replace(/\bis null\b/g, 'is not defined')),
        overall: shownFigures(report.overall, report.notes, 'overall, '),
        codes: Object.entries(report.codes ?? {}).map(([code, figures]) => ({
          code,
          figures: shownFigures(figures, report.notes, `code "${code}", `),
        })),
      };
    },

    /** The codings CSV (`unit,coder,code`) to reproduce the figures with `waymark irr --multi`. */
    async reliabilityCsv(programmeId: string): Promise<string> {
      const rows = await irrRows(programmeId);
      return writeCsv([['unit', 'coder', 'code'], ...rows.map((r) => [r.unit, r.coder, r.code ?? ''])]);
    },
  };
}
