import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import type { ProgrammeRole } from '../../platform/auth/policy';
import type { Db } from '../../platform/db/database';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import type { ProgrammesContext } from './service-context';

/** A programme's members and their roles (invitations are in service-invitations.ts). */
export function createMembers({ db }: ProgrammesContext) {
  return {
    rolesOfUser: (tx: Db, userId: string) => repo.rolesInProgrammes(tx, userId),

    /** A person's programme memberships, for "download your data". */
    async membershipsOf(userId: string) {
      const roles = await repo.rolesInProgrammes(db, userId);
      const out = [];
      for (const r of roles)
        out.push({ programme: (await repo.getProgramme(db, r.programmeId))?.name ?? r.programmeId, role: r.role });
      return out;
    },

    async members(programmeId: string) {
      const [members, invitations] = await Promise.all([
        repo.listMembers(db, programmeId),
        repo.listPendingInvitations(db, programmeId),
      ]);
      const now = new Date();
      return { members, invitations: invitations.map((i) => ({ ...i, expired: i.expiresAt <= now })) };
    },

    /** Removes one role from a member. A programme keeps at least one lead. */
    async removeMember(programmeId: string, userId: string, role: string, ctx: AuditContext): Promise<boolean> {
      return db.transaction(async (tx) => {
        if (
          role === 'lead' &&
          (await repo.countRoleInProgramme(tx, programmeId, 'lead')) <= 1 &&
          (await repo.hasMember(tx, programmeId, userId, 'lead'))
        ) {
          throw new FieldError(
            'member',
            'A programme must keep at least one programme lead. Invite another lead first',
          );
        }
        const done = await repo.removeMember(tx, programmeId, userId, role);
        if (done)
          await recordAudit(tx, ctx, {
            action: 'programme.member-removed',
            entityType: 'programme',
            entityId: programmeId,
            details: { userId, role },
          });
        return done;
      });
    },

    /** Adds a member directly (demo data, first lead of a new programme). */
    async addMember(
      tx: Db,
      values: {
        programmeId: string;
        userId: string;
        role: ProgrammeRole;
        stakeholderTypeId?: string | null;
        areaId?: string | null;
      },
      ctx: AuditContext,
    ) {
      const added = await repo.addMember(tx, { stakeholderTypeId: null, areaId: null, ...values });
      if (added)
        await recordAudit(tx, ctx, {
          action: 'programme.member-added',
          entityType: 'programme',
          entityId: values.programmeId,
          details: { userId: values.userId, role: values.role },
        });
      return added;
    },
  };
}
