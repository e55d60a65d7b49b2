import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import { today, type PathwayContext } from './service-context';
import { deriveStage, type PathwayStage } from './stage';

export interface ProfileInput {
  profession: string;
  registration: string;
  clinicalArea: string | null;
  currentPost: string;
  employer: string;
  consultantPostStart: string | null;
  stageOverride: PathwayStage | null;
  overrideReason: string;
}

/** The practitioner's profile and stage, and the pathways they follow (a core framework, with an area one beside it). */
export function createProfiles({ db, frameworks }: PathwayContext) {
  async function profile(userId: string) {
    const p = await repo.getProfile(db, userId);
    const stage = deriveStage(
      p?.consultantPostStart ?? null,
      today(),
      (p?.stageOverride as PathwayStage | null) ?? null,
    );
    return { profile: p, ...stage };
  }

  return {
    profile,

    async saveProfile(userId: string, input: ProfileInput, ctx: AuditContext) {
      if (input.consultantPostStart && input.consultantPostStart > today())
        throw new FieldError('consultantPostStart', 'The start date must be today or in the past');
      if (input.stageOverride && !input.overrideReason.trim())
        throw new FieldError('overrideReason', 'Say why your stage differs from the one your start date gives');
      await db.transaction(async (tx) => {
        await repo.saveProfile(tx, {
          userId,
          ...input,
          overrideReason: input.stageOverride ? input.overrideReason.trim() : '',
        });
        await recordAudit(tx, ctx, {
          action: 'pathway.profile-saved',
          entityType: 'practitioner',
          entityId: userId,
          details: { stageOverride: input.stageOverride },
        });
      });
    },

    async pathways(userId: string) {
      const list = await repo.pathwaysOf(db, userId);
      return Promise.all(
        list.map(async (p) => {
          const version = await frameworks.findVersionById(p.frameworkVersionId);
          const fw = version ? await frameworks.frameworkOf(version) : undefined;
          return { ...p, version, framework: fw };
        }),
      );
    },

    /** Published core frameworks with something to assess at this stage: the ones worth offering to follow. */
    async followable(stage: PathwayStage) {
      const published = (await frameworks.list(false)).filter((r) => r.framework.kind === 'core');
      const withStage = await Promise.all(
        published.map(async (r) =>
          (await frameworks.itemsOf(r.version!.id)).some((i) => i.type === 'statement' && i.stage === stage) ? r : null,
        ),
      );
      return withStage
        .filter((r) => r !== null)
        .map((r) => ({ value: r.version!.id, text: `${r.framework.title} (version ${r.version!.label})` }));
    },

    /** A practitioner at a glance, for their supervisor's list: stage, evidence in all and waiting for a decision. */
    async glance(userId: string) {
      const [{ stage }, list] = await Promise.all([profile(userId), repo.pathwaysOf(db, userId)]);
      const figures = await repo.evidenceFigures(
        db,
        list.map((p) => p.id),
      );
      return {
        stage,
        evidence: figures.reduce((n, f) => n + f.total, 0),
        waiting: figures.reduce((n, f) => n + f.submitted, 0),
      };
    },

    /** Starts following a published core framework version; following it again returns the same pathway. */
    async start(userId: string, versionId: string, ctx: AuditContext) {
      const version = await frameworks.findVersionById(versionId);
      if (!version || version.status !== 'published') throw new FieldError('versionId', 'Choose a published framework');
      const existing = await repo.findPathway(db, userId, version.id);
      if (existing) return existing;
      return db.transaction(async (tx) => {
        const p = await repo.insertPathway(tx, { userId, frameworkVersionId: version.id });
        await recordAudit(tx, ctx, {
          action: 'pathway.started',
          entityType: 'pathway',
          entityId: p.id,
          details: { versionId },
        });
        return p;
      });
    },

    /** The practitioner's own pathway, or undefined for anyone else's. */
    async own(pathwayId: string, userId: string) {
      const p = await repo.getPathway(db, pathwayId);
      return p && p.userId === userId ? p : undefined;
    },

    /** Adds (or with null, removes) an area framework alongside the core one: a published area framework only. */
    async setArea(pathway: repo.Pathway, areaVersionId: string | null, ctx: AuditContext) {
      if (areaVersionId) {
        const version = await frameworks.findVersionById(areaVersionId);
        const fw = version ? await frameworks.frameworkOf(version) : undefined;
        if (!version || version.status !== 'published' || fw?.kind !== 'area')
          throw new FieldError('areaVersionId', 'Choose a published area framework');
      }
      await db.transaction(async (tx) => {
        await repo.setArea(tx, pathway.id, areaVersionId);
        await recordAudit(tx, ctx, {
          action: 'pathway.area-set',
          entityType: 'pathway',
          entityId: pathway.id,
          details: { areaVersionId },
        });
      });
    },
  };
}

export type Profiles = ReturnType<typeof createProfiles>;
