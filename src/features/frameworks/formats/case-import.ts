import { isDeepStrictEqual } from 'node:util';
import {
  frameworkDocSchema,
  ITEM_TYPES,
  type FrameworkDoc,
  type FrameworkItem,
  type ImportProblem,
  type ItemType,
  type MappingKind,
  type ParseResult,
  type VersionCase,
} from '../model';
import { canonical } from '../order';
import { validateDoc } from '../validate';
import {
  arr,
  CASE_TO_STATUS,
  cfItemOf,
  childEdgeOf,
  documentOf,
  EXTENDS_GROUPING,
  itemRef,
  obj,
  ownDefinitions,
  stageRefs,
  str,
  type Json,
  type NodeRef,
} from './case';
import { isUuid } from '../../../platform/ids';

/**
 * Reads any CASE 1.0 or 1.1 package, not only Waymark's own:
 *
 * - any CFItemType: an item keeps its own type (written back on export) and
 *   takes a Waymark kind from where it sits — top-level items are domains,
 *   items with children capabilities (nesting to any depth), the rest
 *   statements. Waymark's own packages say the kind in `extensions.waymark.type`,
 *   or use the types Domain, Capability, Statement and Impact throughout;
 * - items without a humanCodingScheme (or with one used twice, or longer than
 *   40 characters) get a code made from their place, e.g. 2.3.1;
 * - statements with no stage (a package from elsewhere has none) go to the
 *   unstaged bucket, where an editor gives them one;
 * - the first isChildOf of an item places it; every other association (a
 *   second parent, exactMatchOf, precedes, exemplar, isRelatedTo, isPeerOf,
 *   replacedBy, ext: types…) is kept as it was and exported again, as are the
 *   item and association identifiers, URIs, abbreviatedStatement,
 *   listEnumeration, dates, creator, publisher and definitions;
 * - exactMatchOf and isRelatedTo to an item of another framework in Waymark
 *   become that framework's mappings.
 *
 * Every problem is reported at once, named in CASE's terms.
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
const DEFINITION_LISTS = ['CFConcepts', 'CFSubjects', 'CFLicenses', 'CFItemTypes', 'CFAssociationGroupings'];
const WAYMARK_TYPE_NAMES = new Set<string>(ITEM_TYPES);

/** PostgreSQL stores UUIDs lower-case, so references are compared lower-case too. */
const lowerId = (v: string) => (isUuid(v) ? v.toLowerCase() : v);
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

/** The entries of `given` that Waymark would not write the same from its own fields: what must be kept for the export. */
function keepDiff(given: Json, generated: Json, owned: string[]): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(given)) {
    if (owned.includes(k)) continue;
    if (k === 'extensions') {
      const { waymark: _own, ...rest } = obj(v);
      if (Object.keys(rest).length) out.extensions = rest;
      continue;
    }
    if (!isDeepStrictEqual(v, generated[k])) out[k] = v;
  }
  return out;
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

