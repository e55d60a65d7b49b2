import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { parseForm, type FormState } from '../../platform/forms/forms';
import { fileSlug, programmeResource, sendAttachment } from '../../platform/http/route-helpers';
import type { AnalysisRouteContext } from './route-context';
import { matrixCellQuery, matrixFormatParams, matrixQuery } from './schema-themes';
import { MATRIX_BY } from './themes';

const VIEW = 'analysis/views/';
const reading = { config: { permission: 'analysis.view', resource: programmeResource } } as const;
const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
const groupings = Object.entries(MATRIX_BY).map(([value, b]) => ({ value, label: b.label }));

/** The framework matrix (page, one cell's segments, CSV and XLSX) and the cross-area view. */
export function matrixRoutes(app: FastifyInstance, ctx: AnalysisRouteContext) {
  const { analysis, programmeOr404, analysisPath, access } = ctx;
  const crumbs = (programme: { id: string; name: string }, matrix = false) => [
    { href: '/programmes', text: 'Programmes' },
    { href: `/programmes/${programme.id}`, text: programme.name },
    { href: analysisPath(programme.id), text: 'Analysis' },
    ...(matrix ? [{ href: `${analysisPath(programme.id)}/matrix`, text: 'Framework matrix' }] : []),
  ];

  /** A query that does not parse: the page says what is wrong, with the groupings to choose from. */
  function badQuery(reply: FastifyReply, programme: { id: string; name: string }, form: FormState) {
    return reply.render(
      `${VIEW}matrix.njk`,
      { title: `Framework matrix – ${programme.name}`, programme, crumbs: crumbs(programme), form, groupings },
      400,
    );
  }

  app.get('/programmes/:programmeId/analysis/matrix', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const parsed = parseForm(matrixQuery, request.query, ['by']);
    if (!parsed.ok) return badQuery(reply, programme, parsed.form);
    const { by } = parsed.data;
    return reply.render(`${VIEW}matrix.njk`, {
      title: `Framework matrix – ${programme.name}`,
      programme,
      crumbs: crumbs(programme),
      by,
      groupings,
      base: `${analysisPath(programme.id)}/matrix`,
      ...(await analysis.themeMatrix(programme.id, by)),
      ...access(request, programme.id),
    });
  });

  app.get('/programmes/:programmeId/analysis/matrix/cell', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const parsed = parseForm(matrixCellQuery, request.query, ['by', 'theme', 'value']);
    if (!parsed.ok) return badQuery(reply, programme, parsed.form);
    const { by, theme, value } = parsed.data;
    const cell = await analysis.matrixCell(programme.id, theme, by, value);
    if (!cell) throw notFound('theme');
    return reply.render(`${VIEW}matrix-cell.njk`, {
      title: `${cell.theme.name}, ${cell.valueLabel} – ${programme.name}`,
      programme,
      crumbs: crumbs(programme, true),
      back: `${analysisPath(programme.id)}/matrix?by=${by}`,
      ...cell,
    });
  });

  app.get('/programmes/:programmeId/analysis/matrix.:format', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const format = matrixFormatParams.safeParse(request.params);
    if (!format.success) throw notFound('format');
    const parsed = parseForm(matrixQuery, request.query, ['by']);
    if (!parsed.ok) return badQuery(reply, programme, parsed.form);
    const { by } = parsed.data;
    const body = await analysis.matrixDownload(programme.id, by, format.data.format);
    const name = `${fileSlug(programme.name, 'programme')}-framework-matrix-by-${by}.${format.data.format}`;
    return sendAttachment(reply, name, CONTENT_TYPES[format.data.format], body);
  });

  app.get('/programmes/:programmeId/analysis/common', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    return reply.render(`${VIEW}matrix-common.njk`, {
      title: `Themes across the areas – ${programme.name}`,
      programme,
      crumbs: crumbs(programme),
      view: await analysis.commonThemes(programme.id),
      ...access(request, programme.id),
    });
  });
}
