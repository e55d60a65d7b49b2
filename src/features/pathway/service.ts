import type { Platform } from '../../platform/http/types';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import type { FrameworksService } from '../frameworks/service';
import * as repo from './repository';
import {
  coverage,
  deriveStage,
  EVIDENCE_KINDS,
  learningNeeds,
  levelNamesOf,
  LEVELS,
  PATHWAY_STAGES,
  STAGE_NAMES,
  TEMPLATES,
  type Level,
  type PathwayStage,
} from './stage';
import { once } from '../../platform/db/idempotency';
import { checkLink, checkNewItem, readRules, ruleFindings, rulesProblems, type EvidenceRules } from './rules';

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

const today = () => new Date().toISOString().slice(0, 10);

/** Once evidence is out for confirmation or confirmed, what it is said to show is what was (or is being) confirmed. */
const LOCKED_LINKS =
  'The statements of evidence that is waiting for confirmation or confirmed stay as they are: withdraw the request first, or add new evidence';

export interface EvidenceInput {
  kind: string;
  title: string;
  occurredOn: string | null;
  template: string;
  reflection: string;
  /** A team to share it with (credited to every member). */
  groupId?: string | null;
}

function checkEvidence(input: EvidenceInput) {
  if (!(input.kind in EVIDENCE_KINDS)) throw new FieldError('kind', 'Choose the kind of evidence');
  if (!(input.template in TEMPLATES)) throw new FieldError('template', 'Choose a template from the list');
  if (input.occurredOn && input.occurredOn > today())
    throw new FieldError('occurredOn', 'The date must be today or in the past');
  // Length and NHS numbers: the forms' shared guard (parseForm) has checked every free-text field already.
}

/** A statement's stage in words: the framework's own label, else the pathway's, never the key. */
export function stageLabel(key: string | null, stages: { key: string; label: string }[]): string {
  if (!key) return 'Any stage';
  return stages.find((s) => s.key === key)?.label ?? STAGE_NAMES[key as PathwayStage] ?? 'Another stage';
}

