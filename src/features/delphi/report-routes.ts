import type { FastifyInstance } from 'fastify';
import { bodyField, fileSlug, programmeResource, sendAttachment as sendFile } from '../../platform/http/route-helpers';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors } from '../../platform/forms/forms';
import { toCsvText } from '../../exports/csv';
import { writeDocx } from '../../exports/docx';
import { toPdf } from '../../exports/pdf';
import { toXlsx } from '../../exports/xlsx';
import { studyReportDoc } from './report';
import { plural } from './disclosure';
import { parseOrFieldError, reportParams, responsesParams, toFrameworkSchema } from './schema';
import type { DelphiRouteContext } from './route-context';
import type { Study } from './repository';

const slug = (s: Study) => fileSlug(s.title, 'study');

/** What a study gives back: its report (DOCX, PDF), the anonymised responses (CSV, XLSX) and agreed items sent to a framework. */
export function reportRoutes(app: FastifyInstance, ctx: DelphiRouteContext) {
  const { delphi, frameworks, base, studyOr404 } = ctx;

  app.get(
    '/programmes/:programmeId/delphi/:studyId/report.:format',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      const params = reportParams.safeParse(request.params);
      if (!params.success) throw notFound('report format');
      const doc = studyReportDoc(await delphi.report(study), programme.name);
      return params.data.format === 'docx'
        ? sendFile(
            reply,
            `${slug(study)}-report.docx`,
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
            await writeDocx(doc),
          )
        : sendFile(reply, `${slug(study)}-report.pdf`, 'application/pdf', await toPdf(doc));
    },
  );

  app.get(
    '/programmes/:programmeId/delphi/:studyId/responses.:format',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => {
      const { study } = await studyOr404(request);
      const params = responsesParams.safeParse(request.params);
      if (!params.success) throw notFound('export format');
      const rows = await delphi.responses(study);
      const head = [
        'round',
        'panellist',
        ...(study.namesInExports ? ['name'] : []),
        'group',
        'area',
        'item',
        'rating',
        'comment',
        'reason',
      ];
      const data = rows.map((r) => [
        r.round,
        r.panellist,
        ...(study.namesInExports ? [r.name] : []),
        r.group,
        r.area,
        r.item,
        r.rating,
        r.comment,
        r.reason,
      ]);
      return params.data.format === 'csv'
        ? sendFile(reply, `${slug(study)}-responses.csv`, 'text/csv; charset=utf-8', toCsvText(head, data))
        : sendFile(
            reply,
            `${slug(study)}-responses.xlsx`,
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            await toXlsx([{ name: 'Responses', head, rows: data }]),
          );
    },
  );

  // ---- into the framework -------------------------------------------------------------------
  const draftsOf = async () =>
    (await frameworks.allVersions())
      .filter((v) => v.status === 'draft')
      .map((v) => ({ value: v.id, text: `${v.shortName} ${v.label}` }));

  app.get(
    '/programmes/:programmeId/delphi/:studyId/to-framework',
    { config: { permission: 'delphi.to-framework', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      return reply.render('delphi/views/to-framework.njk', {
        title: 'Send agreed items to a framework',
        study,
        programme,
        base: base(study),
        drafts: await draftsOf(),
        form: emptyForm(),
      });
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/to-framework',
    { config: { permission: 'delphi.to-framework', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      try {
        // Adding statements to a framework is framework work too: the person needs that permission as well.
        const { versionId } = parseOrFieldError(toFrameworkSchema, request.body);
        const r = await delphi.sendToFramework(
          study,
          versionId,
          request.auditContext(),
          bodyField(request.body, '_submission') || undefined,
        );
        const nothingNew = r.linked.length + r.added.length === 0;
        const parts = [
          nothingNew
            ? 'Nothing new was sent.'
            : `Linked ${plural(r.linked.length, 'statement')} to the study and added ${plural(r.added.length, 'new statement')}.`,
        ];
        if (r.already.length) parts.push(`Already sent to this version, so not sent again: ${r.already.join(', ')}.`);
        if (r.skipped.length)
          parts.push(`Not sent (no domain of the same name in the framework, or no stage): ${r.skipped.join(', ')}.`);
        request.flash('success', parts.join(' '));
        return reply.redirect(base(study));
      } catch (err) {
        if (err instanceof FieldError)
          return reply.render(
            'delphi/views/to-framework.njk',
            {
              title: 'Send agreed items to a framework',
              study,
              programme,
              base: base(study),
              drafts: await draftsOf(),
              form: formWithErrors({ versionId: bodyField(request.body, 'versionId') }, { versionId: err.message }),
            },
            400,
          );
        throw err;
      }
    },
  );
}
