import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { findUserById } from '../../platform/auth/repository';
import { FileProblem } from '../../platform/storage/files';
import type { FrameworksService } from '../frameworks/service';
import * as repo from './repository';
import { readRules, rulesProblems } from './rules';
import { textProblems } from '../../platform/forms/text-guard';
import { portfolioLimitProblem } from './portfolio-limits';
import { maskEmail } from '../../platform/auth/email';
import { EVIDENCE_KINDS, levelNamesOf, LEVELS, TEMPLATES } from './stage';
import { portfolioSchema } from './portfolio-format';
import type { PortfolioContext } from './portfolio-context';

/** The file was exported from someone else's account: the importer must say it is theirs before anything is added. */
export class OtherPersonProblem extends Error {
  constructor(
    readonly practitionerName: string,
    readonly maskedEmail: string | null,
  ) {
    super('This portfolio was made for another person');
  }
}

/** The framework version a portfolio refers to, by its id or else by its framework and version label. */
async function findVersion(
  frameworks: FrameworksService,
  ref: { identifier: string; versionId: string; versionLabel: string },
) {
  const byId = await frameworks.findVersionById(ref.versionId);
  if (byId) return byId;
  const match = (await frameworks.allVersions()).find(
    (v) => v.frameworkId === ref.identifier && v.label === ref.versionLabel,
  );
  return match ? frameworks.findVersionById(match.id) : undefined;
}

