import type { Platform } from '../../platform/http/types';
import type { FrameworksService } from '../frameworks/service';
import * as repo from './repository';
import { STAGE_NAMES, type PathwayStage } from './stage';

/** Today as an ISO day (YYYY-MM-DD), the form dates are compared with. */
export const today = () => new Date().toISOString().slice(0, 10);

/** A statement's stage in words: the framework's own label, else the pathway's, never the key. */
export function stageLabel(key: string | null, stages: { key: string; label: string }[]): string {
  if (!key) return 'Any stage';
  return stages.find((s) => s.key === key)?.label ?? STAGE_NAMES[key as PathwayStage] ?? 'Another stage';
}

/**
 * What every part of the pathway service is given: the database, the
 * frameworks service, and the look-ups of a pathway's statements.
 */
export function createPathwayContext(platform: Platform, frameworks: FrameworksService) {
  const { db } = platform;

  /** The framework's statements, each with its capability and domain, in framework order. */
  async function statementsOf(versionId: string) {
    const [items, version] = await Promise.all([frameworks.itemsOf(versionId), frameworks.findVersionById(versionId)]);
    const stages = (version?.stages ?? []) as { key: string; label: string }[];
    const byCode = new Map(items.map((i) => [i.code, i]));
    const ancestor = (code: string | null, type: string) => {
      let it = code ? byCode.get(code) : undefined;
      for (let g = 0; it && it.type !== type && g < 20; g++) it = it.parentCode ? byCode.get(it.parentCode) : undefined;
      return it?.type === type ? it : undefined;
    };
    return items
      .filter((i) => i.type === 'statement')
      .map((s) => ({
        ...s,
        stageLabel: stageLabel(s.stage, stages),
        domain: ancestor(s.parentCode, 'domain'),
        capability: ancestor(s.parentCode, 'capability'),
      }));
  }

  /** The statements a pathway covers: its core framework's, then its area framework's if it has one. */
  async function pathwayStatements(p: repo.Pathway) {
    const core = await statementsOf(p.frameworkVersionId);
    return p.areaVersionId ? [...core, ...(await statementsOf(p.areaVersionId))] : core;
  }

  /** For each capability of the framework, the distinct pieces of evidence linked to any of its statements. */
  async function evidenceByCapability(pathway: repo.Pathway, statements: Awaited<ReturnType<typeof statementsOf>>) {
    const list = await repo.evidenceOf(db, pathway.id);
    const links = await repo.linksOf(
      db,
      list.map((e) => e.id),
    );
    const capOf = new Map(statements.map((s) => [s.identifier, s.capability]));
    const caps = new Map<string, { code: string; text: string; evidenceIds: Set<string> }>();
    for (const s of statements)
      if (s.capability && !caps.has(s.capability.code))
        caps.set(s.capability.code, { code: s.capability.code, text: s.capability.text, evidenceIds: new Set() });
    for (const l of links) {
      const c = capOf.get(l.statementIdentifier);
      if (c) caps.get(c.code)!.evidenceIds.add(l.evidenceId);
    }
    return { caps, count: list.length };
  }

  return { db, frameworks, statementsOf, pathwayStatements, evidenceByCapability };
}

export type PathwayContext = ReturnType<typeof createPathwayContext>;
