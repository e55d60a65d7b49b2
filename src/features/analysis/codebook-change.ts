import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { once } from '../../platform/db/idempotency';
import type { Db } from '../../platform/db/database';
import { FieldError } from '../../platform/forms/forms';
import { MAX_CODE_DEPTH } from './codebook';
import * as repo from './repository-codes';

/** What the codebook's service parts share: how a change runs and is recorded, and the messages they give. */

type Code = repo.Code;

export const quoted = (name: string) => `“${name}”`;

/** The message for a name already used beside a code: under `parent`, or at the top level. */
export function duplicateMessage(name: string, parent: Code | undefined) {
  return parent
    ? `${quoted(parent.name)} already has a sub-code called ${quoted(name)}. Choose another name`
    : `There is already a top-level code called ${quoted(name)}. Choose another name`;
}

export const depthMessage = `Codes can be nested at most ${MAX_CODE_DEPTH} levels deep`;

/** A code of this programme that is still live (not merged away), or a message against `field`. */
export function liveCode(codes: Code[], id: string, field: string, message: string): Code {
  const code = codes.find((c) => c.id === id && c.mergedIntoId === null);
  if (!code) throw new FieldError(field, message);
  return code;
}

/** Runs a change of the programme's codebook: once per submission key, in one transaction holding the codebook. */
export function codebookChange(db: Db) {
  return <T>(programmeId: string, userId: string, key: string | undefined, work: (tx: Db) => Promise<T>) =>
    once(db, key, userId, async (tx) => {
      await repo.lockCodebook(tx, programmeId);
      return work(tx);
    });
}

/** The audit record of a change to a code. */
export const auditCode = (
  tx: Db,
  ctx: AuditContext,
  action: string,
  codeId: string,
  details: Record<string, unknown>,
) =>
  recordAudit(tx, ctx, { action: `analysis.code-${action}`, entityType: 'analysis_code', entityId: codeId, details });
