import type { FrameworkDoc, FrameworkItem, ItemType, VersionStatus } from '../model';
import { canonical, nameUuid } from '../order';

/**
 * 1EdTech CASE 1.1 JSON (a CFPackage). How Waymark's extra meaning travels:
 *
 * - hierarchy: `isChildOf` associations (top-level items are children of the
 *   CFDocument), ordered by `sequenceNumber`, so any CASE consumer reads the tree;
 * - item kinds: CFItemType "Domain", "Capability", "Statement", "Impact",
 *   each defined in CFDefinitions.CFItemTypes (an imported item keeps its own
 *   CFItemType; its Waymark kind travels in `extensions.waymark.type`);
 * - stages: one CFConcept per stage (keywords = the stage key, hierarchyCode =
 *   its order, `extensions.waymark.stage`); a statement names its stage in
 *   `conceptKeywords` and `conceptKeywordsURI`;
 * - area frameworks and item areas: CFDocument `subject` and `frameworkType`,
 *   plus `extensions.waymark` on the document and items;
 * - mappings: `exactMatchOf` (exact) and `isRelatedTo` (related; "extends" is
 *   `isRelatedTo` inside the CFAssociationGrouping titled "Extends"), whose
 *   destination is the other framework's item by its own identifier and URI,
 *   so the association resolves in either package;
 * - whatever an imported package carried that Waymark has no field for (other
 *   associations, CFItem fields, definitions) is kept and written back as it was.
 *
 * The package has no CFDocumentURI on items or associations: the CASE 1.1
 * package schema does not allow it (the package is the document).
 */

export const TYPE_TITLES: Record<ItemType, string> = {
  domain: 'Domain',
  capability: 'Capability',
  statement: 'Statement',
  impact: 'Impact',
};
const STATUS_TO_CASE: Record<VersionStatus, string> = {
  draft: 'Draft',
  published: 'Adopted',
  superseded: 'Deprecated',
};
export const CASE_TO_STATUS: Record<string, VersionStatus> = {
  'private draft': 'draft',
  draft: 'draft',
  adopted: 'published',
  deprecated: 'superseded',
};
export const EXTENDS_GROUPING = 'Extends';

export type Json = Record<string, unknown>;
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const arr = (v: unknown): Json[] =>
  Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object' && !Array.isArray(x)) as Json[]) : [];

export const urn = (id: string) => `urn:uuid:${id}`;
export const externalUri = (framework: string, code: string) =>
  `urn:waymark:${encodeURIComponent(framework)}:${encodeURIComponent(code)}`;

export interface NodeRef {
  title: string;
  identifier: string;
  uri: string;
}

export const typeRef = (t: ItemType): NodeRef => {
  const identifier = nameUuid(`item-type:${t}`);
  return { title: TYPE_TITLES[t], identifier, uri: urn(identifier) };
};
export const licenceIdOf = (frameworkId: string) => nameUuid(`${frameworkId}:licence`);
export const extendsIdOf = (frameworkId: string) => nameUuid(`${frameworkId}:grouping:extends`);
export const stageIdOf = (frameworkId: string, key: string) => nameUuid(`${frameworkId}:stage:${key}`);

export interface CaseExportContext {
  /** Another framework's item by short name and code: its real identifier and URI, so a mapping resolves in either package. */
  targetOf?(framework: string, code: string): { identifier: string; uri: string } | undefined;
}

