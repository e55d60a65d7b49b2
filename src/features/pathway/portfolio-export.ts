import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { findUserById } from '../../platform/auth/repository';
import { toPdf } from '../../exports/pdf';
import * as repo from './repository';
import { deriveStage, type Level, type PathwayStage } from './stage';
import { PORTFOLIO_FORMAT, type Portfolio } from './portfolio-format';
import type { PortfolioContext } from './portfolio-context';
import { portfolioReport } from './portfolio-report';

/** The portfolio as one document: the portable JSON record (with or without file contents) and the PDF for a panel. */
export function createPortfolioExport({ db, config, frameworks, pathway, plan }: PortfolioContext) {
  async function build(p: repo.Pathway, withFiles: boolean): Promise<Portfolio> {
    const [user, profileRow, version, statements, history, list, meetings, signoffs, goals] = await Promise.all([
      findUserById(db, p.userId),
      repo.getProfile(db, p.userId),
      frameworks.findVersionById(p.frameworkVersionId),
      pathway.pathwayStatements(p),
      repo.assessmentsOf(db, p.id),
      repo.evidenceOf(db, p.id),
      repo.meetingsOf(db, p.userId),
      repo.signoffsOf(db, p.id),
      repo.goalsOf(db, p.id),
    ]);
    const fw = version ? await frameworks.frameworkOf(version) : undefined;
    const areaVersion = p.areaVersionId ? await frameworks.findVersionById(p.areaVersionId) : undefined;
    const areaFw = areaVersion ? await frameworks.frameworkOf(areaVersion) : undefined;
    const ids = list.map((e) => e.id);
    const [links, confirmations, attachments, actions] = await Promise.all([
      repo.linksOf(db, ids),
      repo.confirmationsOf(db, ids),
      repo.attachmentsOf(db, ids),
      repo.actionsOf(
        db,
        goals.map((g) => g.id),
      ),
    ]);
    const codeOf = new Map(statements.map((s) => [s.identifier, s.code]));
    const stage = deriveStage(
      profileRow?.consultantPostStart ?? null,
      new Date().toISOString().slice(0, 10),
      (profileRow?.stageOverride as PathwayStage | null) ?? null,
    ).stage;
    return {
      format: PORTFOLIO_FORMAT,
      formatVersion: 1,
      exportedAt: new Date().toISOString(),
      exportedFrom: config.baseUrl,
      practitioner: {
        name: user?.name ?? '',
        email: user?.email ?? '',
        profession: profileRow?.profession ?? '',
        registration: profileRow?.registration ?? '',
        clinicalArea: profileRow?.clinicalArea ?? null,
        currentPost: profileRow?.currentPost ?? '',
        employer: profileRow?.employer ?? '',
        consultantPostStart: profileRow?.consultantPostStart ?? null,
        stage,
        stageOverride: profileRow?.stageOverride ?? null,
        overrideReason: profileRow?.overrideReason ?? '',
      },
      framework: {
        identifier: fw?.id ?? p.frameworkVersionId,
        shortName: fw?.shortName ?? '',
        title: fw?.title ?? '',
        versionId: p.frameworkVersionId,
        versionLabel: version?.label ?? '',
      },
      areaFramework:
        areaVersion && areaFw
          ? {
              identifier: areaFw.id,
              shortName: areaFw.shortName,
              title: areaFw.title,
              versionId: areaVersion.id,
              versionLabel: areaVersion.label,
            }
          : null,
      rules: { ...pathway.rules(p) },
      levelNames: pathway.levelNames(p),
      selfAssessments: history.map((h) => ({
        statement: h.statementIdentifier,
        code: codeOf.get(h.statementIdentifier) ?? '',
        level: h.level as Level,
        assessedAt: h.assessedAt.toISOString(),
      })),
      evidence: await Promise.all(
        list.map(async (e) => ({
          id: e.id,
          kind: e.kind,
          title: e.title,
          occurredOn: e.occurredOn,
          template: e.template,
          reflection: e.reflection,
          status: e.status as Portfolio['evidence'][number]['status'],
          createdAt: e.createdAt.toISOString(),
          links: links
            .filter((l) => l.evidenceId === e.id)
            .map((l) => ({
              statement: l.statementIdentifier,
              code: codeOf.get(l.statementIdentifier) ?? '',
              reason: l.reason,
            })),
          confirmations: confirmations
            .filter((c) => c.evidenceId === e.id)
            .map((c) => ({
              method: c.method as 'link' | 'supervisor' | 'imported',
              outcome: c.outcome as 'confirmed' | 'returned' | 'withdrawn' | null,
              confirmerName: c.confirmerName,
              confirmerRole: c.confirmerRole,
              confirmerRegistration: c.confirmerRegistration,
              confirmerOrganisation: c.confirmerOrganisation,
              statement: c.statement,
              requestedAt: c.createdAt.toISOString(),
              decidedAt: c.decidedAt?.toISOString() ?? null,
            })),
          attachments: await Promise.all(
            attachments
              .filter((a) => a.evidenceId === e.id)
              .map(async (a) => ({
                filename: a.filename,
                contentType: a.contentType,
                size: a.size,
                sha256: a.sha256,
                base64: withFiles ? (await plan.files.read(a.storageKey)).toString('base64') : '',
              })),
          ),
        })),
      ),
      plan: goals.map((g) => ({
        title: g.title,
        statement: g.statementIdentifier,
        status: g.status as 'not-started' | 'in-progress' | 'done',
        targetOn: g.targetOn,
        actions: actions.filter((a) => a.goalId === g.id).map((a) => ({ text: a.text, dueOn: a.dueOn, done: a.done })),
      })),
      meetings: meetings.map((m) => ({
        heldOn: m.meeting.heldOn,
        supervisorName: m.supervisorName,
        notes: m.meeting.notes,
        agreedActions: m.meeting.agreedActions,
      })),
      signoffs: signoffs.map((s) => ({
        stage: s.stage,
        supervisorName: s.supervisorName,
        comment: s.comment,
        signedAt: s.signedAt.toISOString(),
        credential: s.credential,
        verifyAt: `${config.baseUrl}/badges/${s.id}`,
      })),
    };
  }

  return {
    build,

    async json(p: repo.Pathway, ctx: AuditContext) {
      const doc = await build(p, true);
      await recordAudit(db, ctx, {
        action: 'pathway.portfolio-exported',
        entityType: 'pathway',
        entityId: p.id,
        details: { format: 'json' },
      });
      return doc;
    },

    async pdf(p: repo.Pathway, ctx: AuditContext) {
      const doc = await build(p, false);
      await recordAudit(db, ctx, {
        action: 'pathway.portfolio-exported',
        entityType: 'pathway',
        entityId: p.id,
        details: { format: 'pdf' },
      });
      return toPdf(portfolioReport(doc, await pathway.pathwayStatements(p)));
    },

    statementsOf: (p: repo.Pathway) => pathway.pathwayStatements(p),

    /** All of a person's portfolios (without file contents), for "download your data". */
    async ofUser(userId: string) {
      return Promise.all((await repo.pathwaysOf(db, userId)).map((p) => build(p, false)));
    },
  };
}
export type PortfolioExport = ReturnType<typeof createPortfolioExport>;
