import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords';
import * as repo from '../../platform/auth/repository';
import { randomToken } from '../../platform/auth/secrets';
import {
  accountDelayMs,
  accountKey,
  addressBlockedUntil,
  addressKey,
  FAILURE_WINDOW_MINUTES,
} from '../../platform/auth/throttle';
import type { AccountsContext } from './service-context';

export type SignInResult =
  | { ok: true; user: repo.User }
  | { ok: false; reason: 'invalid' }
  /** This network address failed too often (SIGN_IN_ADDRESS_MAX_FAILURES): paused until then. */
  | { ok: false; reason: 'blocked'; until: Date }
  /** This account failed too often: the next attempt must wait. */
  | { ok: false; reason: 'wait'; seconds: number };

// A real argon2id hash of a random string, so an unknown email costs the same time as a known one.
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomToken()));

/** Signing in, with the lockout rules that slow password guessing. */
export function createSignIn({ db, config }: AccountsContext) {
  return {
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
  };
}
