import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { FieldError, formWithErrors, parseForm } from '../../platform/forms/forms';
import { bodyField, sendAttachment, uploadedFile } from '../../platform/http/route-helpers';
import { evidenceFields, evidenceSchema, linkFields, linkParamsSchema, linkSchema } from './schema';
import { follow, type PathwayRouteContext } from './route-context';
import { FormProblem, type EvidencePages } from './evidence-pages';

/** The practitioner's evidence: adding, editing and deleting it, its attachments, and linking it to statements. */
export function evidenceRoutes(app: FastifyInstance, ctx: PathwayRouteContext, pages: EvidencePages) {
  const { pathway, plans, ownOr404, checkTeam } = ctx;
  const { evidencePage, itemPage, showReviewProblem, onItem } = pages;

  app.get('/pathway/:pathwayId/evidence', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/evidence-list.njk', await evidencePage(request)),
  );

  app.post('/pathway/:pathwayId/evidence', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(evidenceSchema, request.body, evidenceFields);
    if (!parsed.ok)
      return reply.render('pathway/views/evidence-list.njk', await evidencePage(request, parsed.form), 400);
    try {
      await checkTeam(p, parsed.data.groupId);
      const id = await pathway.addEvidence(
        p,
        parsed.data,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      request.flash('success', 'Evidence saved. Now link it to the statements it shows.');
      return reply.redirect(`/pathway/${p.id}/evidence/${id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/evidence-list.njk',
          await evidencePage(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, evidenceFields),
          ),
          400,
        );
      throw err;
    }
  });

  app.post('/pathway/:pathwayId/evidence/:evidenceId/edit', { config: follow }, async (request, reply) =>
    onItem(request, reply, async (p, id) => {
      const parsed = parseForm(evidenceSchema, request.body, evidenceFields);
      if (!parsed.ok) throw new FormProblem(parsed.form);
      await checkTeam(p, parsed.data.groupId);
      await pathway.editEvidence(p, id, parsed.data, request.auditContext());
      return 'Evidence saved.';
    }),
  );

  app.get('/pathway/:pathwayId/evidence/:evidenceId/delete', { config: follow }, async (request, reply) => {
    const page = await itemPage(request);
    return reply.render('pathway/views/evidence-delete.njk', { ...page, title: `Delete “${page.evidence.title}”?` });
  });

  app.post('/pathway/:pathwayId/evidence/:evidenceId/delete', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    try {
      const keys = await pathway.deleteEvidence(p, id, request.auditContext());
      await plans.removeFiles(keys);
    } catch (err) {
      if (err instanceof FieldError) return showReviewProblem(request, reply, err.message);
      throw err;
    }
    request.flash('success', 'Evidence deleted.');
    return reply.redirect(`/pathway/${p.id}/evidence`);
  });

  // ---- attachments ------------------------------------------------------------------------

  app.post('/pathway/:pathwayId/evidence/:evidenceId/attachments', { config: follow }, async (request, reply) =>
    onItem(
      request,
      reply,
      async (p, id) => {
        const file = await uploadedFile(request.body);
        await plans.attach(p, id, file ? [file] : [], request.auditContext());
        return `${file!.filename} attached.`;
      },
      '#attachments',
    ),
  );

  app.get('/pathway/:pathwayId/attachments/:attachmentId', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const found = await plans.attachment(p, (request.params as { attachmentId: string }).attachmentId);
    if (!found) throw notFound('attachment');
    return sendAttachment(reply, found.attachment.filename, found.attachment.contentType, found.data);
  });

  app.post('/pathway/:pathwayId/attachments/:attachmentId/remove', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { attachmentId: string }).attachmentId;
    const found = await plans.attachment(p, id);
    if (!found) throw notFound('attachment');
    (request.params as Record<string, string>).evidenceId = found.attachment.evidenceId;
    return onItem(
      request,
      reply,
      async () => {
        await plans.removeAttachment(p, id, request.auditContext());
        return `${found.attachment.filename} removed.`;
      },
      '#attachments',
    );
  });

  // ---- the evidence page, and links to statements ---------------------------------------------

  app.get('/pathway/:pathwayId/evidence/:evidenceId', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/evidence.njk', await itemPage(request)),
  );

  app.post('/pathway/:pathwayId/evidence/:evidenceId/links', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    const body = request.body as { statement?: string; reason?: string; q?: string };
    try {
      const parsed = parseForm(linkSchema, body, linkFields);
      if (!parsed.ok) throw new FieldError('review', parsed.form.errorList.map((e) => e.text).join('. '));
      await pathway.link(p, id, parsed.data.statement, parsed.data.reason, request.auditContext());
    } catch (err) {
      // The message goes at the top of the page (the results list has one reason box per statement).
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/evidence.njk',
          await itemPage(request, formWithErrors({ q: body.q }, { review: err.message })),
          400,
        );
      throw err;
    }
    request.flash('success', 'Linked.');
    return reply.redirect(`/pathway/${p.id}/evidence/${id}${body.q ? `?q=${encodeURIComponent(body.q)}` : ''}`);
  });

  app.post(
    '/pathway/:pathwayId/evidence/:evidenceId/links/:statement/remove',
    { config: follow },
    async (request, reply) => {
      const p = await ownOr404(request);
      const params = request.params as { evidenceId: string; statement: string };
      if (!linkParamsSchema.safeParse(params).success) throw notFound('link');
      try {
        if (!(await pathway.unlink(p, params.evidenceId, params.statement, request.auditContext())))
          throw notFound('link');
      } catch (err) {
        if (err instanceof FieldError) return showReviewProblem(request, reply, err.message);
        throw err;
      }
      request.flash('success', 'Link removed.');
      return reply.redirect(`/pathway/${p.id}/evidence/${params.evidenceId}`);
    },
  );
}
