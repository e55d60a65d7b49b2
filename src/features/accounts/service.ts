import type { Platform } from '../../platform/http/types';
import { once } from '../../platform/db/idempotency';
import { sql, type Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/auth/passwords';
import * as repo from '../../platform/auth/repository';
import { randomToken, sha256 } from '../../platform/auth/secrets';
import {
  consumeLinkToken,
  issueLinkToken,
  retireLinkTokens,
  checkLinkToken,
  clearLinkTokenData,
} from '../../platform/tokens/link-tokens';
import { FieldError } from '../../platform/forms/forms';
import { isPlatformRole, isTokenScope, type PlatformRole } from '../../platform/auth/policy';
import { emailField } from '../../platform/auth/email';
import {
  accountDelayMs,
  accountKey,
  addressBlockedUntil,
  addressKey,
  FAILURE_WINDOW_MINUTES,
} from '../../platform/auth/throttle';
import { secretLink } from '../../platform/mail/mailer';

const RESET_PURPOSE = 'password-reset';
const RESET_TTL_MS = 60 * 60_000;
const REGISTER_PURPOSE = 'registration';
const REGISTER_TTL_MS = 24 * 3600_000;
/** The longest a personal access token can last. */
const MAX_TOKEN_DAYS = 365;

/**
 * Retires a subject's earlier links and issues a new one, holding a lock on the subject for the rest of the
 * transaction: without it, requests sent at the same moment (a double click, a script) each retire nothing
 * and every one of their links stays live.
 */
async function replaceLinkToken(tx: Db, input: Parameters<typeof issueLinkToken>[1]): Promise<string> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${input.purpose}:${input.subject}`}))`);
  await retireLinkTokens(tx, input.purpose, input.subject);
  return issueLinkToken(tx, input);
}

