import { once } from '../../platform/db/idempotency';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import type { DelphiContext } from './service-context';
import { settingsOf, type StudySettings } from './study-settings';

/** Study set-up: creating a study, its settings and the log of changes to them once round 1 has opened. */
export function createStudySetup({ db }: DelphiContext) {
  return {
    async createStudy(
      programmeId: string,
      s: StudySettings & { withSuggestions: boolean },
      userId: string,
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<string> {
      return once(db, submissionKey, userId, async (tx) => {
        const study = await repo.insertStudy(tx, {
          programmeId,
          title: s.title,
          purpose: s.purpose,
          scale: s.scale,
          allowUnable: s.allowUnable,
          rule: s.rule,
          quartileMethod: s.quartileMethod,
          everyGroup: s.everyGroup,
          reasonDistance: s.reasonDistance,
          namesInExports: s.namesInExports,
          createdBy: userId,
        });
        if (s.withSuggestions) await repo.insertRound(tx, study.id, 0);
        await repo.insertRound(tx, study.id, 1);
        await recordAudit(tx, ctx, {
          action: 'delphi.study-created',
          entityType: 'delphi_study',
          entityId: study.id,
          details: { programmeId, title: s.title },
        });
        return study.id;
      });
    },

    getStudy: (id: string) => repo.getStudy(db, id),
    studiesOf: (programmeId: string) => repo.studiesOf(db, programmeId),
    settingChanges: (studyId: string) => repo.settingChanges(db, studyId),

    /**
     * Changes settings. Once round 1 has opened, the rule, scale and quartile
     * method are fixed: changing them needs a reason, which is logged for the report.
     */
    async updateSettings(study: repo.Study, s: StudySettings, reason: string, userId: string, ctx: AuditContext) {
      const before = settingsOf(study);
      const analytic = (x: StudySettings) =>
        JSON.stringify({
          rule: x.rule,
          scale: x.scale,
          q: x.quartileMethod,
          every: x.everyGroup,
          unable: x.allowUnable,
        });
      const changed = analytic(before) !== analytic(s);
      if (study.lockedAt && changed && !reason.trim()) {
        throw new FieldError(
          'reason',
          'Round 1 has opened, so the rule, scale and quartile method are fixed. Give a reason for changing them; reports will state it',
        );
      }
      await db.transaction(async (tx) => {
        await repo.updateStudy(tx, study.id, { ...s });
        if (study.lockedAt && changed)
          await repo.insertSettingChange(tx, {
            studyId: study.id,
            changedBy: userId,
            reason: reason.trim(),
            before,
            after: s,
          });
        await recordAudit(tx, ctx, {
          action: 'delphi.settings-changed',
          entityType: 'delphi_study',
          entityId: study.id,
          details: { before, after: s, reason },
        });
      });
    },
  };
}
