import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, formWithErrors, zodFieldErrors, type FormState } from '../../platform/forms/forms';
import { fileSlug, programmeResource, sendAttachment, uploadedFile } from '../../platform/http/route-helpers';
import type { AnalysisRouteContext } from './route-context';
import { exchangeConfirmSchema, exchangeUploadSchema, formatOf } from './schema-exchange';
import { ExchangeProblem } from './service-exchange-import';

const VIEW = 'analysis/views/';
const reading = { config: { permission: 'analysis.view' as const, resource: programmeResource } };
const coding = { config: { permission: 'analysis.code' as const, resource: programmeResource } };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Exchange: the codebook and the project as REFI-QDA files out and in, and the codings as CSV and XLSX. */
export function exchangeRoutes(
  app: FastifyInstance,
  { analysis, programmeOr404, analysisPath, access }: AnalysisRouteContext,
) {
  const exchangePath = (programmeId: string) => `${analysisPath(programmeId)}/exchange`;
  const crumbs = (programme: { id: string; name: string }) => [
    { href: '/programmes', text: 'Programmes' },
    { href: `/programmes/${programme.id}`, text: programme.name },
    { href: analysisPath(programme.id), text: 'Analysis' },
  ];
  /** Who is exporting: a coder takes only what blind coding lets them see. */
  const viewer = (request: FastifyRequest, programmeId: string) => ({
    userId: request.user!.id,
    coder: can(request.actor, 'analysis.code', { programmeId }),
  });

  async function exchangePage(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    const programme = await programmeOr404(request);
    return reply.render(
      `${VIEW}exchange.njk`,
      {
        title: `Exchange – ${programme.name}`,
        programme,
        crumbs: crumbs(programme),
        form,
        ...access(request, programme.id),
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/exchange', reading, async (request, reply) =>
    exchangePage(request, reply, emptyForm({})),
  );

  /** A REFI-QDA download, or the exchange page saying why the data cannot be written as one. */
  async function refiDownload(request: FastifyRequest, reply: FastifyReply, send: () => Promise<FastifyReply>) {
    try {
      return await send();
    } catch (error) {
      if (error instanceof ExchangeProblem)
        return exchangePage(request, reply, formWithErrors({}, { download: error.message }), 422);
      throw error;
    }
  }

  app.get('/programmes/:programmeId/analysis/exchange/codebook.qdc', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const name = `${fileSlug(programme.name, 'programme')}-codebook.qdc`;
    return refiDownload(request, reply, async () =>
      sendAttachment(reply, name, 'application/xml; charset=utf-8', await analysis.codebookQdc(programme.id)),
    );
  });

  app.get('/programmes/:programmeId/analysis/exchange/project.qdpx', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const name = `${fileSlug(programme.name, 'programme')}-analysis.qdpx`;
    return refiDownload(request, reply, async () => {
      const bytes = await analysis.projectQdpx(programme.id, programme.name, viewer(request, programme.id));
      return sendAttachment(reply, name, 'application/zip', Buffer.from(bytes));
    });
  });

  app.get('/programmes/:programmeId/analysis/exchange/codings.csv', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const body = await analysis.codingsDownload(programme.id, viewer(request, programme.id), 'csv');
    const name = `${fileSlug(programme.name, 'programme')}-codings.csv`;
    return sendAttachment(reply, name, 'text/csv; charset=utf-8', body);
  });

  app.get('/programmes/:programmeId/analysis/exchange/codings.xlsx', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const body = await analysis.codingsDownload(programme.id, viewer(request, programme.id), 'xlsx');
    const name = `${fileSlug(programme.name, 'programme')}-codings.xlsx`;
    return sendAttachment(reply, name, XLSX, body);
  });

  app.post('/programmes/:programmeId/analysis/exchange/import', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const file = await uploadedFile(request.body);
    const parsed = exchangeUploadSchema.safeParse({ filename: file && file.data.length > 0 ? file.filename : '' });
    if (!parsed.success)
      return exchangePage(request, reply, formWithErrors({}, { file: zodFieldErrors(parsed.error).filename! }), 400);
    const format = formatOf(parsed.data.filename);
    try {
      const preview = await analysis.previewImport(programme.id, request.user!.id, format, file!.filename, file!.data);
      return reply.render(`${VIEW}exchange-preview.njk`, {
        title: 'Check the import',
        programme,
        crumbs: [...crumbs(programme), { href: exchangePath(programme.id), text: 'Exchange' }],
        preview,
      });
    } catch (error) {
      if (error instanceof ExchangeProblem)
        return exchangePage(request, reply, formWithErrors({}, { file: error.message }), 400);
      throw error;
    }
  });

  app.post('/programmes/:programmeId/analysis/exchange/import/:importId', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const { importId } = request.params as { importId: string };
    const confirm = exchangeConfirmSchema.safeParse(request.body ?? {});
    const _submission = confirm.success ? confirm.data._submission : undefined;
    try {
      const done = await analysis.confirmImport(
        programme.id,
        importId,
        request.user!.id,
        request.auditContext(),
        _submission,
      );
      if (!done) throw notFound('import');
      const what =
        done.format === 'qdc'
          ? `${done.created} new codes (${done.kept} already there, left as they were)`
          : `${done.created} new codes, ${done.sources} sources, ${done.codings} codings and ${done.memos} memos`;
      request.flash('success', `Imported ${what}.`);
      return reply.redirect(exchangePath(programme.id));
    } catch (error) {
      if (error instanceof ExchangeProblem)
        return exchangePage(request, reply, formWithErrors({}, { file: error.message }), 400);
      throw error;
    }
  });
}