export type SignInResult =
  | { ok: true; user: repo.User }
  | { ok: false; reason: 'invalid' }
  /** This network address failed too often (SIGN_IN_ADDRESS_MAX_FAILURES): paused until then. */
  | { ok: false; reason: 'blocked'; until: Date }
  /** This account failed too often: the next attempt must wait. */
  | { ok: false; reason: 'wait'; seconds: number };

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
    const user = await repo.insertUser(tx, {
      email: input.email,
      name: input.name,
      passwordHash,
      profession: input.profession ?? null,
      organisation: input.organisation ?? null,
    });
    if (!user)
      throw new FieldError(
        'email',
        'An account with this email address already exists. Sign in, or reset your password if you have forgotten it',
      );
    for (const role of roles) await repo.grantRole(tx, user.id, role);
    await recordAudit(
      tx,
      { ...ctx, actorId: ctx.actorId ?? user.id, actorLabel: ctx.actorId ? ctx.actorLabel : user.email },
      {
        action: 'account.created',
        entityType: 'user',
        entityId: user.id,
        details: { email: user.email, roles },
      },
    );
    return user;
  }

  const service = {
    /** Creates an account. Throws FieldError for a taken email or a weak password; saves nothing then. */
    register(input: NewUser, ctx: AuditContext, roles: PlatformRole[] = []): Promise<repo.User> {
      return db.transaction((tx) => createUser(tx, input, ctx, roles));
    },

    createUser,

    /**
     * Starts a registration without saying whether the email has an account:
     * a new address gets a link that creates the account when opened; the owner
     * of an existing account gets an email saying someone tried. The caller shows
     * the same page either way. Throws FieldError only for what the form alone
     * shows (a weak password), before anything is looked up.
     */
    async requestRegistration(input: NewUser, ctx: AuditContext): Promise<void> {
      const problem = passwordProblem(input.password, [input.email, input.name]);
      if (problem) throw new FieldError('password', problem);
      // Hashed either way, so both answers take the same time.
      const passwordHash = await hashPassword(input.password);
      await db.transaction(async (tx) => {
        const existing = await repo.findUserByEmail(tx, input.email);
        if (existing) {
          await mailer.send(tx, {
            to: existing.email,
            subject: 'Someone tried to create a Waymark account with your email address',
            text: [
              `Hello ${existing.name},`,
              '',
              'Someone tried to create a Waymark account with this email address, which already has one. If it was you, sign in instead:',
              '',
              `${config.baseUrl}/sign-in`,
              '',
              `If you have forgotten your password, reset it: ${config.baseUrl}/forgot-password`,
              '',
              'If it was not you, you can ignore this email: nothing about your account has changed.',
            ].join('\n'),
          });
          await recordAudit(
            tx,
            { ...ctx, actorLabel: input.email },
            { action: 'account.registration-for-existing', entityType: 'user', entityId: existing.id },
          );
          return;
        }
        const data = {
          email: input.email,
          name: input.name,
          passwordHash,
          profession: input.profession ?? null,
          organisation: input.organisation ?? null,
        };
        const token = await replaceLinkToken(tx, {
          purpose: REGISTER_PURPOSE,
          subject: input.email,
          ttlMs: REGISTER_TTL_MS,
          data,
        });
        await mailer.send(tx, {
          to: input.email,
          subject: 'Finish creating your Waymark account',
          text: [
            `Hello ${input.name},`,
            '',
            'To finish creating your Waymark account, open this link within 24 hours:',
            '',
            secretLink(`${config.baseUrl}/register/confirm/${token}`),
            '',
            'If you did not ask for an account, you can ignore this email: nothing will be created.',
          ].join('\n'),
        });
      });
    },

    checkRegistrationToken(token: string) {
      return checkLinkToken(db, REGISTER_PURPOSE, token);
    },

    /** Creates the account a registration link was sent for: the link proves the email is theirs. */
    async completeRegistration(
      token: string,
      ctx: AuditContext,
    ): Promise<{ ok: true; user: repo.User } | { ok: false; problem: 'invalid' | 'expired' | 'used' | 'taken' }> {
      return db.transaction(async (tx) => {
        const used = await consumeLinkToken(tx, REGISTER_PURPOSE, token);
        if (!used.ok) return used;
        const d = used.token.data as {
          email: string;
          name: string;
          passwordHash: string;
          profession: string | null;
          organisation: string | null;
        };
        // The link is spent: its copy of the password hash and details goes now, whatever happens next.
        await clearLinkTokenData(tx, used.token.id);
        const user = await repo.insertUser(tx, d);
        if (!user) return { ok: false as const, problem: 'taken' as const };
        await recordAudit(
          tx,
          { ...ctx, actorId: user.id, actorLabel: user.email },
          {
            action: 'account.created',
            entityType: 'user',
            entityId: user.id,
            details: { email: user.email, roles: [] },
          },
        );
        return { ok: true as const, user };
      });
    },

    /**
     * Checks a password, throttled per network address and per account (see
     * platform/auth/throttle.ts): a blocked address or an account still waiting
     * is refused before the password is looked at.
     */
    async signIn(email: string, password: string, ctx: AuditContext, now = new Date()): Promise<SignInResult> {
      const account = accountKey(email);
      const address = addressKey(ctx.ip ?? 'unknown');
      const rows = await repo.getFailures(db, [account, address]);
      const blocked = rows.find((r) => r.key === address)?.notBefore;
      if (blocked && blocked > now) return { ok: false, reason: 'blocked', until: blocked };
      const waitUntil = rows.find((r) => r.key === account)?.notBefore;
      if (waitUntil && waitUntil > now)
        return { ok: false, reason: 'wait', seconds: Math.ceil((waitUntil.getTime() - now.getTime()) / 1000) };
      const user = await repo.findUserByEmail(db, email);
      // Verify against a real hash even for unknown emails so timing does not reveal who has an account.
      const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
      if (!user || !valid) {
        const [byAccount, byAddress] = [
          await repo.countFailure(db, account, now, FAILURE_WINDOW_MINUTES),
          await repo.countFailure(db, address, now, FAILURE_WINDOW_MINUTES),
        ];
        const delay = accountDelayMs(byAccount.failures, config.signInMaxFailures);
        if (delay > 0) await repo.setNotBefore(db, account, new Date(now.getTime() + delay));
        // The address has its own, much higher limit: many people can share it.
        const until = addressBlockedUntil(
          byAddress.failures,
          config.signInAddressMaxFailures,
          config.signInLockMinutes,
          now,
        );
        if (until) await repo.setNotBefore(db, address, until);
        await recordAudit(
          db,
          { ...ctx, actorLabel: email },
          {
            action: 'account.sign-in-failed',
            entityType: 'user',
            entityId: user?.id ?? null,
            details: { failures: byAccount.failures, fromAddress: byAddress.failures },
          },
        );
        if (until) return { ok: false, reason: 'blocked', until };
        return { ok: false, reason: 'invalid' };
      }
      // The account's count ends with a success; the address keeps its own, or a guesser could reset it with an account of theirs.
      await repo.clearFailures(db, account);
      await repo.updateUser(db, user.id, { lastSignInAt: now });
      await recordAudit(
        db,
        { ...ctx, actorId: user.id, actorLabel: user.email },
        { action: 'account.signed-in', entityType: 'user', entityId: user.id },
      );
      return { ok: true, user };
    },

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

    async updateProfile(
      userId: string,
      values: { name: string; profession: string | null; organisation: string | null },
      ctx: AuditContext,
    ) {
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
     * Creates a token and returns it (the only time it exists in clear; only its
     * hash is kept). It expires after `expiresInDays` (a year at most) and can do
     * only what its scopes allow. A repeated submit of the same form creates
     * nothing and returns no token: only the id is remembered, never the secret.
     */
    async createApiToken(
      userId: string,
      input: { name: string; expiresInDays: number; scopes: string[] },
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<{ token?: string; id: string }> {
      if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > MAX_TOKEN_DAYS)
        throw new FieldError('expiresInDays', 'Choose when the token expires: a token lasts a year at most');
      if (input.scopes.length === 0 || !input.scopes.every(isTokenScope))
        throw new FieldError('areas', 'Choose areas from the list');
      const token = randomToken('wm_pat_');
      const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
      const { name, scopes } = input;
      let created = false;
      const id = await once(db, submissionKey, userId, async (tx) => {
        const row = await repo.insertApiToken(tx, {
          userId,
          name,
          tokenHash: sha256(token),
          hint: token.slice(-4),
          expiresAt,
          scopes,
        });
        await recordAudit(tx, ctx, {
          action: 'api-token.created',
          entityType: 'api_token',
          entityId: row.id,
          details: { name, expiresAt, scopes },
        });
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
        await service.setRole(existing.id, 'admin', true, ctx);
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

    /** Grants or removes a platform role. Refuses to remove the last admin. */
    async setRole(userId: string, role: string, grant: boolean, ctx: AuditContext): Promise<void> {
      if (!isPlatformRole(role)) throw new FieldError('role', 'Choose a role from the list');
      await db.transaction(async (tx) => {
        if (!grant && role === 'admin' && (await repo.countRole(tx, 'admin')) <= 1) {
          throw new FieldError(
            'role',
            'Waymark must keep at least one platform admin. Make someone else an admin first',
          );
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
    },
  };
  return service;
}

export type AccountsService = ReturnType<typeof createAccountsService>;

// A real argon2id hash of a random string, so an unknown email costs the same time as a known one.
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomToken()));
