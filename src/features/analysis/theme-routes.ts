import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, parseForm, type FormState } from '../../platform/forms/forms';
import { programmeResource } from '../../platform/http/route-helpers';
import { orFormAgain } from './codebook-pages';
import type { AnalysisRouteContext } from './route-context';
import {
  editThemeOrder,
  editThemeSchema,
  newThemeOrder,
  newThemeSchema,
  THEME_STATUS_LABELS,
  THEME_STATUSES,
  themeCodesSchema,
} from './schema-themes';

const VIEW = 'analysis/views/';
const reading = { config: { permission: 'analysis.view', resource: programmeResource } } as const;
const coding = { config: { permission: 'analysis.code', resource: programmeResource } } as const;
const statusChoices = THEME_STATUSES.map((s) => ({ value: s, text: THEME_STATUS_LABELS[s] }));

/** Themes: the list, creating one from codes, a theme's page (codes and quotes), editing it, adding and removing codes. */
export function themeRoutes(app: FastifyInstance, ctx: AnalysisRouteContext) {
  const { analysis, programmeOr404, analysisPath, access } = ctx;
  const themesPath = (programmeId: string) => `${analysisPath(programmeId)}/themes`;
  const crumbs = (programme: { id: string; name: string }, themes = true) => [
    { href: '/programmes', text: 'Programmes' },
    { href: `/programmes/${programme.id}`, text: programme.name },
    { href: analysisPath(programme.id), text: 'Analysis' },
    ...(themes ? [{ href: themesPath(programme.id), text: 'Themes' }] : []),
  ];
  const userId = (request: FastifyRequest) => request.user!.id;

  async function themeOr404(request: FastifyRequest) {
    const programme = await programmeOr404(request);
    const theme = await analysis.theme(programme.id, (request.params as { themeId: string }).themeId);
    if (!theme) throw notFound('theme');
    return { programme, theme };
  }

  app.get('/programmes/:programmeId/analysis/themes', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    return reply.render(`${VIEW}themes.njk`, {
      title: `Themes – ${programme.name}`,
      programme,
      crumbs: crumbs(programme, false),
      themes: await analysis.themes(programme.id),
      ...access(request, programme.id),
    });
  });

  async function newThemePage(
    reply: FastifyReply,
    programme: { id: string; name: string },
    form: FormState,
    status = 200,
  ) {
    return reply.render(
      `${VIEW}theme-form.njk`,
      {
        title: 'Create a theme',
        programme,
        crumbs: crumbs(programme),
        form,
        action: themesPath(programme.id),
        cancel: themesPath(programme.id),
        statuses: statusChoices,
        codeOptions: await analysis.themeCodeOptions(programme.id),
        isNew: true,
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/themes/new', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    return newThemePage(reply, programme, emptyForm({ status: 'candidate' }));
  });

  app.post('/programmes/:programmeId/analysis/themes', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const parsed = parseForm(newThemeSchema, request.body, newThemeOrder);
    if (!parsed.ok) return newThemePage(reply, programme, parsed.form, 400);
    return orFormAgain(
      request.body,
      newThemeOrder,
      async () => {
        const id = await analysis.createTheme(programme.id, parsed.data, userId(request), request.auditContext());
        request.flash('success', `Theme “${parsed.data.name}” created.`);
        return reply.redirect(`${themesPath(programme.id)}/${id}`);
      },
      (form) => newThemePage(reply, programme, form, 400),
    );
  });

  async function themePage(request: FastifyRequest, reply: FastifyReply, codesForm = emptyForm(), status = 200) {
    const { programme, theme } = await themeOr404(request);
    const details = (await analysis.themeDetails(programme.id, theme.id))!;
    return reply.render(
      `${VIEW}theme.njk`,
      {
        title: `${theme.name} – Themes – ${programme.name}`,
        programme,
        crumbs: crumbs(programme),
        base: `${themesPath(programme.id)}/${theme.id}`,
        ...details,
        reviews: await analysis.themeReviews(theme.id),
        form: codesForm,
        ...access(request, programme.id),
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/themes/:themeId', reading, (request, reply) => themePage(request, reply));

  async function editPage(
    reply: FastifyReply,
    found: Awaited<ReturnType<typeof themeOr404>>,
    form: FormState,
    status = 200,
  ) {
    const { programme, theme } = found;
    const base = `${themesPath(programme.id)}/${theme.id}`;
    return reply.render(
      `${VIEW}theme-form.njk`,
      {
        title: `Edit the theme “${theme.name}”`,
        programme,
        crumbs: crumbs(programme),
        form,
        action: base,
        cancel: base,
        statuses: statusChoices,
        reviews: await analysis.themeReviews(theme.id),
        isNew: false,
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/themes/:themeId/edit', coding, async (request, reply) => {
    const found = await themeOr404(request);
    const { name, definition, memo, status } = found.theme;
    return editPage(reply, found, emptyForm({ name, definition, memo, status }));
  });

  app.post('/programmes/:programmeId/analysis/themes/:themeId', coding, async (request, reply) => {
    const found = await themeOr404(request);
    const parsed = parseForm(editThemeSchema, request.body, editThemeOrder);
    if (!parsed.ok) return editPage(reply, found, parsed.form, 400);
    const { programme, theme } = found;
    return orFormAgain(
      request.body,
      editThemeOrder,
      async () => {
        await analysis.updateTheme(programme.id, theme.id, parsed.data, userId(request), request.auditContext());
        request.flash('success', `Theme “${parsed.data.name}” saved.`);
        return reply.redirect(`${themesPath(programme.id)}/${theme.id}`);
      },
      (form) => editPage(reply, found, form, 400),
    );
  });

  app.post('/programmes/:programmeId/analysis/themes/:themeId/codes', coding, async (request, reply) => {
    const { programme, theme } = await themeOr404(request);
    const parsed = parseForm(themeCodesSchema, request.body, ['codeIds']);
    if (!parsed.ok) return themePage(request, reply, parsed.form, 400);
    return orFormAgain(
      request.body,
      ['codeIds'],
      async () => {
        const { codeIds, _submission } = parsed.data;
        await analysis.addThemeCodes(programme.id, theme.id, codeIds, userId(request), _submission);
        request.flash('success', codeIds.length === 1 ? 'Code added to the theme.' : 'Codes added to the theme.');
        return reply.redirect(`${themesPath(programme.id)}/${theme.id}`);
      },
      (form) => themePage(request, reply, form, 400),
    );
  });

  app.post('/programmes/:programmeId/analysis/themes/:themeId/codes/:codeId/remove', coding, async (request, reply) => {
    const { programme, theme } = await themeOr404(request);
    const removed = await analysis.removeThemeCode(theme.id, (request.params as { codeId: string }).codeId);
    if (!removed) throw notFound('code');
    request.flash('success', 'Code taken out of the theme. Its codings are unchanged.');
    return reply.redirect(`${themesPath(programme.id)}/${theme.id}`);
  });
}
