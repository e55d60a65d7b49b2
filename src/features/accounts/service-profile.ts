import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { verifyPassword } from '../../platform/auth/passwords';
import * as repo from '../../platform/auth/repository';
import { FieldError } from '../../platform/forms/forms';
import type { ProfileInput } from './schema';
import type { AccountsContext } from './service-context';

/** A person's own account: their details, what Waymark holds about them, and deleting it all. */
export function createProfile({ db }: AccountsContext) {
  return {
    async updateProfile(userId: string, values: ProfileInput, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        await repo.updateUser(tx, userId, values);
        await recordAudit(tx, ctx, {
          action: 'account.profile-updated',
          entityType: 'user',
          entityId: userId,
          details: values,
        });
      });
    },

    /**
     * The accounts feature's part of "download your data": the account, its platform roles and its
     * access tokens, without secrets (no password hash, no token beyond its last four characters).
     */
    async ownData(user: repo.User) {
      return {
        exportedAt: new Date().toISOString(),
        account: {
          id: user.id,
          email: user.email,
          name: user.name,
          profession: user.profession,
          organisation: user.organisation,
          createdAt: user.createdAt,
          lastSignInAt: user.lastSignInAt,
        },
        platformRoles: await repo.rolesOf(db, user.id),
        accessTokens: (await repo.listApiTokens(db, user.id)).map((t) => ({
          name: t.name,
          endsIn: t.hint,
          scopes: t.scopes,
          createdAt: t.createdAt,
          lastUsedAt: t.lastUsedAt,
          expiresAt: t.expiresAt,
        })),
      };
    },

    /**
     * Deletes the signed-in person's account after checking their password.
     * Memberships, roles, sessions and tokens go with it; notes and ratings they
     * made stay in programme records without their name. The audit log keeps
     * its entries (it is append-only), including this deletion.
     */
    async deleteOwnAccount(user: repo.User, password: string, ctx: AuditContext): Promise<void> {
      if (!(await verifyPassword(user.passwordHash, password)))
        throw new FieldError('password', 'Your password is not correct');
      await db.transaction(async (tx) => {
        const roles = await repo.rolesOf(tx, user.id);
        if (roles.includes('admin') && (await repo.countRole(tx, 'admin')) <= 1) {
          throw new FieldError(
            'password',
            'You are the only platform admin. Make someone else an admin before deleting your account',
          );
        }
        await repo.deleteUser(tx, user.id);
        await recordAudit(tx, ctx, { action: 'account.deleted', entityType: 'user', entityId: user.id });
      });
    },
  };
}
