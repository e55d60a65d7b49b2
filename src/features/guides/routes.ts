import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import type { FrameworksService } from '../frameworks/service';
import { renderMarkdown, type GuidesService } from './service';

const editSchema = z.object({
  title: z
    .string({ message: 'Enter a title' })
    .trim()
    .min(1, 'Enter a title')
    .max(200, 'Title must be 200 characters or fewer'),
  summary: z.string().trim().max(500, 'Summary must be 500 characters or fewer').default(''),
  body: z
    .string({ message: 'Enter the guide' })
    .trim()
    .min(1, 'Enter the guide')
    .max(50_000, 'The guide must be 50,000 characters or fewer'),
  frameworkShortName: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((v) => v || null),
  preview: z.string().optional(),
});

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
    const parsed = parseForm(editSchema, request.body, ['title', 'summary', 'body']);
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