/** Reading a portfolio file back in: limits first, then the format, the framework, whose it is, and what may come in. */
export function createPortfolioImport({ db, config, frameworks, pathway, plan }: PortfolioContext) {
  return {
    /**
     * Imports a portfolio exported by any Waymark into this user's account, on
     * the same framework version (found by its id, or by framework and version
     * label). Importing the same file again adds nothing twice.
     */
    async import(userId: string, raw: unknown, ctx: AuditContext, opts: { confirmOther?: boolean } = {}) {
      // Counts and attachment sizes first, on the raw file: nothing is decoded or stored for a file that breaks them.
      const tooBig = portfolioLimitProblem(raw, config.attachmentMaxBytes);
      if (tooBig) throw new FieldError('file', tooBig);
      const parsed = portfolioSchema.safeParse(raw);
      if (!parsed.success) {
        const i = parsed.error.issues[0]!;
        throw new FieldError(
          'file',
          `This is not a Waymark portfolio we can read: ${i.path.join('.') || 'the file'}: ${i.message}`,
        );
      }
      const doc = parsed.data;
      const version = await findVersion(frameworks, doc.framework);
      if (!version || version.status === 'draft')
        throw new FieldError(
          'file',
          `This portfolio follows ${doc.framework.title || 'a framework'} version ${doc.framework.versionLabel}, which this Waymark does not have. Ask an administrator to import that framework first`,
        );
      // Someone else's portfolio (by the name or address it was exported from) comes in only when the importer says it is theirs.
      const me = await findUserById(db, userId);
      const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
      const otherEmail = !!doc.practitioner.email && !!me && !same(doc.practitioner.email, me.email);
      const otherName = !!doc.practitioner.name && !!me && !same(doc.practitioner.name, me.name);
      if ((otherEmail || otherName) && !opts.confirmOther)
        throw new OtherPersonProblem(
          doc.practitioner.name,
          doc.practitioner.email ? maskEmail(doc.practitioner.email) : null,
        );
      // The area framework comes along when this Waymark has it (same lookup as the core one).
      const area = doc.areaFramework ? await findVersion(frameworks, doc.areaFramework) : undefined;
      const areaVersionId = area && area.status === 'published' ? area.id : null;
      const statements = new Set(
        [
          ...(await pathway.statementsOf(version.id)),
          ...(areaVersionId ? await pathway.statementsOf(areaVersionId) : []),
        ].map((s) => s.identifier),
      );
      // Rules and scale words come along only if they would be accepted here.
      const rules = readRules(doc.rules);
      const names = levelNamesOf(doc.levelNames);
      const distinct = new Set(Object.values(names).map((n) => n.toLowerCase())).size === LEVELS.length;
      const report = {
        evidence: 0,
        skippedEvidence: 0,
        withPatientIdentifiers: 0,
        links: 0,
        skippedLinks: 0,
        attachments: 0,
        skippedAttachments: [] as string[],
        assessments: 0,
        goals: 0,
        pathwayId: '',
      };
      const stored: string[] = [];
      try {
        await db.transaction(async (tx) => {
          const p = await repo.insertPathway(tx, {
            userId,
            frameworkVersionId: version.id,
            areaVersionId,
            rules: Object.keys(rulesProblems(rules)).length ? {} : { ...rules },
            levelNames: distinct ? names : {},
          });
          report.pathwayId = p.id;
          if (areaVersionId && !p.areaVersionId) await repo.setArea(tx, p.id, areaVersionId);
          const seen = new Set(
            (await repo.evidenceOf(tx, p.id)).map((e) => `${e.kind}|${e.title}|${e.occurredOn ?? ''}`),
          );
          const had = new Set(
            (await repo.assessmentsOf(tx, p.id)).map((a) => `${a.statementIdentifier}|${a.assessedAt.toISOString()}`),
          );
          const fresh = doc.selfAssessments.filter(
            (a) => statements.has(a.statement) && !had.has(`${a.statement}|${new Date(a.assessedAt).toISOString()}`),
          );
          await repo.insertAssessments(
            tx,
            fresh.map((a) => ({
              pathwayId: p.id,
              statementIdentifier: a.statement,
              level: a.level,
              assessedAt: new Date(a.assessedAt),
            })),
          );
          report.assessments = fresh.length;
          for (const e of doc.evidence) {
            const key = `${e.kind}|${e.title}|${e.occurredOn ?? ''}`;
            if (seen.has(key) || !(e.kind in EVIDENCE_KINDS)) {
              report.skippedEvidence++;
              continue;
            }
            // The same guard as every form: any free text that looks like an NHS number keeps the item out.
            if (Object.keys(textProblems({ ...e, attachments: [] })).length) {
              report.withPatientIdentifiers++;
              continue;
            }
            seen.add(key);
            // Everything arrives as a draft: a confirmation given elsewhere is kept as history, marked as
            // imported, but this Waymark cannot vouch for it, so it never counts as confirmed here.
            const row = await repo.insertEvidence(tx, {
              pathwayId: p.id,
              kind: e.kind,
              title: e.title,
              occurredOn: e.occurredOn,
              template: e.template in TEMPLATES ? e.template : 'none',
              reflection: e.reflection,
              status: 'draft',
              createdAt: new Date(e.createdAt),
            });
            report.evidence++;
            for (const l of e.links) {
              if (!statements.has(l.statement)) {
                report.skippedLinks++;
                continue;
              }
              await repo.upsertLink(tx, {
                evidenceId: row.id,
                statementIdentifier: l.statement,
                pathwayId: p.id,
                reason: l.reason,
              });
              report.links++;
            }
            for (const c of e.confirmations.filter((x) => x.outcome === 'confirmed' || x.outcome === 'returned'))
              await repo.insertConfirmation(tx, {
                evidenceId: row.id,
                method: 'imported',
                outcome: c.outcome,
                confirmerName: c.confirmerName,
                confirmerRole: c.confirmerRole,
                confirmerRegistration: c.confirmerRegistration,
                confirmerOrganisation: c.confirmerOrganisation,
                statement: c.statement,
                createdAt: new Date(c.requestedAt),
                decidedAt: c.decidedAt ? new Date(c.decidedAt) : null,
              });
            for (const a of e.attachments) {
              try {
                const f = await plan.files.save(Buffer.from(a.base64, 'base64'), a.filename);
                stored.push(f.key);
                await repo.insertAttachment(tx, {
                  evidenceId: row.id,
                  filename: f.filename,
                  contentType: f.contentType,
                  size: f.size,
                  storageKey: f.key,
                  sha256: f.sha256,
                });
                report.attachments++;
              } catch (err) {
                if (!(err instanceof FileProblem)) throw err;
                report.skippedAttachments.push(`${a.filename}: ${err.message}`);
              }
            }
          }
          const goalsHad = new Set((await repo.goalsOf(tx, p.id)).map((g) => g.title));
          for (const g of doc.plan.filter((x) => !goalsHad.has(x.title))) {
            if (Object.keys(textProblems(g)).length) {
              report.withPatientIdentifiers++;
              continue;
            }
            const [row] = await repo.insertGoals(tx, [
              {
                pathwayId: p.id,
                title: g.title,
                statementIdentifier: g.statement && statements.has(g.statement) ? g.statement : null,
                status: g.status,
                targetOn: g.targetOn,
              },
            ]);
            for (const a of g.actions)
              await repo.insertAction(tx, { goalId: row!.id, text: a.text, dueOn: a.dueOn, done: a.done });
            report.goals++;
          }
          await recordAudit(tx, ctx, {
            action: 'pathway.portfolio-imported',
            entityType: 'pathway',
            entityId: p.id,
            details: { from: doc.exportedFrom, evidence: report.evidence, skipped: report.skippedEvidence },
          });
        });
      } catch (err) {
        await plan.removeFiles(stored);
        throw err;
      }
      return report;
    },
  };
}
