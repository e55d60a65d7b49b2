import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, parseForm } from '../../platform/forms/forms';
import { programmeResource } from '../../platform/http/route-helpers';
import { programmeOr404, toolAccess, type ProgrammeOverview } from './programme-page';
import { stageParams, stageSchema } from './schema';
import type { ProgrammesService } from './service';
import { PROGRAMME_STAGES, STAGE_STATE_LABELS, STAGE_STATES } from './stages';

const stageOptions = STAGE_STATES.map((s) => ({ value: s, text: STAGE_STATE_LABELS[s] }));

type Stage = ProgrammeOverview['stages'][number];

/** What a stage page shows this person: its tools only if they may open them. */
const stageModel = (request: FastifyRequest, o: ProgrammeOverview, stage: Stage) => ({
  title: `${stage.title} – ${o.programme.name}`,
  programme: o.programme,
  stage,
  stageCount: PROGRAMME_STAGES.length,
  stageOptions,
  canManage: can(request.actor, 'programme.manage', { programmeId: o.programme.id }),
  ...toolAccess(request, o.programme.id),
});

/** A co-creation stage's page, where the lead records its state. */
export function stageRoutes(app: FastifyInstance, programmes: ProgrammesService) {
  async function stagePage(request: FastifyRequest) {
    const o = await programmeOr404(programmes, request);
    const p = stageParams.safeParse(request.params);
    if (!p.success) throw notFound('stage');
    const stage = o.stages.find((s) => s.key === p.data.stage)!;
    return { o, stage };
  }

  app.get(
    '/programmes/:programmeId/stages/:stage',
    { config: { permission: 'programme.view', resource: programmeResource } },
    async (request, reply) => {
      const { o, stage } = await stagePage(request);
      return reply.render('programmes/views/stage.njk', {
        ...stageModel(request, o, stage),
        form: emptyForm({ state: stage.state, note: stage.note }),
      });
    },
  );

  app.post(
    '/programmes/:programmeId/stages/:stage',
    { config: { permission: 'programme.manage', resource: programmeResource } },
    async (request, reply) => {
      const { o, stage } = await stagePage(request);
      const parsed = parseForm(stageSchema, request.body, ['state', 'note']);
      if (!parsed.ok) {
        return reply.render('programmes/views/stage.njk', { ...stageModel(request, o, stage), form: parsed.form }, 400);
      }
      await programmes.setStage(
        o.programme.id,
        stage.key,
        parsed.data.state,
        parsed.data.note,
        request.user!.id,
        request.auditContext(),
      );
      request.flash(
        'success',
        `${stage.title} is now marked “${STAGE_STATE_LABELS[parsed.data.state].toLowerCase()}”.`,
      );
      return reply.redirect(`/programmes/${o.programme.id}`);
    },
  );
}
