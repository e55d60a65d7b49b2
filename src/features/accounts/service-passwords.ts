import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/auth/passwords';
import * as repo from '../../platform/auth/repository';
import { accountKey } from '../../platform/auth/throttle';
import { FieldError } from '../../platform/forms/forms';
import { secretLink } from '../../platform/mail/mailer';
import { checkLinkToken, consumeLinkToken, retireLinkTokens } from '../../platform/tokens/link-tokens';
import { RESET_PURPOSE, RESET_TTL_MS, replaceLinkToken, type AccountsContext } from './service-context';

/** Passwords: resetting a forgotten one from an emailed link, and changing one's own. */
export function createPasswords({ db, config, mailer }: AccountsContext) {
  return {
    /**
     * Always behaves the same whether or not the address has an account. A new
     * link retires the earlier ones, so only the latest email works.
     */
    async requestPasswordReset(email: string, ctx: AuditContext): Promise<void> {
      const user = await repo.findUserByEmail(db, email);
      if (!user) return;
      await db.transaction(async (tx) => {
        const token = await replaceLinkToken(tx, { purpose: RESET_PURPOSE, subject: user.id, ttlMs: RESET_TTL_MS });
        await mailer.send(tx, {
          to: user.email,
          subject: 'Reset your Waymark password',
          text: [
            `Hello ${user.name},`,
            '',
            'Someone asked to reset the password for your Waymark account. If it was you, open this link within 1 hour:',
            '',
            secretLink(`${config.baseUrl}/reset-password/${token}`),
            '',
            'The link works once, and only the latest one sent works. If you did not ask for this, you can ignore this email: your password has not changed.',
          ].join('\n'),
        });
        await recordAudit(
          tx,
          { ...ctx, actorLabel: email },
          { action: 'account.password-reset-requested', entityType: 'user', entityId: user.id },
        );
      });
    },

    checkResetToken(token: string) {
      return checkLinkToken(db, RESET_PURPOSE, token);
    },

    /** Sets a new password from a reset link, signs the user out everywhere and retires older links. */
    async resetPassword(
      token: string,
      password: string,
      ctx: AuditContext,
    ): Promise<{ ok: true; user: repo.User } | { ok: false; problem: 'invalid' | 'expired' | 'used' }> {
      const checked = await checkLinkToken(db, RESET_PURPOSE, token);
      if (!checked.ok) return checked;
      const user = await repo.findUserById(db, checked.token.subject);
      if (!user) return { ok: false, problem: 'invalid' };
      const problem = passwordProblem(password, [user.email, user.name]);
      if (problem) throw new FieldError('password', problem);
      const passwordHash = await hashPassword(password);
      return db.transaction(async (tx) => {
        const used = await consumeLinkToken(tx, RESET_PURPOSE, token);
        if (!used.ok) return used;
        await retireLinkTokens(tx, RESET_PURPOSE, user.id);
        await repo.updateUser(tx, user.id, { passwordHash });
        await repo.deleteSessionsOfUser(tx, user.id);
        await repo.clearFailures(tx, accountKey(user.email));
        await recordAudit(
          tx,
          { ...ctx, actorId: user.id, actorLabel: user.email },
          { action: 'account.password-reset', entityType: 'user', entityId: user.id },
        );
        return { ok: true as const, user };
      });
    },

    async changePassword(
      user: repo.User,
      current: string,
      next: string,
      ctx: AuditContext,
      keepSessionHash?: string,
    ): Promise<void> {
      if (!(await verifyPassword(user.passwordHash, current)))
        throw new FieldError('currentPassword', 'Your current password is not correct');
      const problem = passwordProblem(next, [user.email, user.name]);
      if (problem) throw new FieldError('newPassword', problem);
      if (current === next)
        throw new FieldError('newPassword', 'Your new password must be different from your current password');
      const passwordHash = await hashPassword(next);
      await db.transaction(async (tx) => {
        await repo.updateUser(tx, user.id, { passwordHash });
        await repo.deleteSessionsOfUser(tx, user.id, keepSessionHash);
        await recordAudit(tx, ctx, { action: 'account.password-changed', entityType: 'user', entityId: user.id });
      });
    },
  };
}