export function fromCase(text: string, ctx: CaseContext): ParseResult {
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

  // The tree: children in sequenceNumber order (file order where there is none), walked depth first.
  const parentOf = (id: string): string | null => {
    const destId = str(obj(parentEdge.get(id)?.destinationNodeURI).identifier);
    return destId && destId !== docId ? destId : null;
  };
  const seqOf = (id: string) => {
    const s = parentEdge.get(id)?.sequenceNumber;
    return typeof s === 'number' ? s : Number.POSITIVE_INFINITY;
  };
  const children = new Map<string | null, string[]>();
  for (const id of fileOrder) children.set(parentOf(id), [...(children.get(parentOf(id)) ?? []), id]);
  for (const list of children.values())
    list.sort((a, b) => seqOf(a) - seqOf(b) || fileOrder.indexOf(a) - fileOrder.indexOf(b));
  const depthOrder: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    depthOrder.push(id);
    for (const c of children.get(id) ?? []) visit(c);
  };
  for (const id of children.get(null) ?? []) visit(id);
  for (const id of fileOrder) if (!seen.has(id)) depthOrder.push(id); // in a loop: validation reports it

  // Kinds and codes.
  const extOf = (id: string) => obj(obj(byId.get(id)!.extensions).waymark);
  const allWaymarkTypes = fileOrder.every((id) => WAYMARK_TYPE_NAMES.has(str(byId.get(id)!.CFItemType).toLowerCase()));
  const typeOf = (id: string): ItemType => {
    const own = str(extOf(id).type);
    if ((ITEM_TYPES as readonly string[]).includes(own)) return own as ItemType;
    if (allWaymarkTypes) return str(byId.get(id)!.CFItemType).toLowerCase() as ItemType;
    if (parentOf(id) === null) return 'domain';
    return children.get(id)?.length ? 'capability' : 'statement';
  };
  const codes = new Map<string, string>();
  const generated = new Set<string>();
  const used = new Set<string>();
  for (const id of depthOrder) {
    const given = str(extOf(id).code) || str(byId.get(id)!.humanCodingScheme).trim();
    if (given && given.length <= 40 && !used.has(given)) {
      codes.set(id, given);
      used.add(given);
      if (str(extOf(id).code)) generated.add(id);
    }
  }
  for (const id of depthOrder) {
    if (codes.has(id)) continue;
    const parent = parentOf(id);
    const prefix = parent && codes.get(parent) ? `${codes.get(parent)}.` : '';
    let n = (children.get(parent) ?? []).indexOf(id) + 1;
    let code = `${prefix}${n}`;
    while (used.has(code)) code = `${prefix}${++n}`;
    if (code.length > 40) code = `item-${id.slice(0, 8)}`;
    codes.set(id, code);
    used.add(code);
    generated.add(id);
  }

  const stageOf = (it: Json, id: string): string | null =>
    str(extOf(id).stage) ||
    stageByConcept.get(lowerId(str(obj(it.conceptKeywordsURI).identifier))) ||
    stageByLabel.get(
      str(Array.isArray(it.conceptKeywords) ? it.conceptKeywords[0] : it.conceptKeywords).toLowerCase(),
    ) ||
    null;
  const items: FrameworkItem[] = depthOrder.map((id) => {
    const it = byId.get(id)!;
    const parent = parentOf(id);
    return {
      identifier: id,
      code: codes.get(id)!,
      type: typeOf(id),
      parentCode: parent ? (codes.get(parent) ?? parent) : null,
      text: str(it.fullStatement).trim(),
      description: str(extOf(id).description),
      stage: stageOf(it, id),
      area: str(extOf(id).area) || null,
      notes: str(it.notes),
    };
  });

  const licence = arr(definitions.CFLicenses).find(
    (l) => lowerId(str(l.identifier)) === lowerId(str(obj(d.licenseURI).identifier)),
  );
  // Only Waymark's own packages name an area; another package's subject is a topic, kept as it is.
  const area = str(docExt.area) || null;
  const changed = str(d.lastChangeDateTime);
  const shortName =
    str(docExt.shortName) ||
    str(d.title)
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, 40)
      .replace(/-+$/, '') ||
    'framework';
  const base: FrameworkDoc = {
    format: 'waymark-framework',
    formatVersion: 1,
    framework: {
      identifier: docId,
      shortName,
      title: str(d.title).trim(),
      publisher: str(d.publisher) || str(d.creator),
      kind: str(docExt.kind) === 'area' || (!docExt.kind && area) ? 'area' : 'core',
      area,
      description: str(d.description),
    },
    version: {
      label: str(d.version).trim() || '1',
      status: CASE_TO_STATUS[str(d.adoptionStatus).toLowerCase()] ?? 'draft',
      publishedAt: /^\d{4}-\d{2}-\d{2}/.test(str(d.statusStartDate)) ? str(d.statusStartDate).slice(0, 10) : null,
      // A date-time without a time zone (seen in CASE 1.0 packages) is read as UTC.
      changedAt: !changed
        ? new Date(0).toISOString()
        : /(Z|[+-]\d{2}:?\d{2})$/.test(changed)
          ? changed
          : new Date(`${changed}Z`).toISOString(),
      sourceNote: str(d.notes),
      licenceNote: licence && str(licence.licenseText) !== 'Not stated' ? str(licence.licenseText) : '',
    },
    stages: stages.length ? stages : ctx.defaultStages,
    items,
    mappings: found.map((m) => ({
      fromCode: codes.get(m.origin)!,
      toFramework: m.framework,
      toCode: m.code,
      kind: m.kind,
    })),
  };

  // Keep what Waymark would not write the same from its own fields.
  const stagesRef = stageRefs(base);
  const byCode = new Map(items.map((i) => [i.code, i]));
  const docRef: NodeRef = {
    title: base.framework.title,
    identifier: docId,
    uri: str(d.uri) || str(documentOf(base).uri),
  };
  const withCase = items.map((item) => {
    const it = byId.get(item.identifier)!;
    const codeGenerated = generated.has(item.identifier);
    const fields = keepDiff(it, cfItemOf(base, item, stagesRef), [
      'identifier',
      'fullStatement',
      'notes',
      ...(codeGenerated ? [] : ['humanCodingScheme']),
    ]);
    const edge = parentEdge.get(item.identifier);
    const parent = item.parentCode ? byCode.get(item.parentCode) : undefined;
    const destination = parent ? itemRef(parent) : docRef;
    const own = edge ? childEdgeOf(base, item, destination, undefined) : undefined;
    const childOf =
      edge && own && Object.keys(keepDiff(edge, own, ['originNodeURI', 'destinationNodeURI', 'sequenceNumber'])).length
        ? edge
        : null;
    return Object.keys(fields).length || childOf || codeGenerated
      ? { ...item, case: { fields, childOf, codeGenerated } }
      : item;
  });
  const ownIds = new Set(Object.values(ownDefinitions(base)).flatMap((list) => list.map((x) => str(x.identifier))));
  const keptDefinitions: Record<string, Json[]> = {};
  for (const k of DEFINITION_LISTS) {
    const list = arr(definitions[k]).filter(
      (x) => !ownIds.has(lowerId(str(x.identifier))) && !stageConcepts.includes(x),
    );
    if (list.length) keptDefinitions[k] = list;
  }
  const versionCase: VersionCase = {
    document: keepDiff(d, documentOf(base), [
      'identifier',
      'title',
      'lastChangeDateTime',
      'version',
      'statusStartDate',
      'notes',
      'description',
      'caseVersion',
      'publisher',
    ]),
    definitions: keptDefinitions,
    associations: kept,
    rubrics: arr(raw.CFRubrics),
    extensions: raw.extensions ? obj(raw.extensions) : null,
  };
  const hasCase =
    Object.keys(versionCase.document).length ||
    Object.keys(keptDefinitions).length ||
    kept.length ||
    versionCase.rubrics.length ||
    versionCase.extensions;
  const doc: FrameworkDoc = { ...base, items: withCase, ...(hasCase ? { case: versionCase } : {}) };

  const placeOf = (i: number) => {
    const item = doc.items[i]!;
    return generated.has(item.identifier)
      ? `CFItem ${item.identifier} ("${item.text.slice(0, 40)}")`
      : `CFItem ${item.code}`;
  };
  const parsed = frameworkDocSchema.safeParse(doc);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [section, index, field] = issue.path;
      const where = section === 'items' && typeof index === 'number' ? placeOf(index) : 'CFDocument';
      const name = FIELD_NAMES[String(section === 'items' ? field : index)] ?? issue.path.join('.');
      // Empty text and identifiers that are not UUIDs are already reported above in CASE's words.
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
