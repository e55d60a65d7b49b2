import { z } from 'zod';
import type { Platform } from '../../platform/http/types';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { ukDate } from '../../platform/forms/dates';
import { findUserById } from '../../platform/auth/repository';
import {
  activeLinkTokens,
  checkLinkToken,
  issueLinkTokenWithId,
  revokeLinkToken,
} from '../../platform/tokens/link-tokens';
import { FileProblem } from '../../platform/storage/files';
import { once } from '../../platform/db/idempotency';
import { toPdf } from '../../exports/pdf';
import type { Block } from '../../exports/report';
import type { FrameworksService } from '../frameworks/service';
import type { PathwayService } from './service';
import { GOAL_STATUSES, type PlanService } from './plan-service';
import * as repo from './repository';
import { readRules, rulesProblems } from './rules';
import { textProblems } from '../../platform/forms/text-guard';
import { portfolioLimitProblem } from './portfolio-limits';
import { maskEmail } from '../../platform/auth/email';
import {
  deriveStage,
  STATUS_NAMES,
  EVIDENCE_KINDS,
  levelNamesOf,
  LEVELS,
  STAGE_NAMES,
  TEMPLATES,
  type Level,
  type PathwayStage,
} from './stage';

export const SHARE_PURPOSE = 'portfolio-share';
export const PORTFOLIO_FORMAT = 'waymark-portfolio';
/** A portfolio file carries its attachments, so it may be large. */
export const PORTFOLIO_IMPORT_MAX_BYTES = 50 * 1024 * 1024;

const day = z.iso.date().nullable();
const when = z.iso.datetime({ offset: true });

/** The portable record: complete (attachments included) and checked on the way back in. */
export const portfolioSchema = z.object({
  format: z.literal(PORTFOLIO_FORMAT),
  formatVersion: z.literal(1),
  exportedAt: when,
  exportedFrom: z.string(),
  practitioner: z.object({
    name: z.string().max(200),
    /** Whose account it came from: an import into another account is checked against it (absent in older files). */
    email: z.string().max(254).optional(),
    profession: z.string(),
    registration: z.string(),
    clinicalArea: z.string().nullable(),
    currentPost: z.string(),
    employer: z.string(),
    consultantPostStart: day,
    stage: z.string(),
    stageOverride: z.string().nullable(),
    overrideReason: z.string(),
  }),
  framework: z.object({
    identifier: z.uuid(),
    shortName: z.string(),
    title: z.string(),
    versionId: z.uuid(),
    versionLabel: z.string(),
  }),
  /** The area framework followed alongside, if any. */
  areaFramework: z
    .object({
      identifier: z.uuid(),
      shortName: z.string(),
      title: z.string(),
      versionId: z.uuid(),
      versionLabel: z.string(),
    })
    .nullable()
    .optional(),
  rules: z.record(z.string(), z.number().int().nullable()),
  /** The words the practitioner uses for the four self-assessment levels. */
  levelNames: z.record(z.enum(LEVELS), z.string().max(40)).optional(),
  selfAssessments: z.array(
    z.object({ statement: z.uuid(), code: z.string(), level: z.enum(LEVELS), assessedAt: when }),
  ),
  evidence: z.array(
    z.object({
      id: z.uuid(),
      kind: z.string(),
      title: z.string().min(1).max(200),
      occurredOn: day,
      template: z.string(),
      reflection: z.string().max(20_000),
      status: z.enum(['draft', 'submitted', 'confirmed', 'returned']),
      createdAt: when,
      links: z.array(z.object({ statement: z.uuid(), code: z.string(), reason: z.string().max(300) })),
      confirmations: z.array(
        z.object({
          /** 'imported': given on another Waymark and carried here as history, not checked here. */
          method: z.enum(['link', 'supervisor', 'imported']),
          outcome: z.enum(['confirmed', 'returned', 'withdrawn']).nullable(),
          confirmerName: z.string().max(200),
          confirmerRole: z.string().max(200),
          confirmerRegistration: z.string().max(60),
          confirmerOrganisation: z.string().max(200),
          statement: z.string().max(5000),
          requestedAt: when,
          decidedAt: when.nullable(),
        }),
      ),
      attachments: z.array(
        z.object({
          filename: z.string(),
          contentType: z.string(),
          size: z.number().int(),
          sha256: z.string(),
          base64: z.string(),
        }),
      ),
    }),
  ),
  plan: z.array(
    z.object({
      title: z.string().min(1).max(200),
      statement: z.uuid().nullable(),
      status: z.enum(['not-started', 'in-progress', 'done']),
      targetOn: day,
      actions: z.array(z.object({ text: z.string().min(1).max(500), dueOn: day, done: z.boolean() })),
    }),
  ),
  meetings: z.array(
    z.object({
      heldOn: z.iso.date(),
      supervisorName: z.string().nullable(),
      notes: z.string(),
      agreedActions: z.string(),
    }),
  ),
  signoffs: z.array(
    z.object({
      stage: z.string(),
      supervisorName: z.string(),
      comment: z.string(),
      signedAt: when,
      credential: z.string(),
      verifyAt: z.string(),
    }),
  ),
});
export type Portfolio = z.infer<typeof portfolioSchema>;

