import { cohenKappa, fleissKappa, percentAgreement } from './reliability';
import { krippendorffAlpha, type Level } from './reliability-alpha';
import {
  noPairsReason,
  pairableCount,
  tally,
  tallyBinary,
  type Codings,
  type MultiCodings,
  type Stat,
  type Tally,
} from './reliability-data';

/** The four figures reported for one variable; null where the data does not define one (a note says why). */
export interface ReliabilityFigures {
  percentAgreement: number | null;
  cohenKappa: number | null;
  fleissKappa: number | null;
  krippendorffAlpha: number | null;
}

export interface ReliabilityReport {
  /** Units in the data, whether or not two coders coded them. */
  units: number;
  coders: number;
  level: Level;
  overall: ReliabilityFigures;
  /** Multi-code data only: the figures for each code as applied / not applied. */
  codes?: Record<string, ReliabilityFigures>;
  /** The unit of analysis first, then why any figure is null and anything else the reader must know. */
  notes: string[];
}

const NAMES: Record<keyof ReliabilityFigures, string> = {
  percentAgreement: 'percent agreement',
  cohenKappa: "Cohen's κ",
  fleissKappa: "Fleiss' κ",
  krippendorffAlpha: "Krippendorff's α",
};

const NONE: ReliabilityFigures = {
  percentAgreement: null,
  cohenKappa: null,
  fleissKappa: null,
  krippendorffAlpha: null,
};

/** The four statistics of one data set, each note prefixed with what it is about and collected in `notes`. */
function figures(data: Tally, level: Level, about: string, notes: string[]): ReliabilityFigures {
  const none = noPairsReason(data);
  if (none) {
    notes.push(`${about}every statistic is null: ${none}`);
    return { ...NONE };
  }
  const stats: Record<keyof ReliabilityFigures, Stat> = {
    percentAgreement: percentAgreement(data),
    cohenKappa: cohenKappa(data),
    fleissKappa: fleissKappa(data),
    krippendorffAlpha: krippendorffAlpha(data, level),
  };
  for (const [key, stat] of Object.entries(stats) as [keyof ReliabilityFigures, Stat][])
    if (stat.note) notes.push(`${about}${NAMES[key]}${stat.value === null ? ' is null' : ''}: ${stat.note}`);
  return {
    percentAgreement: stats.percentAgreement.value,
    cohenKappa: stats.cohenKappa.value,
    fleissKappa: stats.fleissKappa.value,
    krippendorffAlpha: stats.krippendorffAlpha.value,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The figures for data where each coder gives at most one value per unit. */
export function reliabilityReport(data: Codings, level: Level = 'nominal'): ReliabilityReport {
  const t = tally(data);
  const notes = [
    `Unit of analysis: the unit (one value per coder per unit); ${pairableCount(t)} of ${plural(data.size, 'unit')} were coded by two or more coders and enter the statistics.`,
  ];
  if (level !== 'nominal')
    notes.push(
      `Percent agreement, Cohen's κ and Fleiss' κ compare values as unordered categories; only Krippendorff's α uses the ${level} level.`,
    );
  const overall = figures(t, level, '', notes);
  return { units: data.size, coders: t.coders, level, overall, notes };
}

/**
 * Each code as a nominal variable with two values, applied (1) or not applied (0), given to a unit by every
 * coder who coded that unit; the figures for each code, and pooled figures over every unit × code pair.
 */
export function multiCodeReport(data: MultiCodings): ReliabilityReport {
  const codes = [...new Set([...data.values()].flatMap((coders) => [...coders.values()].flatMap((s) => [...s])))];
  codes.sort((a, b) => a.localeCompare(b));
  const { perCode, pooled } = tallyBinary(data, codes);
  const pairable = [...data.values()].filter((coders) => coders.size >= 2).length;
  const notes = [
    `Unit of analysis: for each code, the unit, with the code applied (1) or not applied (0) by each coder who coded the unit; the overall figures pool every unit × code pair (${plural(data.size, 'unit')} × ${plural(codes.length, 'code')}). ${pairable} of ${plural(data.size, 'unit')} were coded by two or more coders and enter the statistics.`,
  ];
  let overall: ReliabilityFigures = { ...NONE };
  if (codes.length === 0) notes.push('Every statistic is null: no code was applied to any unit.');
  else overall = figures(pooled, 'nominal', 'overall, ', notes);
  // fromEntries makes own properties, so a code named "__proto__" is just a code.
  const byCode: Record<string, ReliabilityFigures> = Object.fromEntries(
    codes.map((code, i) => [code, figures(perCode[i]!, 'nominal', `code "${code}", `, notes)]),
  );
  const coders = new Set([...data.values()].flatMap((c) => [...c.keys()]));
  return { units: data.size, coders: coders.size, level: 'nominal', overall, codes: byCode, notes };
}
