import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import { emptyForm, parseForm, type FormState } from '../../platform/forms/forms';
import { formList, programmeResource } from '../../platform/http/route-helpers';
import { orFormAgain } from './codebook-pages';
import type { AnalysisRouteContext } from './route-context';
import { acceptSuggestionsOrder, acceptSuggestionsSchema } from './schema-suggestions';

const reading = { config: { permission: 'analysis.view', resource: programmeResource } } as const;
const coding = { config: { permission: 'analysis.code', resource: programmeResource } } as const;

/** Suggested codes: the groups of workshop notes found automatically, and accepting them one by one or in bulk. */
export function suggestionRoutes(
  app: FastifyInstance,
  { analysis, programmeOr404, analysisPath, access }: AnalysisRouteContext,
) {
  async function page(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    const programme = await programmeOr404(request);
    await analysis.sync(programme.id);
    const found = await analysis.suggestions(programme.id);
    // Each group's fields as first shown: a new code named from its key terms.
    const defaults = Object.fromEntries(
      found.groups.flatMap((g) => [
        [`code-${g.key}`, 'new'],
        [`name-${g.key}`, g.suggestedName],
      ]),
    );
    return reply.render(
      'analysis/views/suggestions.njk',
      {
        title: `Suggested codes – ${programme.name}`,
        programme,
        crumbs: [
          { href: '/programmes', text: 'Programmes' },
          { href: `/programmes/${programme.id}`, text: programme.name },
          { href: analysisPath(programme.id), text: 'Analysis' },
        ],
        ...found,
        codeChoices: [
          { value: 'new', text: 'A new code (name it below)' },
          ...found.codes.map((n) => ({ value: n.code.id, text: `${'– '.repeat(n.depth - 1)}${n.code.name}` })),
        ],
        form: { ...form, values: { ...defaults, ...form.values } },
        ticked: formList(form.values.groups),
        ...access(request, programme.id),
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/suggestions', reading, async (request, reply) =>
    page(request, reply, emptyForm()),
  );

  app.post('/programmes/:programmeId/analysis/suggestions', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const parsed = parseForm(acceptSuggestionsSchema, request.body, acceptSuggestionsOrder);
    if (!parsed.ok) return page(request, reply, parsed.form, 400);
    return orFormAgain(
      request.body,
      acceptSuggestionsOrder,
      async () => {
        const { picks, _submission } = parsed.data;
        const done = await analysis.acceptSuggestions(
          programme.id,
          picks,
          request.user!.id,
          request.auditContext(),
          _submission,
        );
        const groups = done.groups === 1 ? '1 group' : `${done.groups} groups`;
        const notes = done.notes === 1 ? '1 note' : `${done.notes} notes`;
        request.flash('success', `${groups} accepted: ${notes} coded by “Suggested codes”.`);
        return reply.redirect(`${analysisPath(programme.id)}/suggestions`);
      },
      (form) => page(request, reply, form, 400),
    );
  });
}
