import type { FastifyInstance } from 'fastify';
import { invitationRoutes } from './invitation-routes';
import { memberRoutes } from './member-routes';
import { programmeSetupRoutes } from './programme-routes';
import type { ProgrammesService } from './service';
import { stageRoutes } from './stage-routes';

/**
 * The programme pages: setting one up (programme-routes.ts), its stages (stage-routes.ts), its members and
 * invitations (member-routes.ts), and accepting an invitation from its link (invitation-routes.ts).
 */
export function programmeRoutes(app: FastifyInstance, programmes: ProgrammesService) {
  programmeSetupRoutes(app, programmes);
  stageRoutes(app, programmes);
  memberRoutes(app, programmes);
  invitationRoutes(app, programmes);
}