/** The parts of the package Waymark writes from its own fields; an import keeps only what differs from these. */
export function documentOf(doc: FrameworkDoc): Json {
  const kept = doc.case?.document ?? {};
  const licenceId = licenceIdOf(doc.framework.identifier);
  return {
    ...kept,
    identifier: doc.framework.identifier,
    uri: str(kept.uri) || urn(doc.framework.identifier),
    caseVersion: '1.1',
    creator: str(kept.creator) || doc.framework.publisher || 'Unknown',
    title: doc.framework.title,
    lastChangeDateTime: doc.version.changedAt,
    ...(doc.framework.publisher ? { publisher: doc.framework.publisher } : {}),
    ...(doc.framework.description ? { description: doc.framework.description } : {}),
    ...(doc.framework.area ? { subject: [doc.framework.area] } : {}),
    language: str(kept.language) || 'en',
    version: doc.version.label,
    adoptionStatus:
      CASE_TO_STATUS[str(kept.adoptionStatus).toLowerCase()] === doc.version.status
        ? str(kept.adoptionStatus)
        : STATUS_TO_CASE[doc.version.status],
    ...(doc.version.publishedAt ? { statusStartDate: doc.version.publishedAt } : {}),
    ...(doc.version.sourceNote ? { notes: doc.version.sourceNote } : {}),
    licenseURI: kept.licenseURI ?? { title: 'Licence', identifier: licenceId, uri: urn(licenceId) },
    frameworkType: str(kept.frameworkType) || (doc.framework.kind === 'area' ? 'Area framework' : 'Core framework'),
    extensions: {
      ...obj(kept.extensions),
      waymark: { shortName: doc.framework.shortName, kind: doc.framework.kind, area: doc.framework.area },
    },
  };
}

export function stageRefs(doc: FrameworkDoc): Map<string, NodeRef> {
  return new Map(
    doc.stages.map((s) => {
      const identifier = stageIdOf(doc.framework.identifier, s.key);
      return [s.key, { title: s.label, identifier, uri: urn(identifier) }];
    }),
  );
}

export const itemUri = (i: FrameworkItem) => str(i.case?.fields.uri) || urn(i.identifier);
export const itemRef = (i: FrameworkItem): NodeRef => ({
  title: i.case?.codeGenerated ? str(i.case.fields.humanCodingScheme) || i.text.slice(0, 60) : i.code,
  identifier: i.identifier,
  uri: itemUri(i),
});

export function cfItemOf(doc: FrameworkDoc, i: FrameworkItem, stages: Map<string, NodeRef>): Json {
  const f = i.case?.fields ?? {};
  const stage = i.stage ? stages.get(i.stage) : undefined;
  return {
    ...f,
    identifier: i.identifier,
    uri: itemUri(i),
    fullStatement: i.text,
    ...(i.case?.codeGenerated ? {} : { humanCodingScheme: i.code }),
    ...(str(f.CFItemType) ? {} : { CFItemType: TYPE_TITLES[i.type], CFItemTypeURI: typeRef(i.type) }),
    ...(stage ? { conceptKeywords: [stage.title], conceptKeywordsURI: stage } : {}),
    ...(i.notes ? { notes: i.notes } : {}),
    language: str(f.language) || 'en',
    lastChangeDateTime: str(f.lastChangeDateTime) || doc.version.changedAt,
    extensions: {
      ...obj(f.extensions),
      waymark: {
        type: i.type,
        stage: i.stage,
        area: i.area,
        description: i.description,
        ...(i.case?.codeGenerated ? { code: i.code } : {}),
      },
    },
  };
}

/** The isChildOf association placing `i` under `destination`: the one the package had, or Waymark's own. */
export function childEdgeOf(
  doc: FrameworkDoc,
  i: FrameworkItem,
  destination: NodeRef,
  sequenceNumber: number | undefined,
): Json {
  const kept =
    i.case?.childOf && str(obj(i.case.childOf.destinationNodeURI).identifier) === destination.identifier
      ? i.case.childOf
      : null;
  const id = kept ? str(kept.identifier) : nameUuid(`${i.identifier}:isChildOf:${destination.identifier}`);
  return {
    ...(kept ?? {}),
    identifier: id,
    uri: (kept && str(kept.uri)) || urn(id),
    associationType: 'isChildOf',
    ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
    originNodeURI: itemRef(i),
    destinationNodeURI: destination,
    lastChangeDateTime: (kept && str(kept.lastChangeDateTime)) || doc.version.changedAt,
  };
}

