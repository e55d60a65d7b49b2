import type { Db } from '../../platform/db/database';
import type { Platform } from '../../platform/http/types';
import { itemCaseSchema, versionCaseSchema, type FrameworkDoc, type FrameworkItem, type Stage } from './model';
import * as repo from './repository';

/** What every part of the frameworks service shares: built once by createFrameworksService. */
export interface FrameworksContext {
  db: Db;
  /** The version people see by default: the published one, else the newest (drafts only when asked for). */
  currentVersion(frameworkId: string, withDrafts: boolean): Promise<repo.Version | undefined>;
  /** The whole version as a document: what every export writes, and what imports and diffs compare against. */
  docOf(version: repo.Version, on?: Db): Promise<FrameworkDoc>;
}

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

export function createFrameworksContext(platform: Platform): FrameworksContext {
  const { db } = platform;

  async function currentVersion(frameworkId: string, withDrafts: boolean): Promise<repo.Version | undefined> {
    const versions = await repo.versionsOf(db, frameworkId);
    return versions.find((v) => v.status === 'published') ?? versions.find((v) => withDrafts || v.status !== 'draft');
  }

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

  return { db, currentVersion, docOf };
}
