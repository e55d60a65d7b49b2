import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { emailField } from '../../platform/auth/email';
import { bodyField, sendAttachment, uploadedFile } from '../../platform/http/route-helpers';
import { GOAL_STATUSES } from './plan-service';
import { GROUP_KINDS } from './group-service';
import { OtherPersonProblem, PORTFOLIO_IMPORT_MAX_BYTES, portfolioJsonSchema } from './portfolio-service';
import type { Pathway } from './repository';
import type { PathwayDeps } from './model';

const follow = { permission: 'pathway.follow' as const };
const todayIso = () => new Date().toISOString().slice(0, 10);
const optionalDay = (message: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.iso.date({ message }).nullable());

/** The development plan, teams, and the portable record (export, import, share links). */
export function practiceRoutes(
  app: FastifyInstance,
  deps: PathwayDeps,
  ownOr404: (request: FastifyRequest) => Promise<Pathway>,
) {
  const { pathway, plans, groups, portfolio } = deps;

  // ---- development plan ----------------------------------------------------------------
  const goalSchema = z.object({
    title: z
      .string({ message: 'Enter the goal' })
      .trim()
      .min(1, 'Enter the goal')
      .max(200, 'Keep the goal to 200 characters or fewer'),
    statementIdentifier: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.uuid({ message: 'Choose a statement from the list' }).nullable()),
    targetOn: optionalDay('Enter the target date, like 2027-03-31'),
    shared: z.string().optional(),
  });
  const actionSchema = z.object({
    text: z
      .string({ message: 'Enter the action' })
      .trim()
      .min(1, 'Enter the action')
      .max(500, 'Keep the action to 500 characters or fewer'),
    dueOn: optionalDay('Enter the due date, like 2027-01-15').refine(
      (v) => v === null || v >= todayIso(),
      'The due date must be today or later: an action cannot be due in the past',
    ),
  });

  async function planPage(
    request: FastifyRequest,
    form: FormState = emptyForm(),
    actionForm: { goalId: string; form: FormState } | null = null,
  ) {
    const p = await ownOr404(request);
    const teams = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
    const [goals, statements, view, memberships] = await Promise.all([
      plans.plan(p, teams),
      pathway.pathwayStatements(p),
      pathway.view(p),
      groups.memberships(p.userId),
    ]);
    return {
      title: 'Development plan',
      pathway: p,
      goals,
      needs: view.needs.length,
      teamOptions: memberships
        .filter((m) => teams.includes(m.group.id))
        .map((m) => ({ value: m.group.id, text: m.group.name })),
      statementOptions: statements
        .filter((s) => s.stage === view.stage)
        .map((s) => ({ value: s.identifier, text: `${s.code} ${s.text}`.slice(0, 140) })),
      statuses: Object.entries(GOAL_STATUSES).map(([value, text]) => ({ value, text })),
      form,
      actionForm,
      // The action fields are named per goal on the page.
      pageErrors: actionForm?.form.errorList.map((e) => ({ ...e, href: `${e.href}-${actionForm.goalId}` })),
    };
  }

  app.get('/pathway/:pathwayId/plan', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/plan.njk', await planPage(request)),
  );

  app.post('/pathway/:pathwayId/plan/seed', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const n = await plans.seedFromNeeds(p, request.auditContext());
    request.flash(
      'success',
      n
        ? `${n} goal${n === 1 ? '' : 's'} added from your learning needs. Add actions and dates to each.`
        : 'Every learning need already has a goal.',
    );
    return reply.redirect(`/pathway/${p.id}/plan`);
  });

  app.post('/pathway/:pathwayId/plan/goals', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(goalSchema, request.body, ['title', 'statementIdentifier', 'targetOn']);
    if (!parsed.ok) return reply.render('pathway/views/plan.njk', await planPage(request, parsed.form), 400);
    try {
      let groupId: string | null = null;
      if (parsed.data.shared) {
        const teams = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
        if (!teams.includes(parsed.data.shared))
          throw new FieldError('title', 'Choose one of your teams to share the goal with');
        groupId = parsed.data.shared;
      }
      await plans.addGoal(
        p,
        { ...parsed.data, groupId },
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/plan.njk',
          await planPage(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
          ),
          400,
        );
      throw err;
    }
    request.flash('success', 'Goal added.');
    return reply.redirect(`/pathway/${p.id}/plan`);
  });

  async function goalOr404(request: FastifyRequest) {
    const p = await ownOr404(request);
    const id = (request.params as { goalId: string }).goalId;
    const teams = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
    const g = z.uuid().safeParse(id).success ? await plans.goalOf(p, id, teams) : undefined;
    if (!g) throw notFound('goal');
    return { p, g };
  }

  app.post('/pathway/:pathwayId/plan/goals/:goalId/status', { config: follow }, async (request, reply) => {
    const { p, g } = await goalOr404(request);
    try {
      await plans.setGoalStatus(g, bodyField(request.body, 'status'), request.auditContext());
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/plan.njk',
          await planPage(request, formWithErrors({}, { [`status-${g.id}`]: err.message })),
          400,
        );
      throw err;
    }
    request.flash(
      'success',
      `“${g.title}” is now ${GOAL_STATUSES[bodyField(request.body, 'status') as keyof typeof GOAL_STATUSES].toLowerCase()}.`,
    );
    return reply.redirect(`/pathway/${p.id}/plan#goal-${g.id}`);
  });

  app.post('/pathway/:pathwayId/plan/goals/:goalId/delete', { config: follow }, async (request, reply) => {
    const { p, g } = await goalOr404(request);
    await plans.deleteGoal(g, request.auditContext());
    request.flash('success', `Goal “${g.title}” removed.`);
    return reply.redirect(`/pathway/${p.id}/plan`);
  });

  app.post('/pathway/:pathwayId/plan/goals/:goalId/actions', { config: follow }, async (request, reply) => {
    const { p, g } = await goalOr404(request);
    const parsed = parseForm(actionSchema, request.body, ['text', 'dueOn']);
    const fail = async (form: FormState) =>
      reply.render('pathway/views/plan.njk', await planPage(request, emptyForm(), { goalId: g.id, form }), 400);
    if (!parsed.ok)
      return reply.render(
        'pathway/views/plan.njk',
        await planPage(request, emptyForm(), { goalId: g.id, form: parsed.form }),
        400,
      );
    try {
      await plans.addAction(
        g,
        parsed.data,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
    } catch (err) {
      if (err instanceof FieldError)
        return fail(formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }));
      throw err;
    }
    request.flash('success', 'Action added. We will email you a week before it is due.');
    return reply.redirect(`/pathway/${p.id}/plan#goal-${g.id}`);
  });

  app.post('/pathway/:pathwayId/plan/goals/:goalId/actions/:actionId', { config: follow }, async (request, reply) => {
    const { p, g } = await goalOr404(request);
    const id = (request.params as { actionId: string }).actionId;
    const a = z.uuid().safeParse(id).success ? await plans.actionOf(g, id) : undefined;
    if (!a) throw notFound('action');
    const what = bodyField(request.body, 'do');
    if (what === 'delete') await plans.deleteAction(a);
    else await plans.setActionDone(a, what === 'done');
    request.flash(
      'success',
      what === 'delete' ? 'Action removed.' : what === 'done' ? 'Action marked done.' : 'Action marked not done.',
    );
    return reply.redirect(`/pathway/${p.id}/plan#goal-${g.id}`);
  });

  // ---- teams -----------------------------------------------------------------------------
  const teamSchema = z.object({
    name: z
      .string({ message: 'Enter a name for the team' })
      .trim()
      .min(1, 'Enter a name for the team')
      .max(120, 'Keep the name to 120 characters or fewer'),
  });

  app.post('/pathway/:pathwayId/teams', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(teamSchema, request.body, ['name']);
    if (!parsed.ok) {
      const memberships = (await groups.memberships(p.userId)).filter(
        (m) => m.group.frameworkVersionId === p.frameworkVersionId,
      );
      return reply.render(
        'pathway/views/teams.njk',
        { title: 'Teams', pathway: p, memberships, kinds: GROUP_KINDS, form: parsed.form },
        400,
      );
    }
    const g = await groups.create(
      request.user!.id,
      { kind: 'team', name: parsed.data.name, versionId: p.frameworkVersionId, programmeId: null },
      request.auditContext(),
      bodyField(request.body, '_submission') || undefined,
    );
    request.flash('success', `Team “${g.name}” created. Invite your colleagues.`);
    return reply.redirect(`/pathway/teams/${g.id}`);
  });

  app.get('/pathway/:pathwayId/teams', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const memberships = (await groups.memberships(p.userId)).filter(
      (m) => m.group.frameworkVersionId === p.frameworkVersionId,
    );
    return reply.render('pathway/views/teams.njk', {
      title: 'Teams',
      pathway: p,
      memberships,
      kinds: GROUP_KINDS,
      form: emptyForm(),
    });
  });

  async function teamOr404(request: FastifyRequest) {
    const id = (request.params as { groupId: string }).groupId;
    const g = z.uuid().safeParse(id).success ? await groups.get(id) : undefined;
    const mine = g
      ? (await groups.memberships(request.user!.id)).find((m) => m.group.id === g.id && m.acceptedAt)
      : undefined;
    if (!g || g.kind !== 'team' || !mine) throw notFound('team');
    return g;
  }

  const teamPage = async (request: FastifyRequest, form: FormState = emptyForm()) => {
    const g = await teamOr404(request);
    return { title: g.name, group: g, ...(await groups.teamView(g)), form, isOwner: g.ownerId === request.user!.id };
  };

  app.get('/pathway/teams/:groupId', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/team.njk', await teamPage(request)),
  );

  app.post('/pathway/teams/:groupId/invite', { config: follow }, async (request, reply) => {
    const g = await teamOr404(request);
    try {
      const email = emailField.safeParse(bodyField(request.body, 'email'));
      if (!email.success) throw new FieldError('email', 'Enter their email address, like name@nhs.net');
      const user = await groups.invite(g, email.data, request.auditContext());
      request.flash('success', `${user.name} is invited. They join when they accept.`);
      return reply.redirect(`/pathway/teams/${g.id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/team.njk',
          await teamPage(request, formWithErrors({ email: bodyField(request.body, 'email') }, { email: err.message })),
          400,
        );
      throw err;
    }
  });

  // Accepting or declining an invitation to a team or a cohort: the person's own choice.
  app.post('/pathway/groups/:groupId/:choice', { config: follow }, async (request, reply) => {
    const { groupId, choice } = request.params as { groupId: string; choice: string };
    if (!z.uuid().safeParse(groupId).success || !['accept', 'leave'].includes(choice)) throw notFound('invitation');
    const g = await groups.get(groupId);
    if (!g) throw notFound('invitation');
    const ok =
      choice === 'accept'
        ? await groups.accept(groupId, request.user!.id, request.auditContext())
        : await groups.leave(groupId, request.user!.id, request.auditContext());
    if (!ok) throw notFound('invitation');
    request.flash(
      'success',
      choice === 'accept' ? `You joined “${g.name}”.` : `You left “${g.name}”. It no longer sees your progress.`,
    );
    return reply.redirect('/pathway');
  });

  // An invitation opened from its email: only the account it was sent to can answer it.
  const invitationProblems = {
    invalid: {
      title: 'This invitation link does not work',
      message: 'Check that you copied the whole link from the email, or look for the invitation on your pathway page.',
    },
    expired: { title: 'This invitation link has expired', message: 'Ask whoever invited you to invite you again.' },
    used: {
      title: 'This invitation has already been answered',
      message:
        'You accepted or declined it already, or it was withdrawn. Your teams and cohorts are on your pathway page.',
    },
  } as const;
  async function invitationPage(
    request: FastifyRequest,
    reply: FastifyReply,
    act?: (groupId: string) => Promise<FastifyReply>,
  ) {
    const token = (request.params as { token: string }).token;
    const found = await groups.invitation(token, request.user!.id);
    if (!found.ok)
      return reply.render(
        'errors/link-problem.njk',
        { ...invitationProblems[found.problem], retryHref: '/pathway', retryText: 'Go to your pathway page' },
        found.problem === 'invalid' ? 404 : 410,
      );
    if (found.forOther)
      return reply.render(
        'pathway/views/invitation.njk',
        {
          title: 'This invitation was sent to someone else',
          group: found.group,
          kindName: GROUP_KINDS[found.group.kind as keyof typeof GROUP_KINDS],
          forOther: found.forOther,
        },
        403,
      );
    if (act) return act(found.group.id);
    return reply.render('pathway/views/invitation.njk', {
      title: `Invitation to ${found.group.name}`,
      group: found.group,
      kindName: GROUP_KINDS[found.group.kind as keyof typeof GROUP_KINDS],
      token,
      forOther: null,
    });
  }

  app.get('/pathway/invitations/:token', { config: { permission: 'signed-in' } }, async (request, reply) =>
    invitationPage(request, reply),
  );

  app.post('/pathway/invitations/:token', { config: { permission: 'signed-in' } }, async (request, reply) =>
    invitationPage(request, reply, async (groupId) => {
      const accept = bodyField(request.body, 'choice') === 'accept';
      const g = (await groups.get(groupId))!;
      const ok = accept
        ? await groups.accept(groupId, request.user!.id, request.auditContext())
        : await groups.leave(groupId, request.user!.id, request.auditContext());
      if (!ok) throw notFound('invitation');
      request.flash('success', accept ? `You joined “${g.name}”.` : `You declined the invitation to “${g.name}”.`);
      return reply.redirect('/pathway');
    }),
  );

  // ---- portable record -------------------------------------------------------------------

  app.get('/pathway/:pathwayId/portfolio', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const shares = await portfolio.shares(p);
    return reply.render('pathway/views/portfolio.njk', {
      title: 'Your portfolio',
      pathway: p,
      shares,
      form: emptyForm({ days: '14' }),
      newLink: popShare(request),
    });
  });

  function popShare(request: FastifyRequest) {
    const link = request.session.oneTimeLink;
    if (link) request.session.oneTimeLink = undefined;
    return link ?? null;
  }

  app.get('/pathway/:pathwayId/portfolio.json', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const doc = await portfolio.json(p, request.auditContext());
    return sendAttachment(
      reply,
      `portfolio-${doc.practitioner.name || 'waymark'}-${doc.exportedAt.slice(0, 10)}.json`,
      'application/json',
      JSON.stringify(doc, null, 2),
    );
  });

  app.get('/pathway/:pathwayId/portfolio.pdf', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    return sendAttachment(
      reply,
      `portfolio-${new Date().toISOString().slice(0, 10)}.pdf`,
      'application/pdf',
      await portfolio.pdf(p, request.auditContext()),
    );
  });

  app.get('/pathway/portfolio.schema.json', { config: { permission: 'public' } }, async (_request, reply) =>
    reply.type('application/schema+json').send(portfolioJsonSchema()),
  );

  const DAYS_MESSAGE = 'Enter the number of days as a whole number from 1 to 90';
  const shareSchema = z.object({
    label: z
      .string({ message: 'Say who the link is for' })
      .trim()
      .min(1, 'Say who the link is for, like “Consultant panel, March”')
      .max(120, 'Keep it to 120 characters or fewer'),
    days: z.preprocess(
      // An empty box is "no number", not 0.
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.coerce
        .number({ message: DAYS_MESSAGE })
        .int(DAYS_MESSAGE)
        .min(1, 'The link must work for at least 1 day')
        .max(90, 'A share link can work for at most 90 days'),
    ),
  });

  app.post('/pathway/:pathwayId/portfolio/share', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(shareSchema, request.body, ['label', 'days']);
    if (!parsed.ok)
      return reply.render(
        'pathway/views/portfolio.njk',
        { title: 'Your portfolio', pathway: p, shares: await portfolio.shares(p), form: parsed.form, newLink: null },
        400,
      );
    const { link } = await portfolio.share(
      p,
      parsed.data,
      request.auditContext(),
      bodyField(request.body, '_submission') || undefined,
    );
    if (link) {
      request.session.oneTimeLink = link;
      // The label is the person's own words ("For my interview panel"), so it is quoted, never joined into a sentence.
      request.flash('success', `Share link “${parsed.data.label}” made. Copy it now: it is shown only once.`);
    } else
      request.flash(
        'success',
        `The share link “${parsed.data.label}” was already made, and shown once when it was. If you did not copy it, stop it below and make a new one.`,
      );
    return reply.redirect(`/pathway/${p.id}/portfolio`);
  });

  app.post('/pathway/:pathwayId/portfolio/share/:tokenId/revoke', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { tokenId: string }).tokenId;
    if (!z.uuid().safeParse(id).success || !(await portfolio.unshare(p, id, request.auditContext())))
      throw notFound('share link');
    request.flash('success', 'Share link stopped: it no longer opens your portfolio.');
    return reply.redirect(`/pathway/${p.id}/portfolio`);
  });

  const importPage = (form: FormState = emptyForm(), other: { name: string; email: string | null } | null = null) => ({
    title: 'Import a portfolio',
    form,
    maxMb: PORTFOLIO_IMPORT_MAX_BYTES / 1024 / 1024,
    other,
  });
  app.get('/pathway/import', { config: follow }, async (_request, reply) =>
    reply.render('pathway/views/import.njk', importPage()),
  );

  app.post('/pathway/import', { config: follow }, async (request, reply) => {
    const refuse = (message: string) =>
      reply.render('pathway/views/import.njk', importPage(formWithErrors({}, { file: message })), 400);
    const file = await uploadedFile(request.body);
    if (!file || file.data.length === 0)
      return refuse('Choose a portfolio file (the JSON you downloaded from Waymark)');
    if (file.data.length > PORTFOLIO_IMPORT_MAX_BYTES)
      return refuse(`The file is larger than ${PORTFOLIO_IMPORT_MAX_BYTES / 1024 / 1024} MB`);
    let raw: unknown;
    try {
      raw = JSON.parse(file.data.toString('utf8'));
    } catch {
      return refuse(`${file.filename} is not JSON. Choose the .json file you downloaded from “Your portfolio”`);
    }
    try {
      const r = await portfolio.import(request.user!.id, raw, request.auditContext(), {
        confirmOther: bodyField(request.body, 'confirmOther') === 'yes',
      });
      const skipped = [
        r.skippedEvidence && `${r.skippedEvidence} already here`,
        r.withPatientIdentifiers && `${r.withPatientIdentifiers} containing what looks like an NHS number`,
        r.skippedLinks && `${r.skippedLinks} links to statements this framework does not have`,
        r.skippedAttachments.length &&
          `${r.skippedAttachments.length} attachments refused (${r.skippedAttachments.join('; ')})`,
      ].filter(Boolean);
      request.flash(
        'success',
        `Imported ${r.evidence} pieces of evidence (as drafts: ask for confirmation again here), ${r.links} links, ${r.attachments} attachments, ${r.assessments} self-assessments and ${r.goals} goals.${skipped.length ? ` Not imported: ${skipped.join(', ')}.` : ''}`,
      );
      return reply.redirect(`/pathway/${r.pathwayId}`);
    } catch (err) {
      if (err instanceof FieldError) return refuse(err.message);
      if (err instanceof OtherPersonProblem) {
        const mine = `${request.user!.name} (${request.user!.email})`;
        const theirs = `${err.practitionerName || 'someone else'}${err.maskedEmail ? ` (${err.maskedEmail})` : ''}`;
        const message = `This portfolio was made for ${theirs}, not for you, ${mine}. Tick the box if it is yours, then choose the file again`;
        return reply.render(
          'pathway/views/import.njk',
          importPage(formWithErrors({}, { confirmOther: message }), {
            name: err.practitionerName,
            email: err.maskedEmail,
          }),
          400,
        );
      }
      throw err;
    }
  });
}
