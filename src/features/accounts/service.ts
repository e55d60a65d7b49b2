import type { Platform } from '../../platform/http/types';
import { once } from '../../platform/db/idempotency';
import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/auth/passwords';
import * as repo from '../../platform/auth/repository';
import { randomToken, sha256 } from '../../platform/auth/secrets';
import { consumeLinkToken, issueLinkToken, retireLinkTokens, checkLinkToken } from '../../platform/tokens/link-tokens';
import { FieldError } from '../../platform/forms/forms';
import { isPlatformRole, type PlatformRole } from '../../platform/auth/policy';
import { emailField } from '../../platform/auth/email';

const RESET_PURPOSE = 'password-reset';
const RESET_TTL_MS = 60 * 60_000;
// Failures are counted over this window before the lock applies.
const FAILURE_WINDOW_MINUTES = 15;

export type SignInResult =
  | { ok: true; user: repo.User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date };

export interface NewUser {
  email: string;
  name: string;
  password: string;
  profession?: string | null;
  organisation?: string | null;
}

/** Accounts: registration, sign-in with lockout, password reset and change, profile, access tokens. */
export function createAccountsService(platform: Platform) {
  const { db, config, mailer } = platform;

  async function createUser(tx: Db, input: NewUser, ctx: AuditContext, roles: PlatformRole[] = []): Promise<repo.User> {
    const problem = passwordProblem(input.password, [input.email, input.name]);
    if (problem) throw new FieldError('password', problem);
    const passwordHash = await hashPassword(input.password);
    const user = await repo.insertUser(tx, { email: input.email, name: input.name, passwordHash, profession: input.profession ?? null, organisation: input.organisation ?? null });
    if (!user) throw new FieldError('email', 'An account with this email address already exists. Sign in, or reset your password if you have forgotten it');
    for (const role of roles) await repo.grantRole(tx, user.id, role);
    await recordAudit(tx, { ...ctx, actorId: ctx.actorId ?? user.id, actorLabel: ctx.actorId ? ctx.actorLabel : user.email }, {
      action: 'account.created',
      entityType: 'user',
      entityId: user.id,
      details: { email: user.email, roles },
    });
    return user;
  }

  const service = {
    /** Creates an account. Throws FieldError for a taken email or a weak password; saves nothing then. */
    register(input: NewUser, ctx: AuditContext, roles: PlatformRole[] = []): Promise<repo.User> {
      return db.transaction((tx) => createUser(tx, input, ctx, roles));
    },

    createUser,

    async signIn(email: string, password: string, ctx: AuditContext, now = new Date()): Promise<SignInResult> {
      const throttle = await repo.getThrottle(db, email);
      if (throttle?.lockedUntil && throttle.lockedUntil > now) return { ok: false, reason: 'locked', until: throttle.lockedUntil };
      const user = await repo.findUserByEmail(db, email);
      // Verify against a real hash even for unknown emails so timing does not reveal who has an account.
      const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
      if (!user || !valid) {
        const row = await repo.recordFailure(db, email, now, FAILURE_WINDOW_MINUTES, config.signInMaxFailures, config.signInLockMinutes);
        await recordAudit(db, { ...ctx, actorLabel: email }, { action: 'account.sign-in-failed', entityType: 'user', entityId: user?.id ?? null, details: { failures: row.failures } });
        if (row.lockedUntil && row.lockedUntil > now) return { ok: false, reason: 'locked', until: row.lockedUntil };
        return { ok: false, reason: 'invalid' };
      }
      await repo.clearThrottle(db, email);
      await repo.updateUser(db, user.id, { lastSignInAt: now });
      await recordAudit(db, { ...ctx, actorId: user.id, actorLabel: user.email }, { action: 'account.signed-in', entityType: 'user', entityId: user.id });
      return { ok: true, user };
    },

    /** Always behaves the same whether or not the address has an account. */
    async requestPasswordReset(email: string, ctx: AuditContext): Promise<void> {
      const user = await repo.findUserByEmail(db, email);
      if (!user) return;
      await db.transaction(async (tx) => {
        const token = await issueLinkToken(tx, { purpose: RESET_PURPOSE, subject: user.id, ttlMs: RESET_TTL_MS });
        await mailer.send(tx, {
          to: user.email,
          subject: 'Reset your Waymark password',
          text: [
            `Hello ${user.name},`,
            '',
            'Someone asked to reset the password for your Waymark account. If it was you, open this link within 1 hour:',
            '',
            `${config.baseUrl}/reset-password/${token}`,
            '',
            'The link works once. If you did not ask for this, you can ignore this email: your password has not changed.',
          ].join('\n'),
        });
        await recordAudit(tx, { ...ctx, actorLabel: email }, { action: 'account.password-reset-requested', entityType: 'user', entityId: user.id });
      });
    },

    checkResetToken(token: string) {
      return checkLinkToken(db, RESET_PURPOSE, token);
    },

    /** Sets a new password from a reset link, signs the user out everywhere and retires older links. */
    async resetPassword(token: string, password: string, ctx: AuditContext): Promise<{ ok: true; user: repo.User } | { ok: false; problem: 'invalid' | 'expired' | 'used' }> {
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
        await repo.clearThrottle(tx, user.email);
        await recordAudit(tx, { ...ctx, actorId: user.id, actorLabel: user.email }, { action: 'account.password-reset', entityType: 'user', entityId: user.id });
        return { ok: true as const, user };
      });
    },

    async changePassword(user: repo.User, current: string, next: string, ctx: AuditContext, keepSessionHash?: string): Promise<void> {
      if (!(await verifyPassword(user.passwordHash, current))) throw new FieldError('currentPassword', 'Your current password is not correct');
      const problem = passwordProblem(next, [user.email, user.name]);
      if (problem) throw new FieldError('newPassword', problem);
      if (current === next) throw new FieldError('newPassword', 'Your new password must be different from your current password');
      const passwordHash = await hashPassword(next);
      await db.transaction(async (tx) => {
        await repo.updateUser(tx, user.id, { passwordHash });
        await repo.deleteSessionsOfUser(tx, user.id, keepSessionHash);
        await recordAudit(tx, ctx, { action: 'account.password-changed', entityType: 'user', entityId: user.id });
      });
    },

    async updateProfile(userId: string, values: { name: string; profession: string | null; organisation: string | null }, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        await repo.updateUser(tx, userId, values);
        await recordAudit(tx, ctx, { action: 'account.profile-updated', entityType: 'user', entityId: userId, details: values });
      });
    },

    /** Returns the raw token; it is shown once and only its hash is kept. */
    /**
     * Creates a token and returns it (the only time it exists in clear). A
     * repeated submit of the same form creates nothing and returns no token:
     * only the id is remembered, never the secret.
     */
    async createApiToken(userId: string, name: string, expiresInDays: number | null, ctx: AuditContext, submissionKey?: string): Promise<{ token?: string; id: string }> {
      const token = randomToken('wm_pat_');
      const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null;
      let created = false;
      const id = await once(db, submissionKey, userId, async (tx) => {
        const row = await repo.insertApiToken(tx, { userId, name, tokenHash: sha256(token), hint: token.slice(-4), expiresAt });
        await recordAudit(tx, ctx, { action: 'api-token.created', entityType: 'api_token', entityId: row.id, details: { name, expiresAt } });
        created = true;
        return row.id;
      });
      return created ? { token, id } : { id };
    },

    listApiTokens: (userId: string) => repo.listApiTokens(db, userId),

    async revokeApiToken(userId: string, id: string, ctx: AuditContext): Promise<boolean> {
      return db.transaction(async (tx) => {
        const done = await repo.revokeApiToken(tx, userId, id);
        if (done) await recordAudit(tx, ctx, { action: 'api-token.revoked', entityType: 'api_token', entityId: id });
        return done;
      });
    },

    /** Pass `on` when calling inside another transaction (the embedded database has one connection). */
    findUserByEmail: (email: string, on: Db = db) => repo.findUserByEmail(on, email),
    findUserById: (id: string) => repo.findUserById(db, id),
    rolesOf: (userId: string) => repo.rolesOf(db, userId),
    countUsers: () => repo.countUsers(db),
    listUsers: (opts: { q?: string; limit: number; offset: number }) => repo.listUsers(db, opts),
    rolesOfMany: (ids: string[]) => repo.rolesOfMany(db, ids),

    /**
     * Makes a platform admin from the command line. An existing account gets the role;
     * a new one without a password gets a set-password link valid for 24 hours.
     */
    async createAdmin(input: { email: string; name?: string; password?: string }): Promise<{ email: string; link?: string }> {
      const email = emailField.safeParse(input.email);
      if (!email.success) throw new Error(email.error.issues[0]!.message);
      const ctx: AuditContext = { actorId: null, actorLabel: 'command line' };
      const existing = await repo.findUserByEmail(db, email.data);
      if (existing) {
        // Recorded only if they were not an admin already.
        await service.setRole(existing.id, 'admin', true, ctx);
        return { email: existing.email };
      }
      const name = input.name?.trim() || email.data.split('@')[0]!;
      if (input.password) {
        try {
          await db.transaction((tx) => createUser(tx, { email: email.data, name, password: input.password! }, ctx, ['admin']));
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
        await recordAudit(tx, ctx, { action: 'account.created', entityType: 'user', entityId: user.id, details: { email: user.email, roles: ['admin'] } });
        const token = await issueLinkToken(tx, { purpose: RESET_PURPOSE, subject: user.id, ttlMs: 24 * 3600_000 });
        return { email: user.email, link: `${config.baseUrl}/reset-password/${token}` };
      });
    },

    /**
     * Deletes the signed-in person's account after checking their password.
     * Memberships, roles, sessions and tokens go with it; notes and ratings they
     * made stay in programme records without their name. The audit log keeps
     * its entries (it is append-only), including this deletion.
     */
    async deleteOwnAccount(user: repo.User, password: string, ctx: AuditContext): Promise<void> {
      if (!(await verifyPassword(user.passwordHash, password))) throw new FieldError('password', 'Your password is not correct');
      await db.transaction(async (tx) => {
        const roles = await repo.rolesOf(tx, user.id);
        if (roles.includes('admin') && (await repo.countRole(tx, 'admin')) <= 1) {
          throw new FieldError('password', 'You are the only platform admin. Make someone else an admin before deleting your account');
        }
        await repo.deleteUser(tx, user.id);
        await recordAudit(tx, ctx, { action: 'account.deleted', entityType: 'user', entityId: user.id });
      });
    },

    /** Grants or removes a platform role. Refuses to remove the last admin. */
    async setRole(userId: string, role: string, grant: boolean, ctx: AuditContext): Promise<void> {
      if (!isPlatformRole(role)) throw new FieldError('role', 'Choose a role from the list');
      await db.transaction(async (tx) => {
        if (!grant && role === 'admin' && (await repo.countRole(tx, 'admin')) <= 1) {
          throw new FieldError('role', 'Waymark must keep at least one platform admin. Make someone else an admin first');
        }
        const changed = grant ? await repo.grantRole(tx, userId, role) : await repo.revokeRole(tx, userId, role);
        if (changed) await recordAudit(tx, ctx, { action: grant ? 'role.granted' : 'role.revoked', entityType: 'user', entityId: userId, details: { role } });
      });
    },
  };
  return service;
}

export type AccountsService = ReturnType<typeof createAccountsService>;

// A real argon2id hash of a random string, so an unknown email costs the same time as a known one.
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomToken()));
