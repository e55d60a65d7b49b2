import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { once } from '../../platform/db/idempotency';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import type { ProgrammeInput } from './schema';
import type { ProgrammesContext } from './service-context';
import { DEFAULT_AREAS, DEFAULT_STAKEHOLDER_TYPES, evidenceOf, stageOverview } from './stages';

const NAME_TAKEN = 'A programme with this name already exists. Choose another name';

/** Setting up a programme: its name, clinical areas and stakeholder types; listing programmes and their overview. */
export function createSetup({ db, deps }: ProgrammesContext) {
  return {
    /** Creates a programme with its areas, stakeholder types and stages. A repeated submit returns the first programme. */
    async create(
      input: Omit<ProgrammeInput, '_submission'>,
      creatorId: string | null,
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<string> {
      return once(db, submissionKey, creatorId, async (tx) => {
        if (await repo.findProgrammeByName(tx, input.name)) throw new FieldError('name', NAME_TAKEN);
        const programme = await repo.insertProgramme(tx, {
          name: input.name,
          description: input.description,
          createdBy: creatorId,
        });
        if (!programme) throw new FieldError('name', NAME_TAKEN);
        await repo.syncAreas(tx, programme.id, input.areas.length ? input.areas : DEFAULT_AREAS);
        await repo.syncStakeholderTypes(
          tx,
          programme.id,
          input.stakeholderTypes.length ? input.stakeholderTypes : DEFAULT_STAKEHOLDER_TYPES,
        );
        await recordAudit(tx, ctx, {
          action: 'programme.created',
          entityType: 'programme',
          entityId: programme.id,
          details: { name: input.name, areas: input.areas, stakeholderTypes: input.stakeholderTypes },
        });
        return programme.id;
      });
    },

    async update(id: string, input: Omit<ProgrammeInput, '_submission'>, ctx: AuditContext): Promise<void> {
      await db.transaction(async (tx) => {
        const other = await repo.findProgrammeByName(tx, input.name);
        if (other && other.id !== id) throw new FieldError('name', NAME_TAKEN);
        await repo.updateProgramme(tx, id, { name: input.name, description: input.description });
        await repo.syncAreas(tx, id, input.areas);
        await repo.syncStakeholderTypes(tx, id, input.stakeholderTypes);
        await recordAudit(tx, ctx, {
          action: 'programme.updated',
          entityType: 'programme',
          entityId: id,
          details: { name: input.name, areas: input.areas, stakeholderTypes: input.stakeholderTypes },
        });
      });
    },

    /** The programmes a user can open: all of them for an admin. */
    async listFor(userId: string, isAdmin: boolean) {
      if (isAdmin) return repo.listProgrammes(db);
      const roles = await repo.rolesInProgrammes(db, userId);
      return repo.listProgrammes(db, [...new Set(roles.map((r) => r.programmeId))]);
    },

    /** Everything the programme home page shows. */
    async overview(id: string) {
      const programme = await repo.getProgramme(db, id);
      if (!programme) return undefined;
      const [areas, types, stages, memberCount, activity] = await Promise.all([
        repo.areasOf(db, id),
        repo.stakeholderTypesOf(db, id),
        repo.stagesOf(db, id),
        repo.countMembers(db, id),
        deps.stageActivity?.(id),
      ]);
      return {
        programme,
        areas,
        stakeholderTypes: types,
        memberCount,
        ...stageOverview(stages, activity ? evidenceOf(activity) : {}),
      };
    },

    get: (id: string) => repo.getProgramme(db, id),
    areasOf: (id: string) => repo.areasOf(db, id),
    stakeholderTypesOf: (id: string) => repo.stakeholderTypesOf(db, id),
  };
}
