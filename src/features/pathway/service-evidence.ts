import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { once } from '../../platform/db/idempotency';
import * as repo from './repository';
import { checkLink, checkNewItem, readRules } from './rules';
import { today, type PathwayContext } from './service-context';
import { EVIDENCE_KINDS, TEMPLATES } from './stage';

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

/** Pieces of evidence (drafts until confirmed) and their links to the framework's statements. */
export function createEvidence({ db, pathwayStatements, evidenceByCapability }: PathwayContext) {
  return {
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
  };
}
