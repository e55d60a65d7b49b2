import type { Db } from '../../platform/db/database';
import type { JobRunner } from '../../platform/jobs/runner';
import type { Platform } from '../../platform/http/types';
import type { FrameworksService } from '../frameworks/service';
import { createPanelLinks } from './panel-links';
import { createAnalyse, type Analyse } from './round-analysis';

/** What every part of the Delphi service shares: built once by createDelphiService. */
export interface DelphiContext {
  db: Db;
  jobs: JobRunner;
  frameworks: FrameworksService;
  /** Panellists' links: emailed (sendPanelLink), entered, and asked for again. */
  links: ReturnType<typeof createPanelLinks>;
  /** One round's figures (see round-analysis.ts). */
  analyse: Analyse;
}

export function createDelphiContext(platform: Platform, frameworks: FrameworksService): DelphiContext {
  const { db, jobs } = platform;
  return { db, jobs, frameworks, links: createPanelLinks(platform), analyse: createAnalyse(db) };
}