/** The file was exported from someone else's account: the importer must say it is theirs before anything is added. */
export class OtherPersonProblem extends Error {
  constructor(
    readonly practitionerName: string,
    readonly maskedEmail: string | null,
  ) {
    super('This portfolio was made for another person');
  }
}

/** The JSON Schema of the export, for anyone reading it elsewhere. */
export const portfolioJsonSchema = () => z.toJSONSchema(portfolioSchema, { target: 'draft-2020-12' });

/** Portfolio export (JSON and PDF), re-import, and read-only share links for a panel. */
export function createPortfolioService(
  platform: Platform,
  frameworks: FrameworksService,
  pathway: PathwayService,
  plan: PlanService,
) {
  const { db, config } = platform;

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

  /** A readable document for a panel: who, the stage, sign-offs, coverage, then every piece of evidence with its confirmation. */
  function toReport(doc: Portfolio, statements: Awaited<ReturnType<PathwayService['statementsOf']>>) {
    const byId = new Map(statements.map((s) => [s.identifier, s]));
    const stageName = STAGE_NAMES[doc.practitioner.stage as PathwayStage] ?? doc.practitioner.stage;
    const latest = new Map<string, Level>();
    for (const a of doc.selfAssessments) latest.set(a.statement, a.level);
    const blocks: Block[] = [
      { kind: 'heading', level: 1, text: 'Practitioner' },
      {
        kind: 'table',
        head: ['', ''],
        rows: [
          ['Name', doc.practitioner.name],
          ['Profession', doc.practitioner.profession || 'Not given'],
          ['Registration', doc.practitioner.registration || 'Not given'],
          ['Current post', doc.practitioner.currentPost || 'Not given'],
          ['Employer', doc.practitioner.employer || 'Not given'],
          ['Stage', stageName],
        ],
      },
      { kind: 'heading', level: 1, text: 'Stages signed off' },
      doc.signoffs.length
        ? {
            kind: 'list',
            items: doc.signoffs.map(
              (s) =>
                `${STAGE_NAMES[s.stage as PathwayStage] ?? s.stage}: signed off by ${s.supervisorName} on ${ukDate(s.signedAt)}. Check the badge at ${s.verifyAt}`,
            ),
          }
        : { kind: 'paragraph', text: 'No stage has been signed off yet.' },
      { kind: 'heading', level: 1, text: 'Statements, self-assessment and evidence' },
      {
        kind: 'table',
        head: ['Statement', 'Stage', 'Self-assessment', 'Evidence'],
        rows: statements.map((s) => [
          `${s.code} ${s.text}`,
          s.stageLabel,
          latest.has(s.identifier) ? levelNamesOf(doc.levelNames)[latest.get(s.identifier)!] : '—',
          String(doc.evidence.filter((e) => e.links.some((l) => l.statement === s.identifier)).length),
        ]),
      },
      { kind: 'heading', level: 1, text: 'Evidence' },
    ];
    for (const e of doc.evidence) {
      blocks.push({ kind: 'heading', level: 2, text: e.title });
      blocks.push({
        kind: 'paragraph',
        text: `${EVIDENCE_KINDS[e.kind as keyof typeof EVIDENCE_KINDS] ?? e.kind}${e.occurredOn ? `, ${ukDate(e.occurredOn)}` : ''}. Status: ${STATUS_NAMES[e.status] ?? 'Unknown'}.`,
      });
      if (e.links.length)
        blocks.push({
          kind: 'list',
          items: e.links.map(
            (l) => `${l.code} ${byId.get(l.statement)?.text ?? ''}${l.reason ? ` — ${l.reason}` : ''}`,
          ),
        });
      for (const c of e.confirmations.filter((x) => x.outcome === 'confirmed'))
        blocks.push({
          kind: 'paragraph',
          text: `${c.method === 'imported' ? 'Imported from another Waymark, not checked here: confirmed' : 'Confirmed'} by ${c.confirmerName} (${[c.confirmerRole, c.confirmerOrganisation, c.confirmerRegistration && `registration ${c.confirmerRegistration}`].filter(Boolean).join(', ')}) on ${ukDate(c.decidedAt)}: “${c.statement}”`,
        });
      // Paragraphs at blank lines; single line breaks stay inside a paragraph, as the practitioner wrote them.
      if (e.reflection)
        for (const para of e.reflection.split(/\n\s*\n/)) blocks.push({ kind: 'paragraph', text: para.trim() });
      if (e.attachments.length)
        blocks.push({ kind: 'paragraph', text: `Attached: ${e.attachments.map((a) => a.filename).join(', ')}` });
    }
    if (doc.plan.length) {
      blocks.push({ kind: 'heading', level: 1, text: 'Development plan' });
      blocks.push({
        kind: 'table',
        head: ['Goal', 'Status', 'Target', 'Actions'],
        rows: doc.plan.map((g) => [
          g.title,
          GOAL_STATUSES[g.status],
          ukDate(g.targetOn),
          g.actions.map((a) => `${a.done ? '✓ ' : ''}${a.text}`).join('; '),
        ]),
      });
    }
    return {
      title: `Portfolio: ${doc.practitioner.name}`,
      subtitle: `${doc.framework.title}, version ${doc.framework.versionLabel}. ${stageName}. Exported ${ukDate(doc.exportedAt)} from Waymark.`,
      blocks,
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
      return toPdf(toReport(doc, await pathway.pathwayStatements(p)));
    },

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
      let version = await frameworks.findVersionById(doc.framework.versionId);
      if (!version) {
        const match = (await frameworks.allVersions()).find(
          (v) => v.frameworkId === doc.framework.identifier && v.label === doc.framework.versionLabel,
        );
        version = match ? await frameworks.findVersionById(match.id) : undefined;
      }
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
      const findVersion = async (ref: { identifier: string; versionId: string; versionLabel: string }) => {
        const byId = await frameworks.findVersionById(ref.versionId);
        if (byId) return byId;
        const match = (await frameworks.allVersions()).find(
          (v) => v.frameworkId === ref.identifier && v.label === ref.versionLabel,
        );
        return match ? frameworks.findVersionById(match.id) : undefined;
      };
      const area = doc.areaFramework ? await findVersion(doc.areaFramework) : undefined;
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

    // ---- share links -----------------------------------------------------------------

    /**
     * Makes a share link, once per submission key. Only the new link's id is
     * kept with the key (never the token, which is stored hashed), so a
     * repeated submit makes nothing and gets `link: null`: the link was shown
     * once, to the first.
     */
    async share(
      p: repo.Pathway,
      input: { label: string; days: number },
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<{ id: string; link: string | null }> {
      let raw: string | null = null;
      const id = await once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        const made = await issueLinkTokenWithId(tx, {
          purpose: SHARE_PURPOSE,
          subject: p.id,
          ttlMs: input.days * 86_400_000,
          data: { label: input.label },
        });
        raw = made.token;
        await recordAudit(tx, ctx, {
          action: 'pathway.portfolio-shared',
          entityType: 'pathway',
          entityId: p.id,
          details: { label: input.label, days: input.days, tokenId: made.id },
        });
        return made.id;
      });
      return { id, link: raw ? `${config.baseUrl}/shared/${raw}` : null };
    },

    shares: (p: repo.Pathway) => activeLinkTokens(db, SHARE_PURPOSE, p.id),

    async unshare(p: repo.Pathway, tokenId: string, ctx: AuditContext) {
      const ok = await revokeLinkToken(db, SHARE_PURPOSE, p.id, tokenId);
      if (ok)
        await recordAudit(db, ctx, {
          action: 'pathway.portfolio-unshared',
          entityType: 'pathway',
          entityId: p.id,
          details: { tokenId },
        });
      return ok;
    },

    /** What a share link opens, read-only, or why it does not. */
    async shared(token: string) {
      const checked = await checkLinkToken(db, SHARE_PURPOSE, token);
      if (!checked.ok) return checked;
      const p = await repo.getPathway(db, checked.token.subject);
      if (!p) return { ok: false as const, problem: 'invalid' as const };
      const doc = await build(p, false);
      const statements = await pathway.pathwayStatements(p);
      return { ok: true as const, doc, statements, expiresAt: checked.token.expiresAt, pathway: p };
    },

    statementsOf: (p: repo.Pathway) => pathway.pathwayStatements(p),

    /** All of a person's portfolios (without file contents), for "download your data". */
    async ofUser(userId: string) {
      return Promise.all((await repo.pathwaysOf(db, userId)).map((p) => build(p, false)));
    },
  };
}

export type PortfolioService = ReturnType<typeof createPortfolioService>;
