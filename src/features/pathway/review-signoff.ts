import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { findUserById } from '../../platform/auth/repository';
import {
  buildAchievementCredential,
  decodeUnverified,
  issuerKeys,
  signCredential,
  verifyCredential,
} from '../../platform/credentials/open-badges';
import * as repo from './repository';
import { deriveStage, isEarlierStage, PATHWAY_STAGES, STAGE_NAMES, type PathwayStage } from './stage';
import { ReviewProblem, type ReviewContext } from './review-context';

/** Stage sign-off with its Open Badges 3.0 credential, and checking badges: stored ones and pasted ones. */
export function createSignoffs({ db, mailer, config, frameworks }: ReviewContext) {
  return {
    /**
     * Signs off a stage of a practitioner's pathway and issues an Open Badges
     * 3.0 credential for it. Each stage is signed off once.
     */
    async signOff(
      pathway: repo.Pathway,
      supervisorId: string,
      input: { stage: string; comment: string; earlier: boolean },
      ctx: AuditContext,
    ) {
      const { stage, comment } = input;
      if (!(PATHWAY_STAGES as readonly string[]).includes(stage))
        throw new FieldError('stage', 'Choose the stage to sign off');
      // A badge for a stage before the one the practitioner is at is possible (it may have been missed), but never by accident.
      const profile = await repo.getProfile(db, pathway.userId);
      const current = deriveStage(
        profile?.consultantPostStart ?? null,
        new Date().toISOString().slice(0, 10),
        (profile?.stageOverride as PathwayStage | null) ?? null,
      ).stage;
      if (isEarlierStage(stage as PathwayStage, current) && !input.earlier)
        throw new FieldError(
          'earlier',
          `${STAGE_NAMES[stage as PathwayStage]} is earlier than the practitioner’s current stage (${STAGE_NAMES[current]}). Tick the box to say you mean to sign off the earlier stage`,
        );
      const [sup, practitioner, version] = await Promise.all([
        findUserById(db, supervisorId),
        findUserById(db, pathway.userId),
        frameworks.findVersionById(pathway.frameworkVersionId),
      ]);
      const framework = version ? await frameworks.frameworkOf(version) : undefined;
      if (!sup || !practitioner || !version || !framework)
        throw new ReviewProblem('This pathway can no longer be signed off');
      const id = randomUUID();
      const stageName = STAGE_NAMES[stage as PathwayStage];
      const credential = buildAchievementCredential({
        id: `${config.baseUrl}/badges/${id}`,
        issuer: { id: `${config.baseUrl}/badges/issuer`, name: 'Waymark', url: config.baseUrl },
        subject: { id: `urn:uuid:${practitioner.id}`, name: practitioner.name },
        achievement: {
          id: `urn:waymark:achievement:${version.id}:${stage}`,
          name: `${framework.title}: ${stageName}`,
          description: `Signed off by a supervisor as meeting the statements for “${stageName}” of ${framework.title}, version ${version.label}.`,
          criteria: `Evidence against the statements for this stage, reviewed and signed off by the practitioner’s supervisor (${sup.name}).`,
        },
        validFrom: new Date(),
      });
      const jwt = await signCredential(credential, await issuerKeys(db));
      return db.transaction(async (tx) => {
        const row = await repo.insertSignoff(tx, {
          id,
          pathwayId: pathway.id,
          stage,
          supervisorId,
          supervisorName: sup.name,
          comment: comment.trim(),
          credential: jwt,
        });
        if (!row) throw new FieldError('stage', `${stageName} is already signed off for this pathway`);
        await mailer.send(tx, {
          to: practitioner.email,
          subject: `${stageName} signed off`,
          text: [
            `Hello ${practitioner.name},`,
            '',
            `${sup.name} has signed off “${stageName}” of ${framework.title}.`,
            '',
            'Your badge, which anyone can check, is here:',
            `${config.baseUrl}/badges/${id}`,
          ].join('\n'),
        });
        await recordAudit(tx, ctx, {
          action: 'pathway.stage-signed-off',
          entityType: 'pathway',
          entityId: pathway.id,
          details: { stage, signoffId: id },
        });
        return row;
      });
    },

    signoffsOf: (pathwayId: string) => repo.signoffsOf(db, pathwayId),

    // ---- badges ----------------------------------------------------------------------

    async publicKey() {
      return (await issuerKeys(db)).publicJwk;
    },

    /** A stored badge checked against the issuer's key, as the public verification page shows it. */
    async badge(id: string) {
      const s = await repo.getSignoff(db, id);
      if (!s) return undefined;
      const result = await verifyCredential(s.credential, (await issuerKeys(db)).publicJwk);
      return { signoff: s, result, jwt: s.credential };
    },

    /** Checks a credential someone pasted: the signature, and that we issued it and still hold it. */
    async verifyPasted(jwt: string) {
      const result = await verifyCredential(jwt.trim(), (await issuerKeys(db)).publicJwk);
      if (result.ok) {
        // A genuine signature is not enough: the sign-off must still be on record here.
        const id = result.credential.id.startsWith(`${config.baseUrl}/badges/`)
          ? result.credential.id.slice(`${config.baseUrl}/badges/`.length)
          : '';
        const held = /^[0-9a-f-]{36}$/.test(id) ? await repo.getSignoff(db, id) : undefined;
        if (!held) return { result: { ok: false as const, problem: 'not-held' as const }, claimed: result.credential };
      }
      return { result, claimed: result.ok ? undefined : decodeUnverified(jwt.trim()) };
    },
  };
}