export function createPathwayService(platform: Platform, frameworks: FrameworksService) {
  const { db } = platform;

  /** The framework's statements, each with its capability and domain, in framework order. */
  async function statementsOf(versionId: string) {
    const [items, version] = await Promise.all([frameworks.itemsOf(versionId), frameworks.findVersionById(versionId)]);
    const stages = (version?.stages ?? []) as { key: string; label: string }[];
    const byCode = new Map(items.map((i) => [i.code, i]));
    const ancestor = (code: string | null, type: string) => {
      let it = code ? byCode.get(code) : undefined;
      for (let g = 0; it && it.type !== type && g < 20; g++) it = it.parentCode ? byCode.get(it.parentCode) : undefined;
      return it?.type === type ? it : undefined;
    };
    return items
      .filter((i) => i.type === 'statement')
      .map((s) => ({
        ...s,
        stageLabel: stageLabel(s.stage, stages),
        domain: ancestor(s.parentCode, 'domain'),
        capability: ancestor(s.parentCode, 'capability'),
      }));
  }

  /** The statements a pathway covers: its core framework's, then its area framework's if it has one. */
  async function pathwayStatements(p: repo.Pathway) {
    const core = await statementsOf(p.frameworkVersionId);
    return p.areaVersionId ? [...core, ...(await statementsOf(p.areaVersionId))] : core;
  }

  /** For each capability of the framework, the distinct pieces of evidence linked to any of its statements. */
  async function evidenceByCapability(pathway: repo.Pathway, statements: Awaited<ReturnType<typeof statementsOf>>) {
    const list = await repo.evidenceOf(db, pathway.id);
    const links = await repo.linksOf(
      db,
      list.map((e) => e.id),
    );
    const capOf = new Map(statements.map((s) => [s.identifier, s.capability]));
    const caps = new Map<string, { code: string; text: string; evidenceIds: Set<string> }>();
    for (const s of statements)
      if (s.capability && !caps.has(s.capability.code))
        caps.set(s.capability.code, { code: s.capability.code, text: s.capability.text, evidenceIds: new Set() });
    for (const l of links) {
      const c = capOf.get(l.statementIdentifier);
      if (c) caps.get(c.code)!.evidenceIds.add(l.evidenceId);
    }
    return { caps, count: list.length };
  }

  return {
    statementsOf,
    pathwayStatements,

    async profile(userId: string) {
      const p = await repo.getProfile(db, userId);
      const stage = deriveStage(
        p?.consultantPostStart ?? null,
        today(),
        (p?.stageOverride as PathwayStage | null) ?? null,
      );
      return { profile: p, ...stage };
    },

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
      const [{ stage }, list] = await Promise.all([this.profile(userId), repo.pathwaysOf(db, userId)]);
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

    /**
     * The pathway at the practitioner's stage: statements grouped by domain with
     * the current self-assessment, the learning needs, and progress over time
     * (statements at confident or evidenced, per domain, after each assessment).
     */
    async view(pathway: repo.Pathway) {
      const { stage } = await this.profile(pathway.userId);
      const all = await pathwayStatements(pathway);
      const mine = all.filter((s) => s.stage === stage);
      const history = await repo.assessmentsOf(db, pathway.id);
      const latest = new Map<string, Level>();
      for (const h of history) latest.set(h.statementIdentifier, h.level as Level);
      const domains = [...new Map(mine.filter((s) => s.domain).map((s) => [s.domain!.code, s.domain!])).values()];
      const grouped = domains.map((d) => ({
        domain: d,
        statements: mine
          .filter((s) => s.domain?.code === d.code)
          .map((s) => ({ ...s, level: latest.get(s.identifier) ?? null })),
      }));
      // Progress: after each assessment (grouped by the moment it was saved), how many statements per domain were confident or better.
      const moments = [...new Set(history.map((h) => h.assessedAt.toISOString()))];
      const running = new Map<string, Level>();
      const progress = moments.map((m) => {
        for (const h of history.filter((x) => x.assessedAt.toISOString() === m))
          running.set(h.statementIdentifier, h.level as Level);
        return {
          at: new Date(m),
          domains: domains.map((d) => ({
            domain: d.text,
            strong: mine.filter(
              (s) => s.domain?.code === d.code && ['confident', 'evidenced'].includes(running.get(s.identifier) ?? ''),
            ).length,
            total: mine.filter((s) => s.domain?.code === d.code).length,
          })),
        };
      });
      return {
        stage,
        grouped,
        needs: learningNeeds(mine, latest),
        progress,
        total: mine.length,
        assessed: mine.filter((s) => latest.has(s.identifier)).length,
      };
    },

    /** Records a self-assessment: every statement answered is saved with the same time, as one point in the history. */
    async assess(pathway: repo.Pathway, levels: Record<string, string>, ctx: AuditContext) {
      const statements = new Set((await pathwayStatements(pathway)).map((s) => s.identifier));
      const rows = Object.entries(levels).filter(([, level]) => level);
      for (const [identifier, level] of rows) {
        if (!statements.has(identifier))
          throw new FieldError(
            'levels',
            'One of the statements is not in this pathway’s framework. Reload the page and try again',
          );
        if (!(LEVELS as readonly string[]).includes(level))
          throw new FieldError(`level-${identifier}`, 'Choose one of the levels');
      }
      if (rows.length === 0) throw new FieldError('levels', 'Choose a level for at least one statement');
      // Only changes are new points in the history; an unchanged answer is not recorded again.
      const latest = new Map<string, string>();
      for (const h of await repo.assessmentsOf(db, pathway.id)) latest.set(h.statementIdentifier, h.level);
      const changed = rows.filter(([identifier, level]) => latest.get(identifier) !== level);
      if (changed.length === 0) return 0;
      const at = new Date();
      await db.transaction(async (tx) => {
        await repo.insertAssessments(
          tx,
          changed.map(([statementIdentifier, level]) => ({
            pathwayId: pathway.id,
            statementIdentifier,
            level,
            assessedAt: at,
          })),
        );
        await recordAudit(tx, ctx, {
          action: 'pathway.self-assessed',
          entityType: 'pathway',
          entityId: pathway.id,
          details: { statements: changed.length },
        });
      });
      return changed.length;
    },

    stages: PATHWAY_STAGES,

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

    // ---- evidence --------------------------------------------------------------------

    /** Adds a piece of evidence (as a draft). Free text that looks like it names a patient is refused. */
    async addEvidence(
      pathway: repo.Pathway,
      input: EvidenceInput,
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<string> {
      checkEvidence(input);
      return once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        const tooMany = checkNewItem(readRules(pathway.rules), await repo.countEvidence(tx, pathway.id));
        if (tooMany) throw new FieldError('title', tooMany);
        const e = await repo.insertEvidence(tx, {
          pathwayId: pathway.id,
          kind: input.kind,
          title: input.title,
          occurredOn: input.occurredOn,
          template: input.template,
          reflection: input.reflection,
          groupId: input.groupId ?? null,
        });
        await recordAudit(tx, ctx, {
          action: 'pathway.evidence-added',
          entityType: 'evidence',
          entityId: e.id,
          details: { kind: input.kind },
        });
        return e.id;
      });
    },

    /** Changes a draft or returned piece of evidence; confirmed or waiting evidence stays as it was confirmed. */
    async editEvidence(pathway: repo.Pathway, evidenceId: string, input: EvidenceInput, ctx: AuditContext) {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== pathway.id) throw new FieldError('title', 'That evidence is not in this pathway');
      if (!['draft', 'returned'].includes(e.status))
        throw new FieldError(
          'title',
          e.status === 'confirmed'
            ? 'Confirmed evidence cannot be changed: it stays as it was confirmed'
            : 'Withdraw the confirmation request before changing this evidence',
        );
      checkEvidence(input);
      await db.transaction(async (tx) => {
        // Only if it is still a draft or returned: a confirmation request may have gone out a moment ago.
        if (
          !(await repo.updateEvidence(
            tx,
            e.id,
            {
              kind: input.kind,
              title: input.title,
              occurredOn: input.occurredOn,
              template: input.template,
              reflection: input.reflection,
              groupId: input.groupId ?? null,
            },
            ['draft', 'returned'],
          ))
        )
          throw new FieldError(
            'title',
            'This evidence was sent for confirmation a moment ago. Withdraw the request before changing it',
          );
        await recordAudit(tx, ctx, { action: 'pathway.evidence-edited', entityType: 'evidence', entityId: e.id });
      });
    },

    /** Deletes a piece of evidence that is not waiting for or holding a confirmation. Returns the stored files to remove. */
    async deleteEvidence(pathway: repo.Pathway, evidenceId: string, ctx: AuditContext): Promise<string[]> {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== pathway.id) throw new FieldError('title', 'That evidence is not in this pathway');
      if (e.status === 'submitted')
        throw new FieldError('title', 'Withdraw the confirmation request before deleting this evidence');
      const keys = (await repo.attachmentsOf(db, [e.id])).map((a) => a.storageKey);
      await db.transaction(async (tx) => {
        await repo.deleteEvidence(tx, e.id);
        await recordAudit(tx, ctx, {
          action: 'pathway.evidence-deleted',
          entityType: 'evidence',
          entityId: e.id,
          details: { title: e.title },
        });
      });
      return keys;
    },

    rules: (pathway: repo.Pathway) => readRules(pathway.rules),

    levelNames: (pathway: repo.Pathway) => levelNamesOf(pathway.levelNames),

    /** Saves the evidence rules and the words for the self-assessment scale (distinct, so answers stay clear). */
    async setRules(pathway: repo.Pathway, rules: EvidenceRules, ctx: AuditContext, levelNames?: Record<Level, string>) {
      const problems = rulesProblems(rules);
      const first = Object.entries(problems)[0];
      if (first) throw new FieldError(first[0], first[1]);
      if (levelNames) {
        const seen = new Map<string, string>();
        for (const l of LEVELS) {
          const name = levelNames[l].trim();
          if (!name) throw new FieldError(`level-${l}`, 'Give each level a name');
          if (name.length > 40) throw new FieldError(`level-${l}`, 'Keep each name to 40 characters or fewer');
          if (seen.has(name.toLowerCase()))
            throw new FieldError(
              `level-${l}`,
              `“${name}” is already the name of another level: give each level its own name`,
            );
          seen.set(name.toLowerCase(), l);
        }
      }
      await db.transaction(async (tx) => {
        await repo.setRules(tx, pathway.id, { ...rules }, levelNames);
        await recordAudit(tx, ctx, {
          action: 'pathway.rules-set',
          entityType: 'pathway',
          entityId: pathway.id,
          details: { ...rules },
        });
      });
    },

    async evidenceList(pathway: repo.Pathway) {
      const list = await repo.evidenceOf(db, pathway.id);
      const links = await repo.linksOf(
        db,
        list.map((e) => e.id),
      );
      return list.map((e) => ({
        ...e,
        kindName: EVIDENCE_KINDS[e.kind as keyof typeof EVIDENCE_KINDS] ?? e.kind,
        links: links.filter((l) => l.evidenceId === e.id).length,
      }));
    },

    /** One piece of evidence of this pathway, with the statements it is linked to. */
    async evidenceItem(pathway: repo.Pathway, evidenceId: string) {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== pathway.id) return undefined;
      const statements = new Map((await pathwayStatements(pathway)).map((s) => [s.identifier, s]));
      const links = (await repo.linksOf(db, [e.id])).map((l) => ({
        ...l,
        statement: statements.get(l.statementIdentifier),
      }));
      return { evidence: { ...e, kindName: EVIDENCE_KINDS[e.kind as keyof typeof EVIDENCE_KINDS] ?? e.kind }, links };
    },

    /** Statements of the pathway's framework whose number or words match, to pick from quickly. */
    async searchStatements(pathway: repo.Pathway, q: string) {
      const words = q.toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length === 0) return [];
      return (await pathwayStatements(pathway))
        .filter((s) => words.every((w) => `${s.code} ${s.text}`.toLowerCase().includes(w)))
        .slice(0, 20);
    },

    /** Links evidence to a statement of this pathway's framework, with a short reason (linking again updates the reason). */
    async link(
      pathway: repo.Pathway,
      evidenceId: string,
      statementIdentifier: string,
      reason: string,
      ctx: AuditContext,
    ) {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== pathway.id) throw new FieldError('statement', 'That evidence is not in this pathway');
      if (!['draft', 'returned'].includes(e.status)) throw new FieldError('statement', LOCKED_LINKS);
      const statements = await pathwayStatements(pathway);
      const statement = statements.find((s) => s.identifier === statementIdentifier);
      if (!statement) throw new FieldError('statement', 'That statement is not in the framework this pathway follows');
      if (statement.capability) {
        const { caps } = await evidenceByCapability(pathway, statements);
        const over = checkLink(
          readRules(pathway.rules),
          statement.capability,
          caps.get(statement.capability.code)!.evidenceIds,
          evidenceId,
        );
        if (over) throw new FieldError('statement', over);
      }
      await db.transaction(async (tx) => {
        await repo.upsertLink(tx, { evidenceId, statementIdentifier, pathwayId: pathway.id, reason: reason.trim() });
        await recordAudit(tx, ctx, {
          action: 'pathway.evidence-linked',
          entityType: 'evidence',
          entityId: evidenceId,
          details: { statementIdentifier },
        });
      });
    },

    async unlink(pathway: repo.Pathway, evidenceId: string, statementIdentifier: string, ctx: AuditContext) {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== pathway.id) return false;
      if (!['draft', 'returned'].includes(e.status)) throw new FieldError('statement', LOCKED_LINKS);
      const done = await repo.deleteLink(db, evidenceId, statementIdentifier);
      if (done)
        await recordAudit(db, ctx, {
          action: 'pathway.evidence-unlinked',
          entityType: 'evidence',
          entityId: evidenceId,
          details: { statementIdentifier },
        });
      return done;
    },

    /**
     * What is still missing for a stage, shown to a supervisor before they sign
     * it off: statements with no evidence, statements whose evidence is not yet
     * confirmed, and the evidence rules not met ("their pathway asks for…").
     */
    async signoffGaps(pathway: repo.Pathway, stage: PathwayStage) {
      const m = await this.matrix(pathway, stage, [], 'their');
      const confirmed = new Set(
        (await repo.evidenceOf(db, pathway.id)).filter((e) => e.status === 'confirmed').map((e) => e.id),
      );
      return {
        total: m.total,
        noEvidence: m.rows.filter((r) => r.evidenceIds.length === 0).map((r) => ({ code: r.code, text: r.text })),
        unconfirmed: m.rows
          .filter((r) => r.evidenceIds.length > 0 && !r.evidenceIds.some((id) => confirmed.has(id)))
          .map((r) => ({ code: r.code, text: r.text })),
        rules: m.findings.filter((f) => f.level === 'gap').map((f) => f.message),
      };
    },

    /**
     * Statements × evidence for one stage (or all), with coverage by domain,
     * the gaps and where the portfolio stands against its rules. Evidence a
     * team-mate shared with the person's teams is credited too. `whose` is how
     * rule findings name the pathway: "your" to its owner, "their" to a supervisor.
     */
    async matrix(
      pathway: repo.Pathway,
      stage: PathwayStage | 'all',
      shared: { id: string; title: string }[] = [],
      whose = 'your',
    ) {
      const statements = (await pathwayStatements(pathway)).filter((s) => stage === 'all' || s.stage === stage);
      const list = [...(await repo.evidenceOf(db, pathway.id)), ...shared];
      const links = await repo.linksOf(
        db,
        list.map((e) => e.id),
      );
      const c = coverage(
        statements.map((s) => ({ ...s, domainCode: s.domain?.code ?? '' })),
        links,
      );
      const titles = new Map(list.map((e) => [e.id, e.title]));
      const domains = [
        ...new Map(statements.filter((s) => s.domain).map((s) => [s.domain!.code, s.domain!])).values(),
      ].map((d) => ({ ...d, ...c.domains.get(d.code)! }));
      // Rules are about capabilities: only those with statements at the stage shown count here.
      const { caps, count } = await evidenceByCapability(pathway, statements);
      const findings = ruleFindings(readRules(pathway.rules), [...caps.values()], count, whose);
      const sharedIds = new Set(shared.map((e) => e.id));
      return {
        rows: c.rows.map((r) => ({
          ...r,
          evidence: r.evidenceIds.map((id) => ({ id, title: titles.get(id) ?? '', shared: sharedIds.has(id) })),
        })),
        domains,
        gaps: c.gaps.length,
        total: statements.length,
        findings,
        rules: readRules(pathway.rules),
      };
    },
  };
}

export type PathwayService = ReturnType<typeof createPathwayService>;
