import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { emailField } from '../../platform/auth/email';
import { isPlatformRole } from '../../platform/auth/policy';
import * as repo from '../../platform/auth/repository';
import type { Db } from '../../platform/db/database';
import { FieldError } from '../../platform/forms/forms';
import { issueLinkToken } from '../../platform/tokens/link-tokens';
import { RESET_PURPOSE, type AccountsContext } from './service-context';
import { createUser } from './service-registration';

/** Looking people up, and what admins do to them: platform roles, and a first admin made from the command line. */
export function createUsers({ db, config }: AccountsContext) {
  /** Grants or removes a platform role. Refuses to remove the last admin. */
  async function setRole(userId: string, role: string, grant: boolean, ctx: AuditContext): Promise<void> {
    if (!isPlatformRole(role)) throw new FieldError('role', 'Choose a role from the list');
    await db.transaction(async (tx) => {
      if (!grant && role === 'admin' && (await repo.countRole(tx, 'admin')) <= 1) {
        throw new FieldError('role', 'Waymark must keep at least one platform admin. Make someone else an admin first');
      }
      const changed = grant ? await repo.grantRole(tx, userId, role) : await repo.revokeRole(tx, userId, role);
      if (changed)
        await recordAudit(tx, ctx, {
          action: grant ? 'role.granted' : 'role.revoked',
          entityType: 'user',
          entityId: userId,
          details: { role },
        });
    });
  }

  return {
    /** Pass `on` when calling inside another transaction (the embedded database has one connection). */
    findUserByEmail: (email: string, on: Db = db) => repo.findUserByEmail(on, email),
    findUserById: (id: string) => repo.findUserById(db, id),
    rolesOf: (userId: string) => repo.rolesOf(db, userId),
    countUsers: () => repo.countUsers(db),
    listUsers: (opts: { q?: string; limit: number; offset: number }) => repo.listUsers(db, opts),
    rolesOfMany: (ids: string[]) => repo.rolesOfMany(db, ids),

    setRole,

    /**
     * Makes a platform admin from the command line. An existing account gets the role;
     * a new one without a password gets a set-password link valid for 24 hours.
     */
    async createAdmin(input: {
      email: string;
      name?: string;
      password?: string;
    }): Promise<{ email: string; link?: string }> {
      const email = emailField.safeParse(input.email);
      if (!email.success) throw new Error(email.error.issues[0]!.message);
      const ctx: AuditContext = { actorId: null, actorLabel: 'command line' };
      const existing = await repo.findUserByEmail(db, email.data);
      if (existing) {
        // Recorded only if they were not an admin already.
        await setRole(existing.id, 'admin', true, ctx);
        return { email: existing.email };
      }
      const name = input.name?.trim() || email.data.split('@')[0]!;
      if (input.password) {
        try {
          await db.transaction((tx) =>
            createUser(tx, { email: email.data, name, password: input.password! }, ctx, ['admin']),
          );
        } catch (err) {
          // The command line shows the same message the form would (weak password, email taken).
          throw err instanceof FieldError ? new Error(err.message) : err;
        }
        return { email: email.data };
      }
      return db.transaction(async (tx) => {
        const user = await repo.insertUser(tx, { email: email.data, name, passwordHash: null });
        if (!user) throw new Error(`${email.data} already has an account`);
        await repo.grantRole(tx, user.id, 'admin');
        await recordAudit(tx, ctx, {
          action: 'account.created',
          entityType: 'user',
          entityId: user.id,
          details: { email: user.email, roles: ['admin'] },
        });
        const token = await issueLinkToken(tx, { purpose: RESET_PURPOSE, subject: user.id, ttlMs: 24 * 3600_000 });
        return { email: user.email, link: `${config.baseUrl}/reset-password/${token}` };
      });
    },
  };
}
