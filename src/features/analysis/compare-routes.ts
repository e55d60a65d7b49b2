import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { fileSlug, programmeResource, sendAttachment } from '../../platform/http/route-helpers';
import { orFormAgain } from './codebook-pages';
import type { AnalysisRouteContext } from './route-context';
import { adjudicationOrder, adjudicationSchema, compareOrder, compareQuery, disagreementQuery } from './schema-compare';

const VIEW = 'analysis/views/';
const reading = { config: { permission: 'analysis.view', resource: programmeResource } } as const;
const coding = { config: { permission: 'analysis.code', resource: programmeResource } } as const;

type Programme = { id: string; name: string };

/**
 * Comparing coders (disagreements by code or by source, side by side), adjudicating one disagreement, and the
 * reliability figures with the codings CSV to reproduce them with `waymark irr --multi`.
 */
export function compareRoutes(
  app: FastifyInstance,
  { analysis, programmeOr404, analysisPath, access }: AnalysisRouteContext,
) {
  const crumbs = (programme: Programme, more: { href: string; text: string }[] = []) => [
    { href: '/programmes', text: 'Programmes' },
    { href: `/programmes/${programme.id}`, text: programme.name },
    { href: analysisPath(programme.id), text: 'Analysis' },
    ...more,
  ];

  app.get('/programmes/:programmeId/analysis/compare', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const page = {
      title: `Compare coders – ${programme.name}`,
      programme,
      crumbs: crumbs(programme),
      ...access(request, programme.id),
    };
    const parsed = parseForm(compareQuery, request.query, compareOrder);
    if (!parsed.ok) {
      const result = await analysis.compare(programme.id, { by: 'code' });
      return reply.render(`${VIEW}compare.njk`, { ...page, options: result.options, form: parsed.form }, 400);
    }
    const result = await analysis.compare(programme.id, parsed.data);
    const form = emptyForm(request.query as Record<string, unknown>);
    if (!result.ok)
      return reply.render(
        `${VIEW}compare.njk`,
        { ...page, options: result.options, form: formWithErrors(form.values, result.problems, compareOrder) },
        400,
      );
    return reply.render(`${VIEW}compare.njk`, { ...page, ...result, form, by: parsed.data.by });
  });

  async function adjudicationPage(
    reply: FastifyReply,
    programme: Programme,
    sourceId: string,
    codeId: string,
    form: FormState,
    status = 200,
  ) {
    const d = await analysis.disagreement(programme.id, sourceId, codeId);
    if (!d) throw notFound('disagreement');
    return reply.render(
      `${VIEW}compare-adjudicate.njk`,
      {
        title: `Adjudicate “${d.code.label}” on “${d.source.title}”`,
        programme,
        crumbs: crumbs(programme, [{ href: `${analysisPath(programme.id)}/compare`, text: 'Compare coders' }]),
        d,
        form,
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/compare/adjudicate', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const q = disagreementQuery.safeParse(request.query);
    if (!q.success) throw notFound('disagreement');
    return adjudicationPage(reply, programme, q.data.source, q.data.code, emptyForm({}));
  });

  app.post('/programmes/:programmeId/analysis/compare/adjudicate', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const ids = disagreementQuery.safeParse({
      source: (request.body as { sourceId?: unknown } | undefined)?.sourceId,
      code: (request.body as { codeId?: unknown } | undefined)?.codeId,
    });
    if (!ids.success) throw notFound('disagreement');
    const { source, code } = ids.data;
    const parsed = parseForm(adjudicationSchema, request.body, adjudicationOrder);
    if (!parsed.ok) return adjudicationPage(reply, programme, source, code, parsed.form, 400);
    return orFormAgain(
      request.body,
      adjudicationOrder,
      async () => {
        const { _submission, ...input } = parsed.data;
        await analysis.adjudicate(programme.id, input, request.user!.id, request.auditContext(), _submission);
        request.flash('success', 'Adjudication recorded.');
        return reply.redirect(`${analysisPath(programme.id)}/compare?code=${code}#d-${source}-${code}`);
      },
      (form) => adjudicationPage(reply, programme, source, code, form, 400),
    );
  });

  app.get('/programmes/:programmeId/analysis/reliability', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    return reply.render(`${VIEW}reliability.njk`, {
      title: `Reliability – ${programme.name}`,
      programme,
      crumbs: crumbs(programme),
      ...(await analysis.reliability(programme.id)),
      ...access(request, programme.id),
    });
  });

  app.get('/programmes/:programmeId/analysis/reliability.csv', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const name = `${fileSlug(programme.name, 'programme')}-codings.csv`;
    return sendAttachment(reply, name, 'text/csv; charset=utf-8', await analysis.reliabilityCsv(programme.id));
  });
}
