import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import * as repo from './repository';
import type { ProgrammesContext } from './service-context';
import type { StageKey, StageState } from './stages';

/** The co-creation stages as the lead records them (stages.ts derives what the other features' records show). */
export function createStages({ db }: ProgrammesContext) {
  return {
    async setStage(
      programmeId: string,
      stage: StageKey,
      state: StageState,
      note: string,
      userId: string,
      ctx: AuditContext,
    ) {
      await db.transaction(async (tx) => {
        await repo.setStage(tx, programmeId, stage, state, note, userId);
        await recordAudit(tx, ctx, {
          action: 'programme.stage-updated',
          entityType: 'programme',
          entityId: programmeId,
          details: { stage, state, note },
        });
      });
    },
  };
}
