import type { FrameworkDoc, FrameworkItem, ImportProblem, ItemType, MappingKind, ParseResult, VersionStatus } from '../model';
import { canonical, nameUuid } from '../order';
import { validateDoc } from '../validate';

/**
 * 1EdTech CASE 1.1 JSON (a CFPackage). How Waymark's extra meaning travels:
 *
 * - hierarchy: `isChildOf` associations (top-level items are children of the
 *   CFDocument), ordered by `sequenceNumber`, so any CASE consumer reads the tree;
 * - item kinds: CFItemType "Domain", "Capability", "Statement", "Impact",
 *   each defined in CFDefinitions.CFItemTypes;
 * - stages: one CFConcept per stage (keywords = the stage key, hierarchyCode =
 *   its order); a statement names its stage in `conceptKeywords` and
 *   `conceptKeywordsURI`;
 * - area frameworks and item areas: CFDocument `subject` and `frameworkType`,
 *   plus `extensions.waymark` on the document and items;
 * - mappings: `exactMatchOf` (exact) and `isRelatedTo` (related); "extends"
 *   is `isRelatedTo` inside the CFAssociationGrouping titled "Extends".
 *   The other framework's item is named by the URI urn:waymark:SHORTNAME:CODE.
 */

interface NodeRef {
  title: string;
  identifier: string;
  uri: string;
}

const TYPE_TITLES: Record<ItemType, string> = { domain: 'Domain', capability: 'Capability', statement: 'Statement', impact: 'Impact' };
const STATUS_TO_CASE: Record<VersionStatus, string> = { draft: 'Draft', published: 'Adopted', superseded: 'Deprecated' };
const CASE_TO_STATUS: Record<string, VersionStatus> = { draft: 'draft', adopted: 'published', deprecated: 'superseded' };
const EXTENDS_GROUPING = 'Extends';

const urn = (id: string) => `urn:uuid:${id}`;
const externalUri = (framework: string, code: string) => `urn:waymark:${encodeURIComponent(framework)}:${encodeURIComponent(code)}`;

