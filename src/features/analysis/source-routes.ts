import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, parseForm } from '../../platform/forms/forms';
import { pager, programmeResource } from '../../platform/http/route-helpers';
import type { AnalysisRouteContext } from './route-context';
import { SOURCE_FILTERS, sourceQuery, sourceSearchQuery } from './schema';

const view = { config: { permission: 'analysis.view', resource: programmeResource } } as const;
const ORDER = [...SOURCE_FILTERS, 'q', 'page'];

/** The sources: the list (filtered and searched) and one source with where it came from. */
export function sourceRoutes(
  app: FastifyInstance,
  { analysis, programmeOr404, analysisPath, access }: AnalysisRouteContext,
) {
  app.get('/programmes/:programmeId/analysis/sources', view, async (request, reply) => {
    const programme = await programmeOr404(request);
    const base = `${analysisPath(programme.id)}/sources`;
    const page = { title: `Sources – ${programme.name}`, programme, base, ...access(request, programme.id) };
    await analysis.sync(programme.id);
    const parsed = parseForm(sourceQuery, request.query, ORDER);
    if (!parsed.ok) {
      const options = await analysis.sourceFilterOptions(programme.id);
      return reply.render('analysis/views/sources.njk', { ...page, options, form: parsed.form }, 400);
    }
    const result = await analysis.listSources(programme.id, parsed.data);
    const form = emptyForm(request.query as Record<string, unknown>);
    if (!result.ok) {
      const errorList = Object.entries(result.problems).map(([f, text]) => ({ text, href: `#${f}` }));
      return reply.render(
        'analysis/views/sources.njk',
        { ...page, options: result.options, form: { ...form, errors: result.problems, errorList } },
        400,
      );
    }
    const { page: current, ...kept } = parsed.data;
    return reply.render('analysis/views/sources.njk', {
      ...page,
      options: result.options,
      form,
      sources: result.sources,
      filtered: Object.values(kept).some((v) => v !== undefined),
      searched: parsed.data.q,
      pager: pager(base, kept, current, result.total, result.pageSize),
    });
  });

  app.get('/programmes/:programmeId/analysis/sources/:sourceId', view, async (request, reply) => {
    const programme = await programmeOr404(request);
    // Words to mark come from the list's search; anything odd there only means nothing is marked.
    const q = sourceSearchQuery.safeParse(request.query).data?.q;
    const { sourceId } = request.params as { sourceId: string };
    await analysis.sync(programme.id);
    const source = await analysis.source(programme.id, sourceId, q);
    if (!source) throw notFound('source');
    return reply.render('analysis/views/source.njk', {
      title: `${source.title} – ${programme.name}`,
      programme,
      source,
      searched: q,
      ...access(request, programme.id),
    });
  });
}
