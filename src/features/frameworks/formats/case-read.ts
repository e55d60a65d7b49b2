import {
  frameworkDocSchema,
  type FrameworkDoc,
  type ImportProblem,
  type MappingKind,
  type ParseResult,
} from '../model';
import { canonical } from '../order';
import { validateDoc } from '../validate';
import { arr, EXTENDS_GROUPING, obj, str, type Json } from './case';
import { isUuid } from '../../../platform/ids';

/**
 * Reading a CASE package and checking it, every problem named in CASE's terms: the JSON, the CFDocument,
 * each CFItem and CFAssociation (readCasePackage), then the framework made from it (checkDoc). How a
 * package becomes a Waymark framework is in case-import.ts.
 */

export interface CaseContext {
  defaultStages: { key: string; label: string }[];
  /** An item of a framework already in Waymark, by identifier: an exactMatchOf or isRelatedTo to it becomes a Waymark mapping. */
  knownItem?(identifier: string): { frameworkId: string; shortName: string; code: string } | undefined;
}

// What the CASE 1.1 package schema allows on each object.
const ITEM_KEYS = new Set([
  'identifier',
  'fullStatement',
  'alternativeLabel',
  'CFItemType',
  'uri',
  'humanCodingScheme',
  'listEnumeration',
  'abbreviatedStatement',
  'conceptKeywords',
  'conceptKeywordsURI',
  'notes',
  'subject',
  'subjectURI',
  'language',
  'educationLevel',
  'CFItemTypeURI',
  'licenseURI',
  'statusStartDate',
  'statusEndDate',
  'lastChangeDateTime',
  'extensions',
]);
const DOC_KEYS = new Set([
  'identifier',
  'uri',
  'frameworkType',
  'caseVersion',
  'creator',
  'title',
  'lastChangeDateTime',
  'officialSourceURL',
  'publisher',
  'description',
  'subject',
  'subjectURI',
  'language',
  'version',
  'adoptionStatus',
  'statusStartDate',
  'statusEndDate',
  'licenseURI',
  'notes',
  'extensions',
]);
const ASSOC_KEYS = new Set([
  'identifier',
  'associationType',
  'sequenceNumber',
  'uri',
  'originNodeURI',
  'destinationNodeURI',
  'CFAssociationGroupingURI',
  'lastChangeDateTime',
  'notes',
  'extensions',
]);

/** PostgreSQL stores UUIDs lower-case, so references are compared lower-case too. */
export const lowerId = (v: string) => (isUuid(v) ? v.toLowerCase() : v);
const normaliseLink = (v: unknown) =>
  obj(v).identifier ? { ...obj(v), identifier: lowerId(str(obj(v).identifier)) } : v;

/**
 * The properties the CASE 1.1 package schema allows. CASE 1.0's CFDocumentURI
 * and CFPackageURI go (in a package the document is the package); anything
 * else unknown moves under `extensions`, so nothing is lost and the export stays valid.
 */
function tidy(o: Json, allowed: Set<string>): Json {
  const out: Json = {};
  const extra: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'CFDocumentURI' || k === 'CFPackageURI') continue;
    if (allowed.has(k)) out[k] = v;
    else extra[k] = v;
  }
  if (Object.keys(extra).length) out.extensions = { ...obj(out.extensions), ...extra };
  return out;
}

/** A package as read: its parts, tidied, and the problems found in them so far. */
export interface CasePackage {
  raw: Json;
  /** The CFDocument, tidied, and its identifier (lower case). */
  document: Json;
  docId: string;
  /** The CFDocument's extensions.waymark (empty for a package from elsewhere). */
  docExt: Json;
  definitions: Json;
  /** Waymark's stage concepts (CFConcepts), in order, and what names each stage. */
  stageConcepts: Json[];
  stages: { key: string; label: string }[];
  stageByConcept: Map<string, string>;
  stageByLabel: Map<string, string>;
  /** CFItems by identifier, tidied, and their identifiers in file order. */
  byId: Map<string, Json>;
  fileOrder: string[];
  /** The isChildOf that places each item, by the item's identifier. */
  parentEdge: Map<string, Json>;
  /** Associations kept as they were, to be exported again. */
  kept: Json[];
  /** Associations that become mappings to other frameworks in Waymark. */
  found: { origin: string; kind: MappingKind; framework: string; code: string }[];
  problems: ImportProblem[];
}

