import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { isTokenScope } from '../../platform/auth/policy';
import * as repo from '../../platform/auth/repository';
import { randomToken, sha256 } from '../../platform/auth/secrets';
import { once } from '../../platform/db/idempotency';
import { FieldError } from '../../platform/forms/forms';
import type { TokenInput } from './schema';
import type { AccountsContext } from './service-context';

/** The longest a personal access token can last. */
const MAX_TOKEN_DAYS = 365;

/** Personal access tokens for the JSON API. */
export function createTokens({ db }: AccountsContext) {
  return {
    /**
     * Creates a token and returns it (the only time it exists in clear; only its
     * hash is kept). It expires after `expiresInDays` (a year at most) and can do
     * only what its scopes allow. A repeated submit of the same form creates
     * nothing and returns no token: only the id is remembered, never the secret.
     */
    async createApiToken(
      userId: string,
      input: TokenInput,
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
  };
}
