import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, type FormState } from '../../platform/forms/forms';
import { ReviewProblem } from './review-service';
import type { Pathway } from './model';
import { EVIDENCE_KINDS, OUTCOME_NAMES, STATUS_NAMES, STATUS_TAGS, TEMPLATES } from './stage';
import { statementSearchSchema } from './schema';
import type { PathwayRouteContext } from './route-context';

/** A whole form's problems, every failing field at once, raised from inside an evidence action. */
export class FormProblem extends Error {
  constructor(readonly form: FormState) {
    super('form problem');
  }
}

const kindOptions = Object.entries(EVIDENCE_KINDS).map(([value, text]) => ({ value, text }));
const templateOptions = Object.entries(TEMPLATES).map(([value, t]) => ({ value, text: t.name }));

/**
 * The practitioner's evidence pages (the list, and one piece of evidence with its links, attachments and review
 * requests), and the way every action on one piece of evidence comes back to its page. Shared by the evidence,
 * attachment and review-request routes.
 */
export function evidencePages(app: FastifyInstance, ctx: PathwayRouteContext) {
  const { pathway, review, plans, groups, ownOr404, teamOptions } = ctx;

  async function evidencePage(request: FastifyRequest, form: FormState = emptyForm({ template: 'what-so-what' })) {
    const p = await ownOr404(request);
    const teams = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
    return {
      title: 'Your evidence',
      pathway: p,
      items: await pathway.evidenceList(p),
      shared: await groups.sharedWith(p, teams),
      teamOptions: await teamOptions(p),
      statusNames: STATUS_NAMES,
      statusTags: STATUS_TAGS,
      kindOptions,
      templateOptions,
      templates: TEMPLATES,
      form,
    };
  }

  async function itemPage(request: FastifyRequest, form: FormState = emptyForm()) {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    const found = await pathway.evidenceItem(p, id);
    if (!found) throw notFound('evidence');
    const q = String(statementSearchSchema.parse(request.query).q ?? form.values.q ?? '').slice(0, 100);
    const [attachments, confirmations, supervisors] = await Promise.all([
      plans.attachmentsOf([id]),
      review.confirmationsOf(id),
      review.supervisorsOf(p.userId),
    ]);
    return {
      title: found.evidence.title,
      pathway: p,
      ...found,
      q,
      results: await pathway.searchStatements(p, q),
      attachments,
      confirmations,
      supervisors,
      rules: pathway.rules(p),
      maxMb: Math.round((app.platform.config.attachmentMaxBytes / 1024 / 1024) * 10) / 10,
      editable: ['draft', 'returned'].includes(found.evidence.status),
      outcomeNames: OUTCOME_NAMES,
      statusName: STATUS_NAMES[found.evidence.status],
      statusTag: STATUS_TAGS[found.evidence.status],
      kindOptions,
      templateOptions,
      teamOptions: await teamOptions(p),
      form,
      editForm: emptyForm({
        ...found.evidence,
        occurredOn: found.evidence.occurredOn ?? '',
        groupId: found.evidence.groupId ?? '',
      }),
    };
  }

  /** The evidence page again, with a problem that belongs to no one field shown at its review section. */
  async function showReviewProblem(request: FastifyRequest, reply: FastifyReply, message: string) {
    return reply.render(
      'pathway/views/evidence.njk',
      await itemPage(request, formWithErrors({}, { review: message })),
      400,
    );
  }

  /** Runs an action on one piece of evidence and comes back to its page, with the problem shown in place if there is one. */
  async function onItem(
    request: FastifyRequest,
    reply: FastifyReply,
    run: (p: Pathway, evidenceId: string) => Promise<string>,
    anchor = '',
  ) {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    try {
      const message = await run(p, id);
      request.flash('success', message);
      return reply.redirect(`/pathway/${p.id}/evidence/${id}${anchor}`);
    } catch (err) {
      if (err instanceof FormProblem)
        return reply.render('pathway/views/evidence.njk', await itemPage(request, err.form), 400);
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/evidence.njk',
          await itemPage(
            request,
            formWithErrors(
              request.body && typeof request.body === 'object' && !('file' in request.body)
                ? (request.body as Record<string, unknown>)
                : {},
              { [err.field]: err.message },
            ),
          ),
          400,
        );
      if (err instanceof ReviewProblem) return showReviewProblem(request, reply, err.message);
      throw err;
    }
  }

  return { evidencePage, itemPage, showReviewProblem, onItem };
}

export type EvidencePages = ReturnType<typeof evidencePages>;
