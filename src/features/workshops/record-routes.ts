import type { FastifyInstance } from 'fastify';
import { programmeResource, sendAttachment, uploadedFile, fileSlug } from '../../platform/http/route-helpers';
import { notFound } from '../../platform/errors/http-error';
import { toCsvText } from '../../exports/csv';
import { toXlsx } from '../../exports/xlsx';
import { WORKSHOP_KINDS, WORKSHOP_STATUS_LABELS } from './board';
import { recordParams, sourceFormSchema } from './schema';
import type { WorkshopsService } from './service';
import type { WorkshopRouteContext } from './route-context';

/** The record's columns, in order. */
const recordHead = [
  'workshop',
  'kind',
  'area',
  'pillar',
  'activity',
  'prompt',
  'cluster',
  'note',
  'votes',
  'cluster votes',
  'stakeholder type',
  'participant area',
  'participant',
  'author',
  'status',
  'created',
  'updated',
];
const recordRow = (r: Awaited<ReturnType<WorkshopsService['record']>>[number]) => [
  r.workshop,
  r.kind,
  r.area,
  r.pillar,
  r.activity,
  r.prompt,
  r.cluster,
  r.note,
  r.votes,
  r.clusterVotes,
  r.stakeholderType,
  r.participantArea,
  r.participant,
  r.author,
  r.status,
  r.createdAt,
  r.updatedAt,
];

/**
 * What a workshop leaves behind: the record for analysis (CSV or Excel), the printable summary,
 * and transcripts or notes from the day uploaded as sources.
 */
export function recordRoutes(app: FastifyInstance, c: WorkshopRouteContext) {
  const { workshops, programmes, consolePath, workshopOr404, act } = c;
  const view = { permission: 'workshop.view' as const, resource: programmeResource };

  app.post(
    '/programmes/:programmeId/workshops/:workshopId/sources',
    { config: { permission: 'workshop.run', resource: programmeResource } },
    async (request, reply) =>
      act(request, reply, sourceFormSchema, async (w, v) => {
        const file = await uploadedFile(request.body);
        const { characters } = await workshops.uploadSource(
          w,
          file,
          request.user!.id,
          request.auditContext(),
          v._submission,
        );
        return `${file!.filename} added as a source for analysis (${characters.toLocaleString('en-GB')} characters).`;
      }),
  );

  app.get('/programmes/:programmeId/workshops/:workshopId/record.:format', { config: view }, async (request, reply) => {
    const w = await workshopOr404(request);
    const params = recordParams.safeParse(request.params);
    if (!params.success) throw notFound('format');
    const { format } = params.data;
    const rows = (await workshops.record(w)).map(recordRow);
    const name = `${fileSlug(w.title, 'workshop')}-record.${format}`;
    return format === 'csv'
      ? sendAttachment(reply, name, 'text/csv; charset=utf-8', toCsvText(recordHead, rows))
      : sendAttachment(
          reply,
          name,
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          await toXlsx([{ name: 'Notes', head: recordHead, rows }]),
        );
  });

  app.get('/programmes/:programmeId/workshops/:workshopId/summary', { config: view }, async (request, reply) => {
    const workshop = await workshopOr404(request);
    const programme = (await programmes.get(workshop.programmeId))!;
    return reply.render('workshops/views/summary.njk', {
      title: `Summary – ${workshop.title}`,
      programme,
      workshop,
      board: await workshops.board(workshop, { kind: 'facilitator' }),
      kinds: WORKSHOP_KINDS,
      statuses: WORKSHOP_STATUS_LABELS,
      base: consolePath(workshop),
    });
  });
}
