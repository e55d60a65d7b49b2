import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { diffVersions } from './diff';
import {
  CONSULTANT_STAGES,
  type FrameworkDoc,
  type Format,
  type ImportProblem,
  type ParseResult,
  type Stage,
} from './model';
import { fromCase } from './formats/case-import';
import { fromCsv } from './formats/csv';
import { fromJson } from './formats/json';
import type { FrameworksContext } from './service-context';
import * as repo from './repository';

/**
 * Importing a framework file: read it, preview what it would do, keep the upload until the preview is
 * confirmed, then store it as a new version (and the framework, when new).
 */
export function createImports({ db, currentVersion, docOf }: FrameworksContext) {
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
    audit: AuditContext,
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
      await recordAudit(tx, audit, {
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

  return {
    parse,
    preview,
    importDoc,

    /** Keeps an uploaded file until its preview is confirmed. */
    stagePending: (userId: string, format: Format, filename: string, content: string) =>
      repo.insertPendingImport(db, { userId, format, filename, content }),
    findPending: (id: string, userId: string) => repo.findPendingImport(db, id, userId),

    /** Imports a confirmed preview once; confirming the same preview again returns the version it made. */
    async confirmPending(pending: repo.PendingImport, userId: string, audit: AuditContext): Promise<repo.Version> {
      const parsed = await parse(pending.format as Format, pending.content);
      return db.transaction(async (tx) => {
        const locked = await repo.lockPendingImport(tx, pending.id);
        if (locked?.importedVersionId) return (await repo.findVersionById(tx, locked.importedVersionId))!;
        if (!parsed.ok)
          throw new FieldError('file', 'The file no longer imports cleanly. Upload it again to see the problems');
        const version = await importDoc(parsed.doc, userId, audit, tx);
        await repo.markPendingImported(tx, pending.id, version.id);
        return version;
      });
    },

    /** Drops uploads older than a day: a preview is confirmed within minutes or not at all. */
    prunePendingImports: () => repo.deletePendingImportsBefore(db, new Date(Date.now() - 86_400_000)),
  };
}
