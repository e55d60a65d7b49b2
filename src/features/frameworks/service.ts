import { randomUUID } from 'node:crypto';
import type { Platform } from '../../platform/http/types';
import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { diffVersions } from './diff';
import {
  CONSULTANT_STAGES,
  UNSTAGED_KEY,
  UNSTAGED_LABEL,
  itemCaseSchema,
  versionCaseSchema,
  type FrameworkDoc,
  type FrameworkItem,
  type Format,
  type ImportProblem,
  type ParseResult,
} from './model';
import { toCase } from './formats/case';
import { fromCase } from './formats/case-import';
import { fromCsv, toCsv } from './formats/csv';
import { fromJson, toJson } from './formats/json';
import * as repo from './repository';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export const PROVENANCE_SOURCES = {
  'delphi-item': 'Delphi item',
  theme: 'Theme',
  contribution: 'Workshop contribution',
  'consultation-response': 'Consultation response',
} as const;
export type ProvenanceSource = keyof typeof PROVENANCE_SOURCES;

type Stage = { key: string; label: string };

export interface TreeFilter {
  stage?: string;
  area?: string;
  q?: string;
}

/** Guesses a file's format from its name and first characters. */
export function detectFormat(filename: string, text: string): Format {
  if (/\.csv$/i.test(filename)) return 'csv';
  const head = text.trimStart().slice(0, 2000);
  if (!head.startsWith('{')) return 'csv';
  return head.includes('"CFDocument"') ? 'case' : 'json';
}

