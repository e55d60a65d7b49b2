import type { FastifyInstance, FastifyRequest } from 'fastify';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { LEVEL_NAMES, LEVELS, STAGE_NAMES } from './stage';
import { RULE_KEYS } from './rules';
import { levelFields, matrixQuerySchema, rulesSchema, scaleSchema } from './schema';
import { follow, stageOptions, type PathwayRouteContext } from './route-context';

/** The evidence matrix (statements against evidence, with the gap analysis) and the rules and scale it measures by. */
export function matrixRoutes(app: FastifyInstance, ctx: PathwayRouteContext) {
  const { pathway, groups, ownOr404 } = ctx;

  app.get('/pathway/:pathwayId/matrix', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const { stage: mine } = await pathway.profile(request.user!.id);
    const stage = matrixQuerySchema.parse(request.query).stage ?? mine;
    return reply.render('pathway/views/matrix.njk', {
      title: 'Evidence matrix',
      pathway: p,
      stage,
      stageOptions: [...stageOptions, { value: 'all', text: 'All stages' }],
      stageNames: STAGE_NAMES,
      ...(await pathway.matrix(
        p,
        stage,
        await groups.sharedWith(p, await groups.teamIdsFor(p.userId, p.frameworkVersionId)),
      )),
      needs: (await pathway.view(p)).needs,
    });
  });

  // ---- evidence rules and the scale's words -----------------------------------------------------

  const rulesPage = async (request: FastifyRequest, form?: FormState) => {
    const p = await ownOr404(request);
    const r = pathway.rules(p);
    const names = pathway.levelNames(p);
    return {
      title: 'Evidence rules and scale',
      pathway: p,
      levels: LEVELS.map((l) => ({ key: l, field: `level-${l}`, defaultName: LEVEL_NAMES[l] })),
      form:
        form ??
        emptyForm({
          ...Object.fromEntries(RULE_KEYS.map((k) => [k, r[k] === null ? '' : String(r[k])])),
          ...Object.fromEntries(LEVELS.map((l) => [`level-${l}`, names[l]])),
        }),
    };
  };

  app.get('/pathway/:pathwayId/rules', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/rules.njk', await rulesPage(request)),
  );

  app.post('/pathway/:pathwayId/rules', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(rulesSchema, request.body, [...RULE_KEYS]);
    if (!parsed.ok)
      return reply.render(
        'pathway/views/rules.njk',
        await rulesPage(request, { ...parsed.form, values: request.body as Record<string, unknown> }),
        400,
      );
    const body = request.body as Record<string, unknown>;
    try {
      await pathway.setRules(p, parsed.data, request.auditContext(), scaleSchema.parse(body));
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/rules.njk',
          await rulesPage(request, formWithErrors(body, { [err.field]: err.message }, [...RULE_KEYS, ...levelFields])),
          400,
        );
      throw err;
    }
    request.flash('success', 'Rules and scale saved. The matrix shows where your portfolio stands against the rules.');
    return reply.redirect(`/pathway/${p.id}/matrix`);
  });
}
