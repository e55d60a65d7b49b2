import type { FastifyInstance } from 'fastify';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import type { FrameworksService } from '../frameworks/service';
import { guideSchema } from './schema';
import { renderMarkdown, type GuidesService } from './service';

/** The role guides: reading them, and editing them (admins), with a preview. */
export function guideRoutes(app: FastifyInstance, guides: GuidesService, frameworks: FrameworksService) {
  /** The framework a guide points at, if this Waymark has it published (guides ship even where frameworks do not). */
  const frameworkOf = async (shortName: string | null) =>
    shortName ? (await frameworks.find(shortName, undefined, false))?.framework : undefined;

  app.get('/guides', { config: { permission: 'framework.view' } }, async (_request, reply) =>
    reply.render('guides/views/list.njk', { title: 'Role guides', guides: await guides.list() }),
  );

  app.get('/guides/:slug', { config: { permission: 'framework.view' } }, async (request, reply) => {
    const guide = await guides.get((request.params as { slug: string }).slug);
    if (!guide) throw notFound('guide');
    return reply.render('guides/views/guide.njk', {
      title: guide.title,
      guide,
      framework: await frameworkOf(guide.frameworkShortName),
      html: renderMarkdown(guide.body),
      canEdit: can(request.actor, 'guide.edit'),
    });
  });

  const editPage = (slug: string, form: FormState, previewHtml?: string) => ({
    title: 'Edit guide',
    slug,
    form,
    previewHtml,
  });

  app.get('/guides/:slug/edit', { config: { permission: 'guide.edit' } }, async (request, reply) => {
    const guide = await guides.get((request.params as { slug: string }).slug);
    if (!guide) throw notFound('guide');
    return reply.render(
      'guides/views/edit.njk',
      editPage(
        guide.slug,
        emptyForm({
          title: guide.title,
          summary: guide.summary,
          body: guide.body,
          frameworkShortName: guide.frameworkShortName,
        }),
      ),
    );
  });

  app.post('/guides/:slug/edit', { config: { permission: 'guide.edit' } }, async (request, reply) => {
    const guide = await guides.get((request.params as { slug: string }).slug);
    if (!guide) throw notFound('guide');
    const parsed = parseForm(guideSchema, request.body, ['title', 'summary', 'body']);
    if (!parsed.ok) return reply.render('guides/views/edit.njk', editPage(guide.slug, parsed.form), 400);
    if (parsed.data.frameworkShortName && !(await frameworkOf(parsed.data.frameworkShortName)))
      return reply.render(
        'guides/views/edit.njk',
        editPage(
          guide.slug,
          formWithErrors(request.body as Record<string, unknown>, {
            frameworkShortName: `There is no published framework with the short name ${parsed.data.frameworkShortName}. Check it on the Frameworks page, or leave it empty`,
          }),
        ),
        400,
      );
    if (parsed.data.preview)
      return reply.render(
        'guides/views/edit.njk',
        editPage(guide.slug, emptyForm(request.body as Record<string, unknown>), renderMarkdown(parsed.data.body)),
      );
    await guides.update(guide.slug, parsed.data, request.user!.id, request.auditContext());
    request.flash('success', 'Guide saved.');
    return reply.redirect(`/guides/${guide.slug}`);
  });
}
