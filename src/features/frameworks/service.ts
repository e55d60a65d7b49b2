import type { Platform } from '../../platform/http/types';
import { createFrameworksContext } from './service-context';
import { createBrowsing } from './service-browse';
import { createTree } from './service-tree';
import { createDrafts } from './service-drafts';
import { createPublishing } from './service-publishing';
import { createProvenance } from './service-provenance';
import { createImports } from './service-import';
import { createExports } from './service-export';

export { MAX_IMPORT_BYTES } from './model';
export { detectFormat } from './formats/detect';

/**
 * The frameworks feature's behaviour, one part per job: finding frameworks and versions (service-browse),
 * a version's tree, statements and matrix (service-tree), editing drafts (service-drafts), new drafts,
 * publishing and comparing (service-publishing), provenance links (service-provenance), importing
 * (service-import) and exporting (service-export). Each part gets the same small context.
 */
export function createFrameworksService(platform: Platform) {
  const ctx = createFrameworksContext(platform);
  return {
    ...createBrowsing(ctx),
    ...createTree(ctx),
    ...createDrafts(ctx),
    ...createPublishing(ctx),
    ...createProvenance(ctx),
    ...createImports(ctx),
    ...createExports(ctx),
  };
}

export type FrameworksService = ReturnType<typeof createFrameworksService>;