/** Reads the package's parts; only a file that is not JSON or has no CFDocument stops here. */
export function readCasePackage(
  text: string,
  ctx: CaseContext,
): { ok: false; problems: ImportProblem[] } | { ok: true; pkg: CasePackage } {
  let raw: Json;
  try {
    raw = obj(JSON.parse(text));
  } catch (err) {
    return { ok: false, problems: [{ where: 'file', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  if (raw.CFPackage) raw = obj(raw.CFPackage);
  if (!raw.CFDocument)
    return {
      ok: false,
      problems: [
        {
          where: 'CFDocument',
          message:
            'the file has no CFDocument: is this a CASE package (CFPackage)? A package has one CFDocument with its CFItems and CFAssociations',
        },
      ],
    };
  const problems: ImportProblem[] = [];
  const d = tidy(obj(raw.CFDocument), DOC_KEYS);
  const docId = lowerId(str(d.identifier));
  if (!docId)
    problems.push({ where: 'CFDocument', message: 'has no identifier; give the CFDocument a UUID identifier' });
  else if (!isUuid(docId))
    problems.push({ where: 'CFDocument', message: `identifier "${docId}" is not a UUID; CASE identifiers are UUIDs` });
  if (!str(d.title).trim())
    problems.push({ where: 'CFDocument', message: 'has no title; give the CFDocument a title' });
  const docExt = obj(obj(d.extensions).waymark);
  const isWaymark = Object.keys(docExt).length > 0;
  const definitions = obj(raw.CFDefinitions);

  // Stages: Waymark's stage concepts only; other packages' concepts are topics, kept as they are.
  const concepts = arr(definitions.CFConcepts);
  const marked = concepts.some((c) => obj(obj(c.extensions).waymark).stage === true);
  const stageConcepts = concepts
    .filter((c) => (marked ? obj(obj(c.extensions).waymark).stage === true : isWaymark && !!str(c.keywords)))
    .sort((a, b) => Number(a.hierarchyCode) - Number(b.hierarchyCode));
  const stages = stageConcepts.map((c) => ({ key: str(c.keywords), label: str(c.title) || str(c.keywords) }));
  const stageByConcept = new Map(stageConcepts.map((c) => [lowerId(str(c.identifier)), str(c.keywords)]));
  const stageByLabel = new Map(stageConcepts.map((c) => [str(c.title).toLowerCase(), str(c.keywords)]));

  // Items.
  const byId = new Map<string, Json>();
  const fileOrder: string[] = [];
  arr(raw.CFItems).forEach((it0, n) => {
    const it = tidy(it0, ITEM_KEYS);
    const id = lowerId(str(it.identifier));
    const at = `CFItem ${n + 1}${str(it.humanCodingScheme) ? ` (${str(it.humanCodingScheme)})` : ''}`;
    if (!id) return problems.push({ where: at, message: 'has no identifier; give every CFItem a UUID identifier' });
    if (!isUuid(id))
      problems.push({ where: at, message: `identifier "${id}" is not a UUID; CASE identifiers are UUIDs` });
    if (byId.has(id))
      return problems.push({
        where: at,
        message: `identifier ${id} is used by another CFItem too; every CFItem needs its own identifier`,
      });
    if (!str(it.fullStatement).trim())
      problems.push({ where: at, message: 'has no fullStatement; every CFItem needs the text of its statement' });
    byId.set(id, { ...it, identifier: id });
    fileOrder.push(id);
  });

  // Associations: the first isChildOf places an item; mappings to Waymark frameworks become mappings; the rest are kept.
  const parentEdge = new Map<string, Json>();
  const kept: Json[] = [];
  const found: { origin: string; kind: MappingKind; framework: string; code: string }[] = [];
  arr(raw.CFAssociations).forEach((a0, n) => {
    const a = tidy(a0, ASSOC_KEYS);
    const at = `CFAssociation ${n + 1}${str(a.associationType) ? ` (${str(a.associationType)})` : ''}`;
    a.originNodeURI = normaliseLink(a.originNodeURI);
    a.destinationNodeURI = normaliseLink(a.destinationNodeURI);
    if (a.identifier) a.identifier = lowerId(str(a.identifier));
    const type = str(a.associationType);
    const origin = str(obj(a.originNodeURI).identifier);
    const dest = obj(a.destinationNodeURI);
    const destId = str(dest.identifier);
    const missing = [
      !a.identifier && 'identifier',
      !type && 'associationType',
      !origin && 'originNodeURI with an identifier',
      !destId && 'destinationNodeURI with an identifier',
    ].filter(Boolean);
    if (missing.length)
      return problems.push({
        where: at,
        message: `has no ${missing.join(', ')}; every CFAssociation needs an identifier, an associationType and the identifiers of both nodes`,
      });
    if (type === 'isChildOf' && byId.has(origin) && (destId === docId || byId.has(destId)) && !parentEdge.has(origin))
      return parentEdge.set(origin, a);
    if ((type === 'exactMatchOf' || type === 'isRelatedTo') && byId.has(origin)) {
      const w = /^urn:waymark:([^:]+):(.+)$/.exec(str(dest.uri));
      const known = w ? undefined : ctx.knownItem?.(destId);
      if (w || (known && known.frameworkId !== docId)) {
        const kind: MappingKind =
          type === 'exactMatchOf'
            ? 'exact'
            : str(obj(a.CFAssociationGroupingURI).title) === EXTENDS_GROUPING
              ? 'extends'
              : 'related';
        found.push({
          origin,
          kind,
          framework: w ? decodeURIComponent(w[1]!) : known!.shortName,
          code: w ? decodeURIComponent(w[2]!) : known!.code,
        });
        return;
      }
    }
    kept.push(a);
  });

  return {
    ok: true,
    pkg: {
      raw,
      document: d,
      docId,
      docExt,
      definitions,
      stageConcepts,
      stages,
      stageByConcept,
      stageByLabel,
      byId,
      fileOrder,
      parentEdge,
      kept,
      found,
      problems,
    },
  };
}

const FIELD_NAMES: Record<string, string> = {
  text: 'fullStatement',
  code: 'humanCodingScheme',
  identifier: 'identifier',
  description: 'extensions.waymark.description',
  notes: 'notes',
  title: 'title',
  label: 'version',
  shortName: 'extensions.waymark.shortName',
  publishedAt: 'statusStartDate',
  changedAt: 'lastChangeDateTime',
};

/**
 * Checks the framework made from a package against Waymark's rules, adding each problem to those found
 * while reading, placed by `placeOf` (an item's code, or its identifier when the code was made up).
 */
export function checkDoc(
  doc: FrameworkDoc,
  placeOf: (index: number) => string,
  problems: ImportProblem[],
): ParseResult {
  const parsed = frameworkDocSchema.safeParse(doc);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [section, index, field] = issue.path;
      const where = section === 'items' && typeof index === 'number' ? placeOf(index) : 'CFDocument';
      const name = FIELD_NAMES[String(section === 'items' ? field : index)] ?? issue.path.join('.');
      // Empty text and identifiers that are not UUIDs are already reported, in CASE's words, by readCasePackage.
      const reported =
        (section === 'items' && (field === 'identifier' || (field === 'text' && !doc.items[index as number]?.text))) ||
        (section === 'framework' && (index === 'identifier' || (index === 'title' && !doc.framework.title)));
      if (!reported) {
        problems.push({ where, message: `${name}: ${issue.message}` });
      }
    }
  }
  problems.push(...validateDoc(doc, placeOf, 'case'));
  return problems.length || !parsed.success ? { ok: false, problems } : { ok: true, doc: canonical(parsed.data) };
}
