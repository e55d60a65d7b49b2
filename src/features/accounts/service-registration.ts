import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { hashPassword, passwordProblem } from '../../platform/auth/passwords';
import type { PlatformRole } from '../../platform/auth/policy';
import * as repo from '../../platform/auth/repository';
import type { Db } from '../../platform/db/database';
import { FieldError } from '../../platform/forms/forms';
import { secretLink } from '../../platform/mail/mailer';
import { checkLinkToken, clearLinkTokenData, consumeLinkToken } from '../../platform/tokens/link-tokens';
import { REGISTER_PURPOSE, REGISTER_TTL_MS, replaceLinkToken, type AccountsContext } from './service-context';

export interface NewUser {
  email: string;
  name: string;
  password: string;
  profession?: string | null;
  organisation?: string | null;
}

/**
 * Creates an account inside the caller's transaction. Throws FieldError for a weak password or a taken
 * email; saves nothing then.
 */
export async function createUser(
  tx: Db,
  input: NewUser,
  ctx: AuditContext,
  roles: PlatformRole[] = [],
): Promise<repo.User> {
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

/** Registration: an account is made only once the emailed link proves the address is the person's. */
export function createRegistration({ db, config, mailer }: AccountsContext) {
  return {
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
  };
}