export function toCase(input: FrameworkDoc): string {
  const doc = canonical(input);
  const at = doc.version.changedAt;
  const docRef: NodeRef = { title: doc.framework.title, identifier: doc.framework.identifier, uri: urn(doc.framework.identifier) };
  const typeRef = (t: ItemType): NodeRef => {
    const identifier = nameUuid(`item-type:${t}`);
    return { title: TYPE_TITLES[t], identifier, uri: urn(identifier) };
  };
  const stageRef = new Map(
    doc.stages.map((s) => {
      const identifier = nameUuid(`${doc.framework.identifier}:stage:${s.key}`);
      return [s.key, { title: s.label, identifier, uri: urn(identifier) }];
    }),
  );
  const byCode = new Map(doc.items.map((i) => [i.code, i]));
  const itemRef = (i: FrameworkItem): NodeRef => ({ title: i.code, identifier: i.identifier, uri: urn(i.identifier) });
  const licenceId = nameUuid(`${doc.framework.identifier}:licence`);
  const extendsId = nameUuid(`${doc.framework.identifier}:grouping:extends`);

  const siblings = new Map<string | null, number>();
  const associations: Record<string, unknown>[] = [];
  for (const i of doc.items) {
    const parent = i.parentCode ? byCode.get(i.parentCode)! : null;
    const seq = (siblings.get(i.parentCode) ?? 0) + 1;
    siblings.set(i.parentCode, seq);
    const destination = parent ? itemRef(parent) : docRef;
    associations.push({
      identifier: nameUuid(`${i.identifier}:isChildOf:${destination.identifier}`),
      uri: urn(nameUuid(`${i.identifier}:isChildOf:${destination.identifier}`)),
      CFDocumentURI: docRef,
      associationType: 'isChildOf',
      sequenceNumber: seq,
      originNodeURI: itemRef(i),
      destinationNodeURI: destination,
      lastChangeDateTime: at,
    });
  }
  for (const m of doc.mappings) {
    const from = byCode.get(m.fromCode)!;
    const target = externalUri(m.toFramework, m.toCode);
    const id = nameUuid(`${from.identifier}:${m.kind}:${target}`);
    associations.push({
      identifier: id,
      uri: urn(id),
      CFDocumentURI: docRef,
      associationType: m.kind === 'exact' ? 'exactMatchOf' : 'isRelatedTo',
      ...(m.kind === 'extends' ? { CFAssociationGroupingURI: { title: EXTENDS_GROUPING, identifier: extendsId, uri: urn(extendsId) } } : {}),
      originNodeURI: itemRef(from),
      destinationNodeURI: { title: `${m.toFramework} ${m.toCode}`, identifier: nameUuid(target), uri: target },
      lastChangeDateTime: at,
    });
  }

  const pkg = {
    CFDocument: {
      identifier: doc.framework.identifier,
      uri: docRef.uri,
      creator: doc.framework.publisher || 'Unknown',
      title: doc.framework.title,
      lastChangeDateTime: at,
      publisher: doc.framework.publisher,
      description: doc.framework.description,
      ...(doc.framework.area ? { subject: [doc.framework.area] } : {}),
      language: 'en',
      version: doc.version.label,
      adoptionStatus: STATUS_TO_CASE[doc.version.status],
      ...(doc.version.publishedAt ? { statusStartDate: doc.version.publishedAt } : {}),
      notes: doc.version.sourceNote,
      licenseURI: { title: 'Licence', identifier: licenceId, uri: urn(licenceId) },
      frameworkType: doc.framework.kind === 'area' ? 'Area framework' : 'Core framework',
      extensions: { waymark: { shortName: doc.framework.shortName, kind: doc.framework.kind, area: doc.framework.area } },
    },
    CFItems: doc.items.map((i) => ({
      identifier: i.identifier,
      uri: urn(i.identifier),
      CFDocumentURI: docRef,
      fullStatement: i.text,
      humanCodingScheme: i.code,
      CFItemType: TYPE_TITLES[i.type],
      CFItemTypeURI: typeRef(i.type),
      ...(i.stage ? { conceptKeywords: [stageRef.get(i.stage)!.title], conceptKeywordsURI: stageRef.get(i.stage)! } : {}),
      notes: i.notes,
      language: 'en',
      lastChangeDateTime: at,
      extensions: { waymark: { stage: i.stage, area: i.area, description: i.description } },
    })),
    CFAssociations: associations,
    CFDefinitions: {
      CFItemTypes: (Object.keys(TYPE_TITLES) as ItemType[]).map((t) => ({
        ...typeRef(t),
        description: `Waymark ${t}`,
        hierarchyCode: t,
        typeCode: t,
        lastChangeDateTime: at,
      })),
      CFConcepts: doc.stages.map((s, n) => ({ ...stageRef.get(s.key)!, keywords: s.key, hierarchyCode: String(n + 1), description: s.label, lastChangeDateTime: at })),
      CFLicenses: [{ identifier: licenceId, uri: urn(licenceId), title: 'Licence', licenseText: doc.version.licenceNote || 'Not stated', lastChangeDateTime: at }],
      CFAssociationGroupings: doc.mappings.some((m) => m.kind === 'extends')
        ? [{ identifier: extendsId, uri: urn(extendsId), title: EXTENDS_GROUPING, description: 'The origin item extends the destination item', lastChangeDateTime: at }]
        : [],
      CFSubjects: [],
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Json[]) : []);

export interface CaseContext {
  defaultStages: { key: string; label: string }[];
}

export function fromCase(text: string, ctx: CaseContext): ParseResult {
  let raw: Json;
  try {
    raw = obj(JSON.parse(text));
  } catch (err) {
    return { ok: false, problems: [{ where: 'file', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  const problems: ImportProblem[] = [];
  const d = obj(raw.CFDocument);
  if (!d.identifier) return { ok: false, problems: [{ where: 'CFDocument', message: 'the package has no CFDocument with an identifier: is this a CASE CFPackage?' }] };
  const ext = obj(obj(d.extensions).waymark);
  const definitions = obj(raw.CFDefinitions);

  // Stages: CFConcepts in hierarchy order, each keyed by its keywords.
  const concepts = arr(definitions.CFConcepts).sort((a, b) => Number(a.hierarchyCode) - Number(b.hierarchyCode));
  const stages = concepts.filter((c) => str(c.keywords)).map((c) => ({ key: str(c.keywords), label: str(c.title) || str(c.keywords) }));
  const stageByConcept = new Map(concepts.map((c) => [str(c.identifier), str(c.keywords)]));
  const stageByLabel = new Map(concepts.map((c) => [str(c.title).toLowerCase(), str(c.keywords)]));

  const cfItems = arr(raw.CFItems);
  const codeById = new Map<string, string>();
  cfItems.forEach((it, n) => {
    const code = str(it.humanCodingScheme);
    if (!code) problems.push({ where: `CFItem ${n + 1} (${str(it.identifier) || 'no identifier'})`, message: 'has no humanCodingScheme, which Waymark uses as the statement number' });
    else codeById.set(str(it.identifier), code);
  });

  const parentOf = new Map<string, { parent: string | null; seq: number }>();
  const mappings: FrameworkDoc['mappings'] = [];
  for (const a of arr(raw.CFAssociations)) {
    const origin = str(obj(a.originNodeURI).identifier);
    const dest = obj(a.destinationNodeURI);
    const type = str(a.associationType);
    if (type === 'isChildOf') {
      const destId = str(dest.identifier);
      parentOf.set(origin, { parent: destId === str(d.identifier) ? null : destId, seq: Number(a.sequenceNumber ?? 0) });
    } else if ((type === 'exactMatchOf' || type === 'isRelatedTo') && codeById.has(origin)) {
      const m = /^urn:waymark:([^:]+):(.+)$/.exec(str(dest.uri));
      if (!m) continue; // a mapping to something outside Waymark's frameworks: kept by CASE, not by Waymark
      const kind: MappingKind = type === 'exactMatchOf' ? 'exact' : str(obj(a.CFAssociationGroupingURI).title) === EXTENDS_GROUPING ? 'extends' : 'related';
      mappings.push({ fromCode: codeById.get(origin)!, toFramework: decodeURIComponent(m[1]!), toCode: decodeURIComponent(m[2]!), kind });
    }
  }

  const items: FrameworkItem[] = [];
  const where: string[] = [];
  for (const it of cfItems) {
    const id = str(it.identifier);
    const code = codeById.get(id);
    if (!code) continue;
    const at = `CFItem ${code}`;
    const typeName = str(it.CFItemType).toLowerCase() as ItemType;
    if (!(typeName in TYPE_TITLES)) {
      problems.push({ where: at, message: `CFItemType "${str(it.CFItemType)}" is not one of Domain, Capability, Statement, Impact` });
      continue;
    }
    const itExt = obj(obj(it.extensions).waymark);
    const stage =
      str(itExt.stage) ||
      stageByConcept.get(str(obj(it.conceptKeywordsURI).identifier)) ||
      stageByLabel.get(str(Array.isArray(it.conceptKeywords) ? it.conceptKeywords[0] : it.conceptKeywords).toLowerCase()) ||
      null;
    const parentId = parentOf.get(id)?.parent ?? null;
    const parentCode = parentId === null ? null : (codeById.get(parentId) ?? `unknown item ${parentId}`);
    items.push({
      identifier: id,
      code,
      type: typeName,
      parentCode,
      text: str(it.fullStatement),
      description: str(itExt.description),
      stage,
      area: str(itExt.area) || null,
      notes: str(it.notes),
    });
    where.push(at);
  }
  // Siblings in sequence order, so the tree reads as the publisher ordered it.
  const seqOf = (i: FrameworkItem) => parentOf.get(i.identifier)?.seq ?? 0;
  const ordered = items.map((item, n) => ({ item, n })).sort((a, b) => seqOf(a.item) - seqOf(b.item) || a.n - b.n);

  const status = CASE_TO_STATUS[str(d.adoptionStatus).toLowerCase()] ?? 'draft';
  const licences = arr(definitions.CFLicenses);
  const licence = licences.find((l) => str(l.identifier) === str(obj(d.licenseURI).identifier));
  const area = str(ext.area) || (Array.isArray(d.subject) ? str(d.subject[0]) : '') || null;
  const doc: FrameworkDoc = {
    format: 'waymark-framework',
    formatVersion: 1,
    framework: {
      identifier: str(d.identifier),
      shortName: str(ext.shortName) || str(d.title).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'framework',
      title: str(d.title),
      publisher: str(d.publisher) || str(d.creator),
      kind: str(ext.kind) === 'area' || (!ext.kind && area) ? 'area' : 'core',
      area,
      description: str(d.description),
    },
    version: {
      label: str(d.version) || '1',
      status,
      publishedAt: str(d.statusStartDate) || null,
      changedAt: str(d.lastChangeDateTime) || new Date(0).toISOString(),
      sourceNote: str(d.notes),
      licenceNote: licence && str(licence.licenseText) !== 'Not stated' ? str(licence.licenseText) : '',
    },
    stages: stages.length ? stages : ctx.defaultStages,
    items: ordered.map((o) => o.item),
    mappings,
  };
  const whereOrdered = ordered.map((o) => where[o.n]!);
  problems.push(...validateDoc(doc, (i) => whereOrdered[i]!));
  for (const [i, item] of doc.items.entries()) if (!item.text) problems.push({ where: whereOrdered[i]!, message: 'has no fullStatement' });
  return problems.length ? { ok: false, problems } : { ok: true, doc: canonical(doc) };
}
