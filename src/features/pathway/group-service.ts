import { maskEmail } from '../../platform/auth/email';
import type { Platform } from '../../platform/http/types';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { findUserByEmail, findUserById, rolesOf } from '../../platform/auth/repository';
import { checkLinkToken, issueLinkToken, retireLinkTokens, type LinkProblem } from '../../platform/tokens/link-tokens';
import { once } from '../../platform/db/idempotency';
import { secretLink } from '../../platform/mail/mailer';
import type { FrameworksService } from '../frameworks/service';
import type { PathwayService } from './service';
import * as repo from './repository';
import { aggregate, summariseMember, type MemberSummary } from './cohort';
import { deriveStage, EVIDENCE_KINDS, type PathwayStage } from './stage';

export const GROUP_KINDS = { team: 'Team', cohort: 'Cohort' } as const;
export const INVITATION_PURPOSE = 'group-invitation';
const INVITATION_TTL_MS = 30 * 86_400_000;

export type GroupKind = keyof typeof GROUP_KINDS;

/** Cohort figures are kept this long per instance: many people open a big cohort, and a minute-old figure is fine. */
export const COHORT_CACHE_MS = 60_000;

/**
 * Teams (members share goals and evidence, credited to each) and cohorts (an
 * educator, supervisor or programme lead follows members' progress figures,
 * never their reflections). Membership needs the member's acceptance.
 */