/** Waymark's own definitions: item types, stages as concepts, the licence and the "Extends" grouping. */
export function ownDefinitions(doc: FrameworkDoc): Record<string, Json[]> {
  const at = doc.version.changedAt;
  const refs = stageRefs(doc);
  const licenceId = licenceIdOf(doc.framework.identifier);
  const extendsId = extendsIdOf(doc.framework.identifier);
  const keptLicence = !!doc.case?.document.licenseURI;
  return {
    CFItemTypes: (Object.keys(TYPE_TITLES) as ItemType[]).map((t) => ({
      ...typeRef(t),
      description: `Waymark ${t}`,
      hierarchyCode: t,
      typeCode: t,
      lastChangeDateTime: at,
    })),
    CFConcepts: doc.stages.map((s, n) => ({
      ...refs.get(s.key)!,
      keywords: s.key,
      hierarchyCode: String(n + 1),
      description: s.label,
      lastChangeDateTime: at,
      extensions: { waymark: { stage: true } },
    })),
    CFLicenses: keptLicence
      ? []
      : [
          {
            identifier: licenceId,
            uri: urn(licenceId),
            title: 'Licence',
            licenseText: doc.version.licenceNote || 'Not stated',
            lastChangeDateTime: at,
          },
        ],
    CFAssociationGroupings: doc.mappings.some((m) => m.kind === 'extends')
      ? [
          {
            identifier: extendsId,
            uri: urn(extendsId),
            title: EXTENDS_GROUPING,
            description: 'The origin item extends the destination item',
            lastChangeDateTime: at,
          },
        ]
      : [],
    CFSubjects: [],
  };
}

export function toCase(input: FrameworkDoc, ctx: CaseExportContext = {}): string {
  const doc = canonical(input);
  const at = doc.version.changedAt;
  const kept = doc.case;
  const docJson = documentOf(doc);
  const docRef: NodeRef = { title: doc.framework.title, identifier: doc.framework.identifier, uri: str(docJson.uri) };
  const stages = stageRefs(doc);
  const byCode = new Map(doc.items.map((i) => [i.code, i]));
  const extendsId = extendsIdOf(doc.framework.identifier);

  // Sequence numbers: the package's own where it had them, else after the last sibling.
  const lastSeq = new Map<string | null, number>();
  const associations: Json[] = doc.items.map((i) => {
    const parent = i.parentCode ? byCode.get(i.parentCode) : undefined;
    const destination = parent ? itemRef(parent) : docRef;
    const keptEdge =
      i.case?.childOf && str(obj(i.case.childOf.destinationNodeURI).identifier) === destination.identifier
        ? i.case.childOf
        : null;
    const seq = keptEdge
      ? typeof keptEdge.sequenceNumber === 'number'
        ? keptEdge.sequenceNumber
        : undefined
      : (lastSeq.get(i.parentCode) ?? 0) + 1;
    if (seq !== undefined) lastSeq.set(i.parentCode, Math.max(lastSeq.get(i.parentCode) ?? 0, seq));
    return childEdgeOf(doc, i, destination, seq);
  });
  for (const m of doc.mappings) {
    const from = byCode.get(m.fromCode)!;
    const target = ctx.targetOf?.(m.toFramework, m.toCode);
    const uri = target?.uri ?? externalUri(m.toFramework, m.toCode);
    const id = nameUuid(`${from.identifier}:${m.kind}:${m.toFramework}:${m.toCode}`);
    associations.push({
      identifier: id,
      uri: urn(id),
      associationType: m.kind === 'exact' ? 'exactMatchOf' : 'isRelatedTo',
      ...(m.kind === 'extends'
        ? { CFAssociationGroupingURI: { title: EXTENDS_GROUPING, identifier: extendsId, uri: urn(extendsId) } }
        : {}),
      originNodeURI: itemRef(from),
      destinationNodeURI: {
        title: `${m.toFramework} ${m.toCode}`,
        identifier: target?.identifier ?? nameUuid(uri),
        uri,
      },
      lastChangeDateTime: at,
    });
  }
  associations.push(...(kept?.associations ?? []));

  const own = ownDefinitions(doc);
  const definitions: Record<string, Json[]> = {};
  for (const k of ['CFConcepts', 'CFSubjects', 'CFLicenses', 'CFItemTypes', 'CFAssociationGroupings'])
    definitions[k] = [...(own[k] ?? []), ...(kept?.definitions[k] ?? [])];

  const pkg = {
    CFDocument: docJson,
    CFItems: doc.items.map((i) => cfItemOf(doc, i, stages)),
    CFAssociations: associations,
    CFDefinitions: definitions,
    ...(kept?.rubrics.length ? { CFRubrics: kept.rubrics } : {}),
    ...(kept?.extensions ? { extensions: kept.extensions } : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
