import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import { FieldError, formWithErrors, parseForm } from '../../platform/forms/forms';
import { ukLocalToDate } from '../../platform/forms/dates';
import { describeRule, type ConsensusRule, type Scale } from '../../stats/consensus';
import { roundStatusLabel } from './labels';
import { MIN_GROUP_SIZE, plural, shownItem, WITHHELD } from './disclosure';
import { openRoundOrder, openRoundSchema } from './schema';
import type { DelphiRouteContext } from './route-context';
import type { Round, Study } from './repository';

/** A study's rounds: open, close, remind, re-invite, prepare the next, and each round's results. */
export function roundRoutes(app: FastifyInstance, ctx: DelphiRouteContext) {
  const { delphi, base, studyOr404, roundByNumber, dashboardPage } = ctx;

  /** Runs a change to the round in the URL and goes back to the dashboard, saying what happened or why not. */
  async function roundAction(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (study: Study, round: Round) => Promise<string>,
  ) {
    const { study } = await studyOr404(request);
    const round = await roundByNumber(study, (request.params as { number: string }).number);
    try {
      request.flash('success', await work(study, round));
      return reply.redirect(base(study));
    } catch (err) {
      if (err instanceof FieldError) {
        request.flash('info', err.message);
        return reply.redirect(base(study));
      }
      throw err;
    }
  }

  // Opening a round is a form: a bad closing date (or anything else stopping it) is shown beside the field, not after a redirect.
  app.post(
    '/programmes/:programmeId/delphi/:studyId/rounds/:number/open',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study } = await studyOr404(request);
      const round = await roundByNumber(study, (request.params as { number: string }).number);
      const parsed = parseForm(openRoundSchema, request.body, openRoundOrder);
      if (!parsed.ok) return reply.render('delphi/views/dashboard.njk', await dashboardPage(request, parsed.form), 400);
      try {
        // A datetime-local value has no zone: it means UK time.
        await delphi.openRound(round, ukLocalToDate(parsed.data.closesAt), request.auditContext());
      } catch (err) {
        if (err instanceof FieldError)
          return reply.render(
            'delphi/views/dashboard.njk',
            await dashboardPage(
              request,
              formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, openRoundOrder),
            ),
            400,
          );
        throw err;
      }
      request.flash('success', `Round ${round.number} is open. Every panellist has been emailed a link.`);
      return reply.redirect(base(study));
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/rounds/:number/close',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) =>
      roundAction(request, reply, async (_s, round) =>
        (await delphi.closeRound(round, request.auditContext()))
          ? `Round ${round.number} is closed.`
          : `Round ${round.number} was already closed.`,
      ),
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/rounds/:number/remind',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) =>
      roundAction(request, reply, async (_s, round) => {
        const n = await delphi.remind(round, request.auditContext());
        return `Reminder sent to ${plural(n, 'panellist')} who ${n === 1 ? 'has' : 'have'} not completed round ${round.number}.`;
      }),
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/rounds/:number/reinvite',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) =>
      roundAction(
        request,
        reply,
        async (_s, round) =>
          `Invited ${plural(await delphi.reinviteMissed(round, request.auditContext()), 'panellist')} who missed the previous round.`,
      ),
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/rounds/next',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study } = await studyOr404(request);
      try {
        const next = await delphi.prepareNextRound(study, request.auditContext());
        request.flash(
          'success',
          `Round ${next.number} is being prepared with the items of round ${next.number - 1}. Reword, merge, split, add or drop items, then open it.`,
        );
        return reply.redirect(`${base(study)}/items`);
      } catch (err) {
        if (err instanceof FieldError) {
          request.flash('info', err.message);
          return reply.redirect(base(study));
        }
        throw err;
      }
    },
  );

  app.get(
    '/programmes/:programmeId/delphi/:studyId/rounds/:number',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      const round = await roundByNumber(study, (request.params as { number: string }).number);
      const { analysis, items, concordance } = await delphi.analyse(study, round);
      const rounds = await delphi.rounds(study.id);
      const prev = rounds.find((r) => r.number === round.number - 1 && r.status === 'closed' && r.number > 0);
      const feedback = prev ? await delphi.feedbackFor(study, prev, round, null) : [];
      return reply.render('delphi/views/round.njk', {
        title: `Round ${round.number} results – ${study.title}`,
        study,
        programme,
        base: base(study),
        round,
        rows: items.map((item, n) => ({ item, stats: shownItem(analysis.items[n]!) })),
        groups: [...new Set(analysis.items.flatMap((i) => Object.keys(i.groups ?? {})))].sort(),
        ruleText: describeRule(study.rule as ConsensusRule, study.scale as Scale, study.quartileMethod as 7 | 6),
        scale: study.scale,
        hasPrevious: feedback.length > 0,
        concordance,
        withheldText: WITHHELD,
        minGroupSize: MIN_GROUP_SIZE,
        roundStatusLabel,
      });
    },
  );
}