export function createGroupService(platform: Platform, frameworks: FrameworksService, pathway: PathwayService) {
  const { db, mailer, config } = platform;
  const today = () => new Date().toISOString().slice(0, 10);
  const cohortCache = new Map<string, { at: number; value: Promise<CohortFigures> }>();
  const forget = (groupId: string) => cohortCache.delete(groupId);

  return {
    async create(
      ownerId: string,
      input: { kind: GroupKind; name: string; versionId: string; programmeId: string | null },
      ctx: AuditContext,
      submissionKey?: string,
    ) {
      const version = await frameworks.findVersionById(input.versionId);
      if (!version || version.status !== 'published') throw new FieldError('versionId', 'Choose a published framework');
      return once(db, submissionKey, ownerId, async (tx) => {
        const g = await repo.insertGroup(tx, {
          kind: input.kind,
          name: input.name,
          frameworkVersionId: version.id,
          programmeId: input.programmeId,
          ownerId,
        });
        // A team's founder is its first member; a cohort's organiser watches it from outside.
        if (input.kind === 'team') await repo.addMember(tx, g.id, ownerId, true);
        await recordAudit(tx, ctx, {
          action: 'pathway.group-created',
          entityType: 'pathway_group',
          entityId: g.id,
          details: { kind: input.kind, name: input.name },
        });
        return g;
      });
    },

    get: (id: string) => repo.getGroup(db, id),
    membersOf: (groupId: string) => repo.membersOf(db, groupId),
    ownedBy: (userId: string) => repo.groupsOwnedBy(db, userId),
    ofProgrammes: (programmeIds: string[]) => repo.groupsOfProgrammes(db, programmeIds),

    /** Invites a practitioner by email; they share nothing until they accept. */
    async invite(group: repo.Group, email: string, ctx: AuditContext) {
      const user = await findUserByEmail(db, email);
      if (!user || !(await rolesOf(db, user.id)).includes('practitioner'))
        throw new FieldError(
          'email',
          'There is no practitioner with that email in Waymark. Check the address, or ask them to register first',
        );
      const added = await db.transaction(async (tx) => {
        const ok = await repo.addMember(tx, group.id, user.id, false);
        if (!ok) return false;
        // The link names the invitation, so whoever opens it signed in as someone else is told, and nothing changes.
        const token = await issueLinkToken(tx, {
          purpose: INVITATION_PURPOSE,
          subject: `${group.id}:${user.id}`,
          ttlMs: INVITATION_TTL_MS,
          data: { groupId: group.id, userId: user.id, email: user.email },
        });
        await mailer.send(tx, {
          to: user.email,
          subject: `You are invited to the ${group.kind} “${group.name}”`,
          text: [
            `Hello ${user.name},`,
            '',
            group.kind === 'team'
              ? `You are invited to follow the pathway as part of the team “${group.name}”: its members share goals and evidence.`
              : `You are invited to join the cohort “${group.name}”. If you accept, whoever runs it${group.programmeId ? ' and the leads of the programme it belongs to' : ''} see your progress figures (stage, coverage by domain, last activity) — never your reflections.`,
            '',
            `Sign in as ${user.email} to accept or decline:`,
            secretLink(`${config.baseUrl}/pathway/invitations/${token}`),
            '',
            `The invitation is also on your pathway page: ${config.baseUrl}/pathway`,
          ].join('\n'),
        });
        await recordAudit(tx, ctx, {
          action: 'pathway.group-invited',
          entityType: 'pathway_group',
          entityId: group.id,
          details: { userId: user.id },
        });
        return true;
      });
      if (!added) throw new FieldError('email', `${user.name} is already invited`);
      return user;
    },

    memberships: (userId: string) => repo.membershipsOf(db, userId),

    /**
     * What an invitation link shows the signed-in person: the invitation if it
     * was sent to them, or that it was sent to another address (partly hidden).
     * Only the invited account can answer it.
     */
    async invitation(
      token: string,
      userId: string,
    ): Promise<{ ok: false; problem: LinkProblem } | { ok: true; group: repo.Group; forOther: string | null }> {
      const checked = await checkLinkToken(db, INVITATION_PURPOSE, token);
      if (!checked.ok) return checked;
      const data = checked.token.data as { groupId?: string; userId?: string; email?: string };
      const group = data.groupId ? await repo.getGroup(db, data.groupId) : undefined;
      if (!group) return { ok: false, problem: 'invalid' };
      if (data.userId !== userId) {
        const invited = data.userId ? await findUserById(db, data.userId) : undefined;
        return { ok: true, group, forOther: maskEmail(invited?.email ?? data.email ?? '') };
      }
      const pending = (await repo.membershipsOf(db, userId)).some((m) => m.group.id === group.id && !m.acceptedAt);
      return pending ? { ok: true, group, forOther: null } : { ok: false, problem: 'used' };
    },

    async accept(groupId: string, userId: string, ctx: AuditContext) {
      const ok = await repo.acceptMembership(db, groupId, userId);
      if (ok) await retireLinkTokens(db, INVITATION_PURPOSE, `${groupId}:${userId}`);
      forget(groupId);
      if (ok)
        await recordAudit(db, ctx, { action: 'pathway.group-joined', entityType: 'pathway_group', entityId: groupId });
      return ok;
    },

    async leave(groupId: string, userId: string, ctx: AuditContext) {
      const ok = await db.transaction(async (tx) => {
        const removed = await repo.removeMember(tx, groupId, userId);
        if (removed) await repo.unshareFromGroup(tx, groupId, userId);
        await retireLinkTokens(tx, INVITATION_PURPOSE, `${groupId}:${userId}`);
        return removed;
      });
      forget(groupId);
      if (ok)
        await recordAudit(db, ctx, { action: 'pathway.group-left', entityType: 'pathway_group', entityId: groupId });
      return ok;
    },

    /** Accepted team memberships of a user on a framework version: the teams whose shared work counts for them. */
    async teamIdsFor(userId: string, versionId: string) {
      return (await repo.membershipsOf(db, userId))
        .filter((m) => m.acceptedAt && m.group.kind === 'team' && m.group.frameworkVersionId === versionId)
        .map((m) => m.group.id);
    },

    /** Evidence team-mates shared, credited to this pathway. */
    async sharedWith(p: repo.Pathway, teamIds: string[]) {
      return (await repo.sharedWith(db, teamIds, p.id)).map((r) => ({
        ...r.evidence,
        authorName: r.authorName,
        kindName: EVIDENCE_KINDS[r.evidence.kind as keyof typeof EVIDENCE_KINDS] ?? r.evidence.kind,
      }));
    },

    /** The team page: members and the evidence shared with the team (titles and kinds, not reflections). */
    async teamView(group: repo.Group) {
      const [members, shared] = await Promise.all([repo.membersOf(db, group.id), repo.sharedEvidenceOf(db, group.id)]);
      return {
        members,
        shared: shared.map((s) => ({
          id: s.evidence.id,
          title: s.evidence.title,
          kindName: EVIDENCE_KINDS[s.evidence.kind as keyof typeof EVIDENCE_KINDS] ?? s.evidence.kind,
          status: s.evidence.status,
          authorName: s.authorName,
        })),
      };
    },

    /** Drops a cohort's cached figures, so the next view computes them afresh. */
    forgetCohort: (groupId: string) => forget(groupId),

    /** The cohort figures, computed at most once a minute per instance (and again when someone joins or leaves here). */
    cohortView(group: repo.Group): Promise<CohortFigures> {
      const hit = cohortCache.get(group.id);
      if (hit && Date.now() - hit.at < COHORT_CACHE_MS) return hit.value;
      const value = computeCohort(group).catch((err: unknown) => {
        forget(group.id);
        throw err;
      });
      cohortCache.set(group.id, { at: Date.now(), value });
      return value;
    },

    /** Anonymised figures for a programme: every cohort that belongs to it, people counted once. */
    async programmeAggregates(programmeId: string) {
      const cohorts = (await repo.groupsOfProgrammes(db, [programmeId])).filter((g) => g.kind === 'cohort');
      const seen = new Map<string, CohortFigures['rows'][number]>();
      // Only people following the cohort's framework: someone who joined but never started says nothing about the pathway.
      for (const c of cohorts)
        for (const r of (await this.cohortView(c)).rows) if (r.following && !seen.has(r.id)) seen.set(r.id, r);
      return { cohorts: cohorts.length, ...aggregate([...seen.values()]) };
    },
  };

  /**
   * The cohort view: for each member who accepted, their stage and progress by
   * domain at that stage (self-assessed confident, statements with evidence),
   * evidence counts and whether they have stalled. Five queries, whatever the size.
   */
  async function computeCohort(group: repo.Group, now = new Date()): Promise<CohortFigures> {
    const statements = await pathway.statementsOf(group.frameworkVersionId);
    const domains = [...new Map(statements.filter((s) => s.domain).map((s) => [s.domain!.code, s.domain!])).values()];
    const refs = statements.map((s) => ({
      identifier: s.identifier,
      stage: s.stage,
      domainCode: s.domain?.code ?? '',
    }));
    const members = await repo.cohortMembers(db, group.id, group.frameworkVersionId);
    const ids = members.map((m) => m.pathwayId).filter((x): x is string => !!x);
    const [figures, covered, levels, signoffs] = await Promise.all([
      repo.evidenceFigures(db, ids),
      repo.coveredStatements(db, ids),
      repo.latestLevels(db, ids),
      repo.signoffsOfMany(db, ids),
    ]);
    const fig = new Map(figures.map((f) => [f.pathwayId, f]));
    const cov = new Map<string, Set<string>>();
    for (const c of covered)
      (cov.get(c.pathwayId) ?? cov.set(c.pathwayId, new Set()).get(c.pathwayId)!).add(c.statementIdentifier);
    const lev = new Map<string, Map<string, string>>();
    const lastAssessed = new Map<string, Date>();
    for (const l of levels) {
      (lev.get(l.pathwayId) ?? lev.set(l.pathwayId, new Map()).get(l.pathwayId)!).set(l.statementIdentifier, l.level);
      if (!lastAssessed.has(l.pathwayId) || lastAssessed.get(l.pathwayId)! < l.assessedAt)
        lastAssessed.set(l.pathwayId, l.assessedAt);
    }
    const signed = new Map<string, Set<string>>();
    for (const s of signoffs)
      (signed.get(s.pathwayId) ?? signed.set(s.pathwayId, new Set()).get(s.pathwayId)!).add(s.stage);
    const rows = members.map((m) => {
      const stage = deriveStage(
        m.profile?.consultantPostStart ?? null,
        today(),
        (m.profile?.stageOverride as PathwayStage | null) ?? null,
      ).stage;
      const f = m.pathwayId ? fig.get(m.pathwayId) : undefined;
      const last =
        [f?.lastChange ?? null, m.pathwayId ? (lastAssessed.get(m.pathwayId) ?? null) : null]
          .filter((d): d is Date => d !== null)
          .sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
      const summary = summariseMember(
        {
          stage,
          covered: cov.get(m.pathwayId ?? '') ?? new Set(),
          levels: lev.get(m.pathwayId ?? '') ?? new Map(),
          evidence: f?.total ?? 0,
          confirmed: f?.confirmed ?? 0,
          lastActivity: last,
        },
        refs,
        domains.map((d) => d.code),
        now,
      );
      return {
        id: m.id,
        name: m.name,
        stage,
        following: !!m.pathwayId,
        signedOff: signed.get(m.pathwayId ?? '') ?? new Set<string>(),
        ...summary,
      };
    });
    return {
      domains,
      rows,
      stalled: rows.filter((r) => r.stalled).length,
      aggregate: aggregate(rows),
      computedAt: now,
    };
  }
}

export type GroupService = ReturnType<typeof createGroupService>;

export interface CohortFigures {
  domains: { code: string; text: string }[];
  rows: (MemberSummary & {
    id: string;
    name: string;
    stage: PathwayStage;
    following: boolean;
    signedOff: Set<string>;
  })[];
  stalled: number;
  aggregate: ReturnType<typeof aggregate>;
  computedAt: Date;
}
