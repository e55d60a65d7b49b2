import { z } from 'zod';

/**
 * The in-memory shape of one framework version that every format reads and
 * writes. Waymark JSON is this shape as it is, so it loses nothing.
 */
export const ITEM_TYPES = ['domain', 'capability', 'statement', 'impact'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const MAPPING_KINDS = ['exact', 'related', 'extends'] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];
export const MAPPING_LABELS: Record<MappingKind, string> = {
  exact: 'Exact match',
  related: 'Related',
  extends: 'Extends',
};
/** How a mapping reads from the statement that maps ("Related to WM-CONSULTANT 1.2") … */
export const MAPPING_PHRASES: Record<MappingKind, string> = {
  exact: 'Exact match of',
  related: 'Related to',
  extends: 'Extends',
};
/** … and from the statement it maps onto ("LDA.1.1 … (extends this statement)"). */
export const MAPPED_FROM_PHRASES: Record<MappingKind, string> = {
  exact: 'an exact match of this statement',
  related: 'related to this statement',
  extends: 'extends this statement',
};
export const ITEM_TYPE_LABELS: Record<ItemType, string> = {
  domain: 'Domain',
  capability: 'Capability',
  statement: 'Statement',
  impact: 'Impact',
};

export const VERSION_STATUSES = ['draft', 'published', 'superseded'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];
export const VERSION_STATUS_LABELS: Record<VersionStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  superseded: 'Superseded',
};

/** A stage of practice a statement is expected at, as a version lists them. */
export type Stage = { key: string; label: string };

export const CONSULTANT_STAGES = [
  { key: 'advanced', label: 'Advanced practice level' },
  { key: 'transition', label: 'Transition from advanced to consultant practice' },
  { key: 'years-1-3', label: 'Years 1 to 3 in post' },
  { key: 'years-3-5', label: 'Years 3 to 5 in post' },
];

/** A JSON object as a CASE package had it: kept, not interpreted. */
const caseRecord = z.record(z.string(), z.unknown());

/**
 * What a CASE CFItem carries beyond Waymark's item, so an imported package
 * exports again as the package it was.
 */
export const itemCaseSchema = z.object({
  /** CFItem properties Waymark has no field for (CFItemType, uri, abbreviatedStatement, listEnumeration, dates…). */
  fields: caseRecord.default({}),
  /** The isChildOf association that placed the item under its parent, when it was not Waymark's own. */
  childOf: caseRecord.nullable().default(null),
  /** The package gave no usable humanCodingScheme, so Waymark made the code up; the export leaves humanCodingScheme out. */
  codeGenerated: z.boolean().default(false),
});
export type ItemCase = z.infer<typeof itemCaseSchema>;

/** What a CASE package carries beyond Waymark's version: CFDocument fields, definitions, and associations Waymark does not model. */
export const versionCaseSchema = z.object({
  document: caseRecord.default({}),
  definitions: z.record(z.string(), z.array(caseRecord)).default({}),
  associations: z.array(caseRecord).default([]),
  rubrics: z.array(caseRecord).default([]),
  extensions: caseRecord.nullable().default(null),
});
export type VersionCase = z.infer<typeof versionCaseSchema>;

/** Statements with no stage yet (an imported package had none) sit in this bucket until an editor assigns one. */
export const UNSTAGED_LABEL = 'Unstaged';
/** The stage filter's value for that bucket (a stage key cannot look like it: keys are lower-case). */
export const UNSTAGED_KEY = '_unstaged';

const key = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, numbers and hyphens');
const code = z.string().trim().min(1, 'has no code').max(40, 'code must be 40 characters or fewer');

export const frameworkItemSchema = z.object({
  identifier: z.uuid(),
  code,
  type: z.enum(ITEM_TYPES),
  parentCode: code.nullable(),
  text: z.string().trim().min(1, 'has no text').max(4000),
  description: z.string().max(4000).default(''),
  stage: key.nullable().default(null),
  area: z.string().trim().max(100).nullable().default(null),
  notes: z.string().max(4000).default(''),
  case: itemCaseSchema.nullish(),
});
export type FrameworkItem = z.infer<typeof frameworkItemSchema>;

export const frameworkDocSchema = z.object({
  format: z.literal('waymark-framework'),
  formatVersion: z.literal(1),
  framework: z.object({
    identifier: z.uuid(),
    shortName: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'short name must be letters, numbers and hyphens'),
    title: z.string().trim().min(1).max(300),
    publisher: z.string().trim().max(300).default(''),
    kind: z.enum(['core', 'area']).default('core'),
    area: z.string().trim().max(100).nullable().default(null),
    description: z.string().max(5000).default(''),
  }),
  version: z.object({
    label: z.string().trim().min(1).max(40),
    status: z.enum(VERSION_STATUSES).default('draft'),
    publishedAt: z.iso.date().nullable().default(null),
    /** When this version last changed; carried by every format so a round trip is exact. */
    changedAt: z.iso.datetime({ offset: true }),
    sourceNote: z.string().max(2000).default(''),
    licenceNote: z.string().max(2000).default(''),
  }),
  stages: z
    .array(z.object({ key, label: z.string().trim().min(1).max(200) }))
    .min(1, 'a framework needs at least one stage'),
  items: z.array(frameworkItemSchema),
  mappings: z
    .array(
      z.object({
        fromCode: code,
        toFramework: z.string().trim().min(1).max(40),
        toCode: code,
        kind: z.enum(MAPPING_KINDS),
      }),
    )
    .default([]),
  case: versionCaseSchema.nullish(),
});
export type FrameworkDoc = z.infer<typeof frameworkDocSchema>;

/** A problem found in an uploaded file, placed by line (CSV) or item (JSON, CASE). */
export interface ImportProblem {
  where: string;
  message: string;
}

export type ParseResult = { ok: true; doc: FrameworkDoc } | { ok: false; problems: ImportProblem[] };

export const FORMATS = ['case', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];
export const FORMAT_LABELS: Record<Format, string> = {
  case: '1EdTech CASE 1.1 JSON',
  csv: 'CSV',
  json: 'Waymark JSON',
};

/** The largest framework file Waymark reads, uploaded, pasted or sent to the API. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** What can have shaped a statement (its provenance), with the words pages use for each. */
export const PROVENANCE_SOURCES = {
  'delphi-item': 'Delphi item',
  theme: 'Theme',
  contribution: 'Workshop contribution',
  'consultation-response': 'Consultation response',
} as const;
export type ProvenanceSource = keyof typeof PROVENANCE_SOURCES;

/** Content that stands in for an official publication says so in its source note; pages then label it illustrative. */
export const isIllustrative = (version: { sourceNote: string }): boolean => /illustrative/i.test(version.sourceNote);
