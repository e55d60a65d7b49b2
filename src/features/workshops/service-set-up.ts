import { randomBytes } from 'node:crypto';
import { once } from '../../platform/db/idempotency';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { DEFAULT_SCRIPT, joinCode } from './board';
import { definitionProblems, LIMITS } from './schema';
import type { WorkshopInput } from './model';
import { checkPrompt, checkTimer, type WorkshopsContext } from './service-context';
import * as repo from './repository';

/** How long a join code opens its workshop. */
const CODE_TTL_MS = 30 * 86_400_000;

/** Setting a workshop up, and its script: the activities (questions and timers) and scripts saved for reuse. */
export function createSetUp({ db, deps, change, activityOf }: WorkshopsContext) {
  return {
    async create(
      programmeId: string,
      input: WorkshopInput,
      userId: string,
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<string> {
      // The forms and the API check this first, with every field at once; this keeps any other caller honest.
      const [field, message] = Object.entries(definitionProblems(input.kind, input.area, input.pillar))[0] ?? [];
      if (field) throw new FieldError(field, message!);
      if (input.area && deps.areaNames && !(await deps.areaNames(programmeId)).includes(input.area))
        throw new FieldError('area', 'Choose a clinical area of this programme from the list');
      const template = input.templateId ? await repo.getTemplate(db, input.templateId) : undefined;
      if (input.templateId && (!template || template.programmeId !== programmeId))
        throw new FieldError('templateId', 'Choose a script from the list');
      const script = template
        ? (template.activities as { prompt: string; timerSeconds: number | null }[])
        : DEFAULT_SCRIPT.map((prompt) => ({ prompt, timerSeconds: 600 }));
      return once(db, submissionKey, userId, async (tx) => {
        // A title names one workshop in a programme (and is the natural key that makes an API retry harmless).
        if (
          (await repo.workshopsOf(tx, programmeId)).some(
            (w) => w.title.toLowerCase() === input.title.trim().toLowerCase(),
          )
        ) {
          throw new FieldError(
            'title',
            `There is already a workshop called "${input.title.trim()}" in this programme. Choose another title`,
          );
        }
        let workshop: repo.Workshop | undefined;
        // Codes are random; a clash with a live code is rare, so try again.
        for (let i = 0; !workshop && i < 10; i++) {
          workshop = await repo.insertWorkshop(tx, {
            programmeId,
            kind: input.kind,
            title: input.title,
            area: input.area,
            pillar: input.pillar,
            startsAt: input.startsAt,
            place: input.place,
            onlineUrl: input.onlineUrl,
            anonymous: input.anonymous,
            facilitatorsSeeIdentity: input.facilitatorsSeeIdentity,
            joinCode: joinCode(randomBytes(6)),
            joinCodeExpiresAt: new Date(Date.now() + CODE_TTL_MS),
            createdBy: userId,
          });
        }
        if (!workshop) throw new Error('could not make a unique join code');
        await repo.insertActivities(
          tx,
          script.map((a, position) => ({
            workshopId: workshop.id,
            position,
            prompt: a.prompt,
            timerSeconds: a.timerSeconds,
          })),
        );
        await recordAudit(tx, ctx, {
          action: 'workshop.created',
          entityType: 'workshop',
          entityId: workshop.id,
          details: { programmeId, title: input.title, kind: input.kind },
        });
        return workshop.id;
      });
    },

    get: (id: string) => repo.getWorkshop(db, id),
    list: (programmeId: string) => repo.workshopsOf(db, programmeId),
    activities: (id: string) => repo.activitiesOf(db, id),
    templates: (programmeId: string) => repo.templatesOf(db, programmeId),

    async addActivity(
      workshop: repo.Workshop,
      prompt: string,
      timerSeconds: number | null,
      ctx: AuditContext,
      submissionKey?: string,
    ) {
      checkPrompt(prompt);
      checkTimer(timerSeconds);
      await change(
        workshop,
        ctx,
        'activity-added',
        async (tx) => {
          await repo.insertActivities(tx, [
            {
              workshopId: workshop.id,
              position: await repo.nextActivityPosition(tx, workshop.id),
              prompt: prompt.trim(),
              timerSeconds,
            },
          ]);
          return { prompt };
        },
        'workshop.changed',
        submissionKey,
      );
    },

    /** Swaps an activity with its neighbour: the keyboard way to reorder the script. */
    async moveActivity(workshop: repo.Workshop, activityId: string, direction: 'up' | 'down', ctx: AuditContext) {
      const list = await repo.activitiesOf(db, workshop.id);
      const i = list.findIndex((a) => a.id === activityId);
      const j = direction === 'up' ? i - 1 : i + 1;
      if (i < 0) throw new FieldError('activity', 'That activity is not part of this workshop');
      if (j < 0 || j >= list.length) return;
      await change(workshop, ctx, 'activity-moved', async (tx) => {
        await repo.updateActivity(tx, list[i]!.id, { position: list[j]!.position });
        await repo.updateActivity(tx, list[j]!.id, { position: list[i]!.position });
        return { activityId, direction };
      });
    },

    async deleteActivity(workshop: repo.Workshop, activityId: string, ctx: AuditContext) {
      const activity = await activityOf(workshop, activityId);
      if ((await repo.activeNotesCount(db, activity.id)) > 0)
        throw new FieldError(
          'activity',
          'This activity has notes, which are part of the record. Close it instead of deleting it',
        );
      if (workshop.currentActivityId === activity.id)
        throw new FieldError('activity', 'Start another activity before deleting the current one');
      await change(workshop, ctx, 'activity-deleted', async (tx) => {
        await repo.deleteActivity(tx, activity.id);
        return { prompt: activity.prompt };
      });
    },

    async saveTemplate(workshop: repo.Workshop, name: string, ctx: AuditContext, submissionKey?: string) {
      if (!name.trim() || name.length > LIMITS.template)
        throw new FieldError('templateName', `Name the script, in ${LIMITS.template} characters or fewer`);
      const list = await repo.activitiesOf(db, workshop.id);
      await once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        await repo.insertTemplate(
          tx,
          workshop.programmeId,
          name.trim(),
          list.map((a) => ({ prompt: a.prompt, timerSeconds: a.timerSeconds })),
        );
        await recordAudit(tx, ctx, {
          action: 'workshop.script-saved',
          entityType: 'workshop',
          entityId: workshop.id,
          details: { name },
        });
      });
    },
  };
}
