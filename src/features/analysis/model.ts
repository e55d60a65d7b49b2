import type { SourceAttributes } from './tables';

export type { SourceAttributes } from './tables';

/** The kinds of source, in the order the pages list them, with their names in words. */
export const SOURCE_KINDS = [
  'workshop-note',
  'workshop-transcript',
  'delphi-comment',
  'delphi-reason',
  'delphi-suggestion',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const SOURCE_KIND_LABELS: Record<SourceKind, string> = {
  'workshop-note': 'Workshop note',
  'workshop-transcript': 'Workshop transcript or meeting notes',
  'delphi-comment': 'Delphi comment',
  'delphi-reason': 'Delphi reason',
  'delphi-suggestion': 'Delphi round-0 suggestion',
};

/**
 * One record of material as the workshops and Delphi services give it for analysis: the text
 * exactly as entered, what is known about it, and when it was written and last changed.
 */
export interface MaterialRecord {
  kind: SourceKind;
  originId: string;
  title: string;
  text: string;
  attributes: SourceAttributes;
  contributorKey: string | null;
  quotable: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Where the material comes from: one provider per feature (app.ts passes the workshops and Delphi services). */
export interface MaterialProvider {
  /** A cheap summary (counts and latest times) that changes whenever the material does. */
  analysisFingerprint(programmeId: string): Promise<string>;
  /** Every record of material the programme holds now (withdrawn records are left out). */
  analysisMaterial(programmeId: string): Promise<MaterialRecord[]>;
}

export interface AnalysisDeps {
  providers: MaterialProvider[];
}
