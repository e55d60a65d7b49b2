import { isDeepStrictEqual } from 'node:util';
import {
  ITEM_TYPES,
  type FrameworkDoc,
  type FrameworkItem,
  type ItemType,
  type ParseResult,
  type VersionCase,
} from '../model';
import {
  arr,
  CASE_TO_STATUS,
  cfItemOf,
  childEdgeOf,
  documentOf,
  itemRef,
  obj,
  ownDefinitions,
  stageRefs,
  str,
  type Json,
  type NodeRef,
} from './case';
import { checkDoc, lowerId, readCasePackage, type CaseContext } from './case-read';

export type { CaseContext } from './case-read';

const DEFINITION_LISTS = ['CFConcepts', 'CFSubjects', 'CFLicenses', 'CFItemTypes', 'CFAssociationGroupings'];
const WAYMARK_TYPE_NAMES = new Set<string>(ITEM_TYPES);

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
export function fromCase(text: string, ctx: CaseContext): ParseResult {
  const read = readCasePackage(text, ctx);
  if (!read.ok) return read;
  const {
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
  } = read.pkg;

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
  return checkDoc(doc, placeOf, problems);
}
