import type { FastifyInstance, FastifyRequest } from 'fastify';
import { emptyForm, FieldError, formWithErrors, type FormState } from '../../platform/forms/forms';
import { bodyField } from '../../platform/http/route-helpers';
import { LEVELS, STAGE_NAMES } from './stage';
import { areaChoice, assessSchema } from './schema';
import { follow, type PathwayRouteContext } from './route-context';

/** A pathway's self-assessment page: rating each statement, and adding an area framework to what is assessed. */
export function selfAssessmentRoutes(app: FastifyInstance, ctx: PathwayRouteContext) {
  const { pathway, frameworks, review, ownOr404 } = ctx;

  async function pathwayModel(request: FastifyRequest, form: FormState = emptyForm()) {
    const p = await ownOr404(request);
    const version = await frameworks.findVersionById(p.frameworkVersionId);
    const framework = version ? await frameworks.frameworkOf(version) : undefined;
    const [view, signoffs, published] = await Promise.all([
      pathway.view(p),
      review.signoffsOf(p.id),
      frameworks.list(false),
    ]);
    const areas = published
      .filter((r) => r.framework.kind === 'area')
      .map((r) => ({ value: r.version!.id, text: `${r.framework.title} (version ${r.version!.label})` }));
    const area = areas.find((a) => a.value === p.areaVersionId);
    return {
      title: 'Self-assessment',
      pathway: p,
      version,
      framework,
      ...view,
      signoffs,
      areaOptions: areas,
      area,
      stageNames: STAGE_NAMES,
      stageName: STAGE_NAMES[view.stage],
      levels: LEVELS.map((l) => ({ value: l, text: pathway.levelNames(p)[l] })),
      levelNames: pathway.levelNames(p),
      form,
    };
  }

  app.get('/pathway/:pathwayId', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/pathway.njk', await pathwayModel(request)),
  );

  app.post('/pathway/:pathwayId/area', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const chosen = areaChoice.safeParse(bodyField(request.body, 'areaVersionId'));
    try {
      if (!chosen.success) throw new FieldError('areaVersionId', chosen.error.issues[0]!.message);
      await pathway.setArea(p, chosen.data, request.auditContext());
      request.flash(
        'success',
        chosen.data
          ? 'Area framework added: its statements for your stage are now part of your self-assessment, evidence and matrix.'
          : 'Area framework removed.',
      );
      return reply.redirect(`/pathway/${p.id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/pathway.njk',
          await pathwayModel(request, formWithErrors({}, { [err.field]: err.message })),
          400,
        );
      throw err;
    }
  });

  app.post('/pathway/:pathwayId/assess', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const body = request.body as Record<string, unknown>;
    try {
      const n = await pathway.assess(p, assessSchema.parse(body), request.auditContext());
      request.flash(
        'success',
        n
          ? `Self-assessment saved: ${n} statement${n === 1 ? '' : 's'} changed.`
          : 'Nothing changed since your last self-assessment.',
      );
      return reply.redirect(`/pathway/${p.id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/pathway.njk',
          await pathwayModel(request, formWithErrors(body, { [err.field]: err.message })),
          400,
        );
      throw err;
    }
  });
}
