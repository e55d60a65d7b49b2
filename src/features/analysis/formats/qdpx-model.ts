/**
 * REFI-QDA project exchange (`.qdpx`): the plain project Waymark reads and writes, and what both sides share.
 *
 * A `.qdpx` is a ZIP holding `project.qde` (XML, namespace urn:QDA-XML:project:1.0, checked against the
 * standard's Project-mrt2019.xsd, vendored in test/fixtures/refi-qda/) and `Sources/` with each text source as
 * UTF-8 plain text, referenced from the XML as plainTextPath="internal://<file>".
 *
 * Offsets: a PlainTextSelection's startPosition/endPosition are offsets into the source's plain text in Unicode
 * code points, half-open [start, end) (QualCoder writes Python string indices, which are code points; the XSD
 * itself says only xsd:integer). Waymark's spans are code points too (spans.ts), so the numbers pass through
 * unchanged and are checked against the text's length in code points (cpLength) both ways.
 *
 * GUIDs are read in any of the standard's forms ({…}, either case) and given back lower case without braces, so
 * they can be used as UUIDs.
 */

/** The project file's XML namespace. */
export const QDPX_NAMESPACE = 'urn:QDA-XML:project:1.0';

/** What one project may hold (beyond the unpack limits on the ZIP itself). */
export const QDPX_LIMITS = { codes: 5000, depth: 20, selections: 200_000, notes: 50_000, cases: 50_000 } as const;

export interface QdaUser {
  guid: string;
  name: string;
}

export interface QdaCode {
  guid: string;
  name: string;
  /** #rrggbb (lower case), or null. */
  colour: string | null;
  /** The Description's exact text; '' when there is none. */
  description: string;
  /** isCodable: false for a code that only groups others. */
  codable: boolean;
  /** Memos on the code (NoteRef). */
  noteGuids: string[];
  children: QdaCode[];
}

/** One code applied by one coder, to a selection or (on the source itself) to the whole source. */
export interface QdaCoding {
  guid: string;
  codeGuid: string;
  /** creatingUser: the coder's User guid, or null when the file does not say. */
  coderGuid: string | null;
  /** creationDateTime (xsd:dateTime) or null. */
  createdAt: string | null;
  noteGuids: string[];
}

/** A span of a text source: [start, end) in Unicode code points. */
export interface QdaSelection {
  guid: string;
  name: string;
  start: number;
  end: number;
  coderGuid: string | null;
  createdAt: string | null;
  codings: QdaCoding[];
  noteGuids: string[];
}

export interface QdaSource {
  guid: string;
  name: string;
  description: string;
  /** The plain text exactly as stored (stored in the ZIP as Sources/<guid>.txt, UTF-8). */
  text: string;
  coderGuid: string | null;
  createdAt: string | null;
  selections: QdaSelection[];
  /** Codings of the whole source. */
  codings: QdaCoding[];
  noteGuids: string[];
}

/** A memo: the standard's Note (a text), pointed at by NoteRefs on the project, codes, sources, selections, codings. */
export interface QdaNote {
  guid: string;
  name: string;
  text: string;
  authorGuid: string | null;
  createdAt: string | null;
}

export const VARIABLE_TYPES = ['Text', 'Boolean', 'Integer', 'Float', 'Date', 'DateTime'] as const;
export type QdaVariableType = (typeof VARIABLE_TYPES)[number];

/** An attribute of cases (for Waymark: an attribute of participants, e.g. area or stakeholder type). */
export interface QdaVariable {
  guid: string;
  name: string;
  type: QdaVariableType;
  description: string;
}

export interface QdaVariableValue {
  variableGuid: string;
  /** The value as the XML writes it (e.g. "true", "42", "2025-03-01"), or null when the case has none. */
  value: string | null;
}

/** A case: for Waymark, a participant (a pseudonymous contributor), their attributes and the sources they wrote. */
export interface QdaCase {
  guid: string;
  name: string;
  description: string;
  values: QdaVariableValue[];
  sourceGuids: string[];
}

export interface QdaProject {
  name: string;
  description: string;
  users: QdaUser[];
  codes: QdaCode[];
  variables: QdaVariable[];
  cases: QdaCase[];
  sources: QdaSource[];
  notes: QdaNote[];
  /** Memos on the project as a whole. */
  noteGuids: string[];
}

export interface QdpxReadResult {
  project: QdaProject;
  /** The origin attribute (the tool that wrote the file), or null. */
  origin: string | null;
  /** What was read but not carried (PDF, picture, audio and video sources, sets, links, graphs, …). */
  notes: string[];
}

/** A project file Waymark refuses to read or write; the message says what is wrong. Nothing is half-read. */
export class QdpxError extends Error {
  override name = 'QdpxError';
}

export const GUID =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$/;

/** A GUID in one form: lower case, no braces. */
export const canonicalGuid = (guid: string): string => guid.replace(/[{}]/g, '').toLowerCase();

/** xsd:dateTime (with optional fraction and zone). */
export const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;

/** What a variable value must look like for its type (the XSD's xsd:boolean, integer, decimal, date, dateTime). */
export const VALUE_PATTERNS: Record<QdaVariableType, RegExp> = {
  Text: /^[\s\S]*$/,
  Boolean: /^(?:true|false|1|0)$/,
  Integer: /^[+-]?\d+$/,
  Float: /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/,
  Date: /^-?\d{4,}-\d{2}-\d{2}(?:Z|[+-]\d{2}:\d{2})?$/,
  DateTime: DATE_TIME,
};
