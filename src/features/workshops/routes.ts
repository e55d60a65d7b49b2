import type { FastifyInstance } from 'fastify';
import type { ProgrammesService } from '../programmes/service';
import type { WorkshopsService } from './service';
import { createRouteContext } from './route-context';
import { setUpRoutes } from './set-up-routes';
import { controlRoutes } from './control-routes';
import { boardRoutes } from './board-routes';
import { joiningRoutes } from './joining-routes';
import { recordRoutes } from './record-routes';

/**
 * The workshop pages. Where each lives:
 * - route-context.ts: what they share (the workshop in the URL, the console and board pages, running an action)
 * - set-up-routes.ts: the programme's workshops, setting one up, the script and saved scripts
 * - control-routes.ts: the console and its controls, the projector, the event streams
 * - board-routes.ts: clusters, organising and notes for the room; a participant's board, notes and votes
 * - joining-routes.ts: joining by code or link, emailing the join link, who is connected
 * - record-routes.ts: the record for analysis (CSV, Excel), the summary, uploaded transcripts
 * The JSON API is in api.ts.
 */
export function workshopRoutes(app: FastifyInstance, workshops: WorkshopsService, programmes: ProgrammesService) {
  const context = createRouteContext(app, workshops, programmes);
  setUpRoutes(app, context);
  controlRoutes(app, context);
  boardRoutes(app, context);
  joiningRoutes(app, context);
  recordRoutes(app, context);
}
