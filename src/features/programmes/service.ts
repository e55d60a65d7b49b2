import type { Platform } from '../../platform/http/types';
import type { AccountsService } from '../accounts/service';
import type { ProgrammesDeps } from './service-context';
import { createInvitations } from './service-invitations';
import { createJoining } from './service-joining';
import { createMembers } from './service-members';
import { createSetup } from './service-setup';
import { createStages } from './service-stages';

export type { ProgrammesDeps } from './service-context';
export { INVITATION_PURPOSE, INVITATION_TTL_MS, InvitationWaiting } from './service-invitations';

/**
 * Programmes: setting one up (service-setup.ts), its co-creation stages (service-stages.ts), its members
 * (service-members.ts), inviting people (service-invitations.ts) and accepting an invitation (service-joining.ts).
 */
export function createProgrammesService(platform: Platform, accounts: AccountsService, deps: ProgrammesDeps = {}) {
  const ctx = { db: platform.db, config: platform.config, mailer: platform.mailer, accounts, deps };
  return {
    ...createSetup(ctx),
    ...createStages(ctx),
    ...createMembers(ctx),
    ...createInvitations(ctx),
    ...createJoining(ctx),
  };
}

export type ProgrammesService = ReturnType<typeof createProgrammesService>;