export function createFrameworksService(platform: Platform) {
  const { db } = platform;

  function toItem(r: repo.ItemRow): FrameworkItem {
    const item: FrameworkItem = {
      identifier: r.identifier,
      code: r.code,
      type: r.type as FrameworkItem['type'],
      parentCode: r.parentCode,
      text: r.text,
      description: r.description,
      stage: r.stage,
      area: r.area,
      notes: r.notes,
    };
    return r.caseData ? { ...item, case: itemCaseSchema.parse(r.caseData) } : item;
  }

  /** The whole version as a document: what every export writes. */
  async function docOf(version: repo.Version, on: Db = db): Promise<FrameworkDoc> {
    const framework = (await repo.findFrameworkById(on, version.frameworkId))!;
    const [items, mappings] = await Promise.all([repo.itemsOf(on, version.id), repo.mappingsOf(on, version.id)]);
    return {
      format: 'waymark-framework',
      formatVersion: 1,
      framework: {
        identifier: framework.id,
        shortName: framework.shortName,
        title: framework.title,
        publisher: framework.publisher,
        kind: framework.kind as 'core' | 'area',
        area: framework.area,
        description: framework.description,
      },
      version: {
        label: version.label,
        status: version.status as FrameworkDoc['version']['status'],
        publishedAt: version.publishedAt,
        changedAt: version.changedAt.toISOString(),
        sourceNote: version.sourceNote,
        licenceNote: version.licenceNote,
      },
      stages: version.stages as Stage[],
      items: items.map(toItem),
      mappings: mappings.map((m) => ({
        fromCode: m.fromCode,
        toFramework: m.toFramework,
        toCode: m.toCode,
        kind: m.kind as FrameworkDoc['mappings'][number]['kind'],
      })),
      ...(version.caseData ? { case: versionCaseSchema.parse(version.caseData) } : {}),
    };
  }

  /** Items of frameworks already here that a CASE package's associations point at, by identifier. */
  async function knownItems(text: string) {
    let ids: string[] = [];
    try {
      const raw = JSON.parse(text) as { CFAssociations?: unknown; CFPackage?: { CFAssociations?: unknown } };
      const list = (raw.CFAssociations ?? raw.CFPackage?.CFAssociations ?? []) as {
        destinationNodeURI?: { identifier?: unknown };
      }[];
      ids = Array.isArray(list)
        ? list
            .map((a) => String(a?.destinationNodeURI?.identifier ?? '').toLowerCase())
            .filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))
        : [];
    } catch {
      return new Map();
    }
    const rows = await repo.itemsByIdentifier(db, [...new Set(ids)]);
    const found = new Map<string, { frameworkId: string; shortName: string; code: string }>();
    for (const r of rows)
      if (!found.has(r.identifier))
        found.set(r.identifier, { frameworkId: r.frameworkId, shortName: r.shortName, code: r.code });
    return found;
  }

  /** The real identifier and URI of each item a version maps to, from that framework's current version, for the CASE export. */
  async function mappingTargets(doc: FrameworkDoc) {
    const targets = new Map<string, { identifier: string; uri: string }>();
    for (const shortName of new Set(doc.mappings.map((m) => m.toFramework))) {
      const framework = await repo.findFrameworkByShortName(db, shortName);
      const version = framework ? await currentVersion(framework.id, true) : undefined;
      if (!version) continue;
      for (const item of await repo.itemsOf(db, version.id)) {
        const uri =
          typeof (item.caseData as { fields?: { uri?: unknown } } | null)?.fields?.uri === 'string'
            ? String((item.caseData as { fields: { uri: string } }).fields.uri)
            : `urn:uuid:${item.identifier}`;
        targets.set(`${shortName.toLowerCase()}\u0000${item.code}`, { identifier: item.identifier, uri });
      }
    }
    return (framework: string, code: string) => targets.get(`${framework.toLowerCase()}\u0000${code}`);
  }

  /** The version people see by default: the published one, else the newest. */
  async function currentVersion(frameworkId: string, withDrafts: boolean): Promise<repo.Version | undefined> {
    const versions = await repo.versionsOf(db, frameworkId);
    return versions.find((v) => v.status === 'published') ?? versions.find((v) => withDrafts || v.status !== 'draft');
  }

  /** Reads an uploaded file. A CSV keeps the identities of the framework's existing items by code. */
  async function parse(format: Format, text: string): Promise<ParseResult> {
    if (format === 'json') return fromJson(text);
    if (format === 'case') {
      const known = await knownItems(text);
      return fromCase(text, { defaultStages: CONSULTANT_STAGES, knownItem: (id) => known.get(id) });
    }
    // First pass finds the short name; the second reads the file against that framework's latest version.
    const now = new Date().toISOString();
    const blank = {
      framework: {
        identifier: randomUUID(),
        shortName: 'NEW',
        title: 'Untitled framework',
        publisher: '',
        kind: 'core' as const,
        area: null,
        description: '',
      },
      version: {
        label: '1',
        status: 'draft' as const,
        publishedAt: null,
        changedAt: now,
        sourceNote: '',
        licenceNote: '',
      },
    };
    const first = fromCsv(text, { base: blank, identifierFor: () => randomUUID(), defaultStages: CONSULTANT_STAGES });
    if (!first.ok) return first;
    const existing = await repo.findFrameworkByShortName(db, first.doc.framework.shortName);
    if (!existing) return first;
    const latest = (await repo.versionsOf(db, existing.id))[0];
    const ids = new Map(latest ? (await repo.itemsOf(db, latest.id)).map((i) => [i.code, i.identifier]) : []);
    const previous = latest ? await docOf(latest) : undefined;
    return fromCsv(text, {
      previous,
      base: {
        framework: {
          ...blank.framework,
          identifier: existing.id,
          title: existing.title,
          publisher: existing.publisher,
          description: existing.description,
        },
        version: {
          ...blank.version,
          sourceNote: previous?.version.sourceNote ?? '',
          licenceNote: previous?.version.licenceNote ?? '',
        },
      },
      identifierFor: (code) => ids.get(code) ?? randomUUID(),
      defaultStages: (latest?.stages as Stage[] | undefined) ?? CONSULTANT_STAGES,
    });
  }

  /** What importing would do, without doing it. */
  async function preview(format: Format, text: string) {
    const parsed = await parse(format, text);
    if (!parsed.ok) return { ok: false as const, problems: parsed.problems };
    const doc = parsed.doc;
    const existing = await repo.findFrameworkByShortName(db, doc.framework.shortName);
    const problems: ImportProblem[] = [];
    if (existing && existing.id !== doc.framework.identifier) {
      problems.push({
        where: 'framework',
        message: `the short name ${doc.framework.shortName} belongs to another framework already in Waymark`,
      });
    }
    const clash = existing ? await repo.findVersion(db, existing.id, doc.version.label) : undefined;
    if (clash)
      problems.push({
        where: 'version',
        message: `version ${doc.version.label} of ${doc.framework.shortName} already exists; give the new version another label`,
      });
    if (problems.length) return { ok: false as const, problems };
    const previous = existing ? await currentVersion(existing.id, true) : undefined;
    const diff = previous ? diffVersions((await docOf(previous)).items, doc.items) : undefined;
    const count = (t: string) => doc.items.filter((i) => i.type === t).length;
    return {
      ok: true as const,
      doc,
      isNew: !existing,
      previous,
      diff,
      counts: {
        domains: count('domain'),
        capabilities: count('capability'),
        statements: count('statement'),
        impacts: count('impact'),
        mappings: doc.mappings.length,
        unstaged: doc.items.filter((i) => i.type === 'statement' && !i.stage).length,
        associations: doc.case?.associations.length ?? 0,
      },
    };
  }

  /** Stores a parsed document as a new version (and the framework, when new), in one transaction. */
  async function importDoc(
    doc: FrameworkDoc,
    userId: string | null,
    ctx: AuditContext,
    on: Db = db,
  ): Promise<repo.Version> {
    return on.transaction(async (tx) => {
      const existing = await repo.findFrameworkByShortName(tx, doc.framework.shortName);
      if (existing && existing.id !== doc.framework.identifier)
        throw new FieldError('file', `The short name ${doc.framework.shortName} belongs to another framework`);
      if (existing && (await repo.findVersion(tx, existing.id, doc.version.label))) {
        throw new FieldError('file', `Version ${doc.version.label} of ${doc.framework.shortName} already exists`);
      }
      await repo.upsertFramework(tx, doc.framework);
      const version = await repo.insertVersion(tx, {
        frameworkId: doc.framework.identifier,
        label: doc.version.label,
        status: doc.version.status,
        publishedAt: doc.version.publishedAt,
        changedAt: new Date(doc.version.changedAt),
        sourceNote: doc.version.sourceNote,
        licenceNote: doc.version.licenceNote,
        stages: doc.stages,
        caseData: doc.case ?? null,
        createdBy: userId,
      });
      await repo.insertItems(tx, version.id, doc.items);
      await repo.insertMappings(tx, version.id, doc.mappings);
      if (doc.version.status === 'published') await repo.supersedeOthers(tx, doc.framework.identifier, version.id);
      await recordAudit(tx, ctx, {
        action: 'framework.imported',
        entityType: 'framework_version',
        entityId: version.id,
        details: {
          shortName: doc.framework.shortName,
          label: doc.version.label,
          status: doc.version.status,
          items: doc.items.length,
        },
      });
      return version;
    });
  }

  /** The version as a file; a CASE package names mapped items by their own identifiers, looked up here. */
  async function serialise(doc: FrameworkDoc, format: Format): Promise<string> {
    if (format === 'case') return toCase(doc, { targetOf: await mappingTargets(doc) });
    return format === 'csv' ? toCsv(doc) : toJson(doc);
  }

  return {
    parse,
    preview,
    importDoc,
    docOf,
    serialise,

    /** Every framework with the version shown by default; drafts only for those who manage frameworks. */
    /** Drops uploads older than a day: a preview is confirmed within minutes or not at all. */
    prunePendingImports: () => repo.deletePendingImportsBefore(db, new Date(Date.now() - 86_400_000)),

    async list(withDrafts: boolean) {
      const all = await repo.listFrameworks(db);
      const rows = await Promise.all(
        all.map(async (f) => ({ framework: f, version: await currentVersion(f.id, withDrafts) })),
      );
      return rows.filter((r) => r.version);
    },

    async allVersions() {
      return repo.allVersions(db);
    },

    /** Finds a version by short name and label; drafts are invisible to people who cannot manage frameworks. */
    async find(shortName: string, label: string | undefined, withDrafts: boolean) {
      const framework = await repo.findFrameworkByShortName(db, shortName);
      if (!framework) return undefined;
      const version = label
        ? await repo.findVersion(db, framework.id, label)
        : await currentVersion(framework.id, withDrafts);
      if (!version || (version.status === 'draft' && !withDrafts)) return undefined;
      return { framework, version };
    },

    async findVersionById(id: string) {
      return repo.findVersionById(db, id);
    },

    /** The framework a version belongs to. */
    frameworkOf: (version: repo.Version) => repo.findFrameworkById(db, version.frameworkId),

    async versions(frameworkId: string, withDrafts: boolean) {
      return (await repo.versionsOf(db, frameworkId)).filter((v) => withDrafts || v.status !== 'draft');
    },

    /**
     * The version as domains → capabilities → statements (and impacts), filtered
     * by stage, area and search words; with the area frameworks' items mapped
     * onto each statement, so an area's view shows what it adds.
     */
    async tree(framework: repo.Framework, version: repo.Version, filter: TreeFilter) {
      const items = await repo.itemsOf(db, version.id);
      const matches = filter.q ? await repo.searchCodes(db, version.id, filter.q) : undefined;
      const current = await Promise.all((await repo.listFrameworks(db)).map((f) => currentVersion(f.id, false)));
      const into = await repo.mappingsInto(
        db,
        framework.shortName,
        current.filter((v): v is repo.Version => !!v).map((v) => v.id),
      );
      const areaItems = new Map<string, typeof into>();
      for (const m of into)
        if (!filter.area || m.area === filter.area) areaItems.set(m.toCode, [...(areaItems.get(m.toCode) ?? []), m]);

      const stageMatches = (i: repo.ItemRow) =>
        !filter.stage ||
        (filter.stage === UNSTAGED_KEY ? i.type === 'statement' && !i.stage : i.stage === filter.stage);
      const keep = (i: repo.ItemRow) =>
        stageMatches(i) &&
        (!filter.area || i.area === null || i.area === filter.area) &&
        (!matches || matches.has(i.code));
      const filtered = !!(filter.stage || filter.q || filter.area);
      const childrenOf = new Map<string, repo.ItemRow[]>();
      for (const i of items)
        if (i.parentCode) childrenOf.set(i.parentCode, [...(childrenOf.get(i.parentCode) ?? []), i]);
      const children = (code: string, type: string) => (childrenOf.get(code) ?? []).filter((i) => i.type === type);
      const statementsOf = (code: string) =>
        children(code, 'statement')
          .filter(keep)
          .map((s) => ({ ...s, areaItems: areaItems.get(s.code) ?? [] }));
      type Capability = repo.ItemRow & {
        statements: ReturnType<typeof statementsOf>;
        impacts: repo.ItemRow[];
        capabilities: Capability[];
        shown: number;
      };
      // Capabilities nest to any depth (an imported CASE package's clusters and standards).
      const capability = (c: repo.ItemRow, depth: number): Capability => {
        const capabilities =
          depth > 50
            ? []
            : children(c.code, 'capability')
                .map((sub) => capability(sub, depth + 1))
                .filter((sub) => sub.shown > 0 || !filtered);
        const statements = statementsOf(c.code);
        return {
          ...c,
          statements,
          impacts: children(c.code, 'impact'),
          capabilities,
          shown: statements.length + capabilities.reduce((n, sub) => n + sub.shown, 0),
        };
      };
      const domains = items
        .filter((i) => i.type === 'domain')
        .map((d) => {
          const capabilities = children(d.code, 'capability')
            .map((c) => capability(c, 0))
            .filter((c) => c.shown > 0 || !filtered);
          const direct = statementsOf(d.code);
          return {
            ...d,
            capabilities,
            statements: direct,
            impacts: children(d.code, 'impact'),
            areaItems: areaItems.get(d.code) ?? [],
            shown: direct.length + capabilities.reduce((n, c) => n + c.shown, 0),
          };
        })
        .filter((d) => d.shown > 0 || !filtered);
      const shown = domains.reduce((n, d) => n + d.shown, 0);
      const areas = [
        ...new Set([
          ...items.map((i) => i.area).filter((a): a is string => !!a),
          ...into.map((m) => m.area).filter((a): a is string => !!a),
        ]),
      ].sort();
      const unstaged = items.filter((i) => i.type === 'statement' && !i.stage).length;
      return { domains, shown, total: items.filter((i) => i.type === 'statement').length, areas, unstaged };
    },

    /** One statement (or any item) with its place in the tree, its mappings and its provenance. */
    async statement(framework: repo.Framework, version: repo.Version, code: string) {
      const item = await repo.findItem(db, version.id, code);
      if (!item) return undefined;
      const items = await repo.itemsOf(db, version.id);
      const byCode = new Map(items.map((i) => [i.code, i]));
      const ancestors: repo.ItemRow[] = [];
      for (let p = item.parentCode; p; p = byCode.get(p)?.parentCode ?? null) {
        const parent = byCode.get(p);
        if (!parent || ancestors.includes(parent)) break;
        ancestors.unshift(parent);
      }
      const current = await Promise.all((await repo.listFrameworks(db)).map((f) => currentVersion(f.id, false)));
      const into = (
        await repo.mappingsInto(
          db,
          framework.shortName,
          current.filter((v): v is repo.Version => !!v).map((v) => v.id),
        )
      ).filter((m) => m.toCode === code);
      const outOf = await Promise.all(
        (await repo.mappingsOf(db, version.id))
          .filter((m) => m.fromCode === code)
          // The target's words and a link to it in its current version, when that framework is here.
          .map(async (m) => {
            const target = await repo.findFrameworkByShortName(db, m.toFramework);
            const targetVersion = target ? await currentVersion(target.id, false) : undefined;
            const targetItem = targetVersion ? await repo.findItem(db, targetVersion.id, m.toCode) : undefined;
            return { ...m, toLabel: targetItem ? targetVersion!.label : null, toText: targetItem?.text ?? null };
          }),
      );
      const stages = version.stages as Stage[];
      return {
        item,
        ancestors,
        stageLabel: stages.find((s) => s.key === item.stage)?.label ?? null,
        mappedFrom: into,
        mapsTo: outOf,
        provenance: await repo.provenanceOf(db, item.id),
        children: items.filter((i) => i.parentCode === code),
      };
    },

    /** Domains × stages: what is expected of a practitioner in each domain at each stage. */
    async matrix(version: repo.Version) {
      const items = await repo.itemsOf(db, version.id);
      const stages = version.stages as Stage[];
      const domainOf = new Map<string, string>();
      const byCode = new Map(items.map((i) => [i.code, i]));
      for (const i of items) {
        let top = i;
        for (let guard = 0; top.parentCode && byCode.get(top.parentCode) && guard < 50; guard++)
          top = byCode.get(top.parentCode)!;
        domainOf.set(i.code, top.code);
      }
      // Statements with no stage yet get a column of their own, so none goes missing from the matrix.
      const unstaged = items.some((i) => i.type === 'statement' && !i.stage);
      const columns = [
        ...stages.map((s) => ({ key: s.key as string | null, label: s.label })),
        ...(unstaged ? [{ key: null, label: UNSTAGED_LABEL }] : []),
      ];
      const rows = items
        .filter((i) => i.type === 'domain')
        .map((d) => ({
          domain: d,
          cells: columns.map((s) =>
            items.filter(
              (i) => i.type === 'statement' && (i.stage ?? null) === s.key && domainOf.get(i.code) === d.code,
            ),
          ),
        }));
      return { stages: columns, rows };
    },

    async diff(version: repo.Version, other: repo.Version) {
      const [a, b] = await Promise.all([docOf(version), docOf(other)]);
      return diffVersions(a.items, b.items);
    },

    /** Publishes a draft; the version published before it becomes superseded. */
    async publish(version: repo.Version, ctx: AuditContext) {
      if (version.status !== 'draft')
        throw new FieldError('version', `Version ${version.label} is already ${version.status}`);
      await db.transaction(async (tx) => {
        const today = new Date().toISOString().slice(0, 10);
        await repo.setVersionStatus(tx, version.id, 'published', today, new Date());
        await repo.supersedeOthers(tx, version.frameworkId, version.id);
        await recordAudit(tx, ctx, {
          action: 'framework.published',
          entityType: 'framework_version',
          entityId: version.id,
          details: { label: version.label },
        });
      });
    },

    /** Copies a version into a new draft: a published version never changes, its successor does. */
    async newDraft(version: repo.Version, label: string, userId: string, ctx: AuditContext): Promise<repo.Version> {
      const doc = await docOf(version);
      return db.transaction(async (tx) => {
        if (await repo.findVersion(tx, version.frameworkId, label))
          throw new FieldError('label', `Version ${label} already exists. Choose another label`);
        const draft = await repo.insertVersion(tx, {
          frameworkId: version.frameworkId,
          label,
          status: 'draft',
          publishedAt: null,
          changedAt: new Date(),
          sourceNote: doc.version.sourceNote,
          licenceNote: doc.version.licenceNote,
          stages: doc.stages,
          caseData: doc.case ?? null,
          basedOn: version.id,
          createdBy: userId,
        });
        await repo.insertItems(tx, draft.id, doc.items);
        await repo.insertMappings(tx, draft.id, doc.mappings);
        await recordAudit(tx, ctx, {
          action: 'framework.draft-created',
          entityType: 'framework_version',
          entityId: draft.id,
          details: { from: version.label, label },
        });
        return draft;
      });
    },

    /** Rewords a statement or changes its stage: drafts only. */
    async editItem(
      version: repo.Version,
      code: string,
      values: { text: string; stage: string | null },
      ctx: AuditContext,
    ) {
      if (version.status !== 'draft')
        throw new FieldError('text', 'Only a draft can change. Make a new draft version to edit this statement');
      const item = await repo.findItem(db, version.id, code);
      if (!item) throw new FieldError('text', 'That statement is not in this version');
      if (item.type === 'statement' && !values.stage)
        throw new FieldError('stage', 'Choose the stage of this statement');
      if (values.stage && !(version.stages as Stage[]).some((s) => s.key === values.stage))
        throw new FieldError('stage', 'Choose a stage from the list');
      // An imported item's CASE lastChangeDateTime no longer holds once it is edited: the export then uses the version's.
      const kept = item.caseData ? itemCaseSchema.parse(item.caseData) : null;
      const caseData = kept
        ? {
            ...kept,
            fields: Object.fromEntries(Object.entries(kept.fields).filter(([k]) => k !== 'lastChangeDateTime')),
          }
        : null;
      await db.transaction(async (tx) => {
        await repo.updateItem(tx, item.id, { ...values, caseData });
        await repo.touchVersion(tx, version.id, new Date());
        await recordAudit(tx, ctx, {
          action: 'framework.item-edited',
          entityType: 'framework_item',
          entityId: item.id,
          details: { code, before: { text: item.text, stage: item.stage }, after: values },
        });
      });
    },

    /** Records that a statement was shaped by something; called by the Delphi, analysis and consultation features. */
    async addProvenance(
      itemId: string,
      link: { sourceType: ProvenanceSource; sourceId: string; label: string; detail?: string; href?: string | null },
      userId: string | null,
      ctx: AuditContext,
      on: Db = db,
    ) {
      const row = await repo.insertProvenance(on, {
        itemId,
        sourceType: link.sourceType,
        sourceId: link.sourceId,
        label: link.label,
        detail: link.detail ?? '',
        href: link.href ?? null,
        createdBy: userId,
      });
      await recordAudit(on, ctx, {
        action: 'framework.provenance-added',
        entityType: 'framework_item',
        entityId: itemId,
        details: link,
      });
      return row;
    },

    findItem: (versionId: string, code: string) => repo.findItem(db, versionId, code),
    hasProvenance: (versionId: string, sourceType: ProvenanceSource, sourceId: string, on: Db = db) =>
      repo.hasProvenance(on, versionId, sourceType, sourceId),
    findItemByIdentifier: (versionId: string, identifier: string, on: Db = db) =>
      repo.findItemByIdentifier(on, versionId, identifier),
    itemsOf: (versionId: string) => repo.itemsOf(db, versionId),

    /**
     * Adds a statement to a draft under `parentCode`, numbered after its
     * siblings (e.g. 2.1.4), and returns it. Pass the caller's transaction.
     */
    async addStatement(
      version: repo.Version,
      values: { parentCode: string; text: string; stage: string | null; area: string | null; notes?: string },
      ctx: AuditContext,
      on: Db = db,
    ): Promise<repo.ItemRow> {
      if (version.status !== 'draft')
        throw new FieldError('version', 'Statements can only be added to a draft version');
      const items = await repo.itemsOf(on, version.id);
      const parent = items.find((i) => i.code === values.parentCode);
      if (!parent) throw new FieldError('parentCode', `There is no ${values.parentCode} in version ${version.label}`);
      const codes = new Set(items.map((i) => i.code));
      let n = items.filter((i) => i.parentCode === parent.code).length + 1;
      while (codes.has(`${parent.code}.${n}`)) n++;
      const item = await repo.insertItem(on, {
        versionId: version.id,
        identifier: randomUUID(),
        code: `${parent.code}.${n}`,
        type: 'statement',
        parentCode: parent.code,
        position: (await repo.maxPosition(on, version.id)) + 1,
        text: values.text,
        stage: values.stage,
        area: values.area,
        notes: values.notes ?? '',
      });
      await repo.touchVersion(on, version.id, new Date());
      await recordAudit(on, ctx, {
        action: 'framework.item-added',
        entityType: 'framework_item',
        entityId: item.id,
        details: { code: item.code, text: item.text },
      });
      return item;
    },

    /** Keeps an uploaded file until its preview is confirmed. */
    stagePending: (userId: string, format: Format, filename: string, content: string) =>
      repo.insertPendingImport(db, { userId, format, filename, content }),
    findPending: (id: string, userId: string) => repo.findPendingImport(db, id, userId),

    /** Imports a confirmed preview once; confirming the same preview again returns the version it made. */
    async confirmPending(pending: repo.PendingImport, userId: string, ctx: AuditContext): Promise<repo.Version> {
      const parsed = await parse(pending.format as Format, pending.content);
      return db.transaction(async (tx) => {
        const locked = await repo.lockPendingImport(tx, pending.id);
        if (locked?.importedVersionId) return (await repo.findVersionById(tx, locked.importedVersionId))!;
        if (!parsed.ok)
          throw new FieldError('file', 'The file no longer imports cleanly. Upload it again to see the problems');
        const version = await importDoc(parsed.doc, userId, ctx, tx);
        await repo.markPendingImported(tx, pending.id, version.id);
        return version;
      });
    },
  };
}

export type FrameworksService = ReturnType<typeof createFrameworksService>;
