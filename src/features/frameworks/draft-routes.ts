import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import type { Stage } from './model';
import { editItemForm, statementParams } from './schema';
import type { FrameworksService } from './service';
import { loadVersion, page, urlParams, versionPath } from './pages';

/** Editing a draft version: a statement's words and stage. */
export function draftRoutes(app: FastifyInstance, frameworks: FrameworksService) {
  async function editPage(request: FastifyRequest, reply: FastifyReply, form?: FormState, status = 200) {
    const { framework, version } = await loadVersion(frameworks, request);
    const { code } = urlParams(statementParams, request, 'statement in a draft');
    const item = await frameworks.findItem(version.id, code);
    if (!item || version.status !== 'draft') throw notFound('statement in a draft');
    return reply.render(
      'frameworks/views/edit-item.njk',
      page(request, {
        title: `Edit ${item.code}`,
        framework,
        version,
        item,
        base: versionPath(framework, version),
        stageOptions: (version.stages as Stage[]).map((s) => ({ value: s.key, text: s.label })),
        form: form ?? emptyForm({ text: item.text, stage: item.stage }),
      }),
      status,
    );
  }

  app.get(
    '/frameworks/:shortName/versions/:label/statements/:code/edit',
    { config: { permission: 'framework.manage' } },
    async (request, reply) => editPage(request, reply),
  );

  app.post(
    '/frameworks/:shortName/versions/:label/statements/:code/edit',
    { config: { permission: 'framework.manage' } },
    async (request, reply) => {
      const { framework, version } = await loadVersion(frameworks, request);
      const { code } = urlParams(statementParams, request, 'statement in a draft');
      const parsed = parseForm(editItemForm, request.body, ['text', 'stage']);
      if (!parsed.ok) return editPage(request, reply, parsed.form, 400);
      try {
        await frameworks.editItem(version, code, parsed.data, request.auditContext());
      } catch (err) {
        if (err instanceof FieldError)
          return editPage(
            request,
            reply,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
            400,
          );
        throw err;
      }
      request.flash('success', `${code} saved in draft ${version.label}.`);
      return reply.redirect(`${versionPath(framework, version)}/statements/${encodeURIComponent(code)}`);
    },
  );
}
