import type { FastifyInstance } from 'fastify';
import type { ProgrammesService } from '../programmes/service';
import type { FrameworksService } from '../frameworks/service';
import { createRouteContext } from './route-context';
import { studyRoutes } from './study-routes';
import { itemRoutes } from './item-routes';
import { panelRoutes } from './panel-routes';
import { roundRoutes } from './round-routes';
import { reportRoutes } from './report-routes';
import { delphiPanellistRoutes } from './panellist-routes';
import type { DelphiService } from './service';

/**
 * The Delphi feature's pages, one file per part of the work: the facilitator's
 * study set-up and settings, items and their lineage, the panel, rounds, and
 * reports (with sending agreed items to a framework); then what panellists use.
 */
export function delphiRoutes(
  app: FastifyInstance,
  delphi: DelphiService,
  programmes: ProgrammesService,
  frameworks: FrameworksService,
) {
  const ctx = createRouteContext(delphi, programmes, frameworks);
  studyRoutes(app, ctx);
  itemRoutes(app, ctx);
  panelRoutes(app, ctx);
  roundRoutes(app, ctx);
  reportRoutes(app, ctx);
  delphiPanellistRoutes(app, delphi);
}
