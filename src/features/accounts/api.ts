import { z } from 'zod';
import type { ApiRegistry } from '../../platform/http/api';
import { PLATFORM_ROLES, PROGRAMME_ROLES } from '../../platform/auth/policy';

export function accountsApi(api: ApiRegistry): void {
  api.route(
    {
      method: 'GET',
      path: '/me',
      tag: 'Accounts',
      summary: 'The signed-in user, with platform roles and programme memberships',
      permission: 'signed-in',
      response: z.object({
        id: z.uuid(),
        email: z.string(),
        name: z.string(),
        profession: z.string().nullable(),
        organisation: z.string().nullable(),
        platformRoles: z.array(z.enum(PLATFORM_ROLES)),
        programmes: z.array(z.object({ programmeId: z.uuid(), roles: z.array(z.enum(PROGRAMME_ROLES)) })),
      }),
    },
    async ({ request }) => {
      const u = request.user!;
      return {
        id: u.id,
        email: u.email,
        name: u.name,
        profession: u.profession,
        organisation: u.organisation,
        platformRoles: [...request.actor.platformRoles],
        programmes: [...request.actor.programmeRoles].map(([programmeId, roles]) => ({
          programmeId,
          roles: [...roles],
        })),
      };
    },
  );
}
