import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, parseForm, type FormState } from '../../platform/forms/forms';
import { fileSlug, formList as toArray, sendAttachment as sendFile } from '../../platform/http/route-helpers';
import { toPdf } from '../../exports/pdf';
import type { Scale } from '../../stats/consensus';
import { formTextProblems, RESPONSE_TEXT_MAX } from './bounds';
import { stageLabel } from './labels';
import { personalReportDoc } from './report';
import { WITHHELD } from './disclosure';
import { newLinkSchema, tokenParams } from './schema';
import type { DelphiService, RatingInput } from './service';

const panellistResource = (request: FastifyRequest) => ({
  studyId: (request.params as { studyId?: string }).studyId,
  panellistStudyId: request.session?.delphi?.studyId,
});

/** What panellists use: their emailed link, the rating pages, suggestions and their own feedback. */
export function delphiPanellistRoutes(app: FastifyInstance, delphi: DelphiService) {
  const slug = (title: string) => fileSlug(title, 'study');

  // ---- panellists ------------------------------------------------------------------------
  const linkProblem = {
    invalid: {
      title: 'Link not valid',
      message: 'This link is not valid. Check you copied the whole link from the email.',
    },
    expired: { title: 'Link expired', message: 'This link has expired: links work until their round closes.' },
    used: {
      title: 'Link no longer works',
      message: 'This link no longer works. Use the link in your most recent email.',
    },
    closed: {
      title: 'This round has closed',
      message:
        'The round this link was for has closed, so answers can no longer be changed. You will get an email when the next round opens.',
    },
  } as const;
  const signInLimit = { rateLimit: { max: app.platform.config.rateLimitPerMinute, timeWindow: '1 minute' } };

  /**
   * A panel link: signs the panellist in to the study for this session. The
   * same link works again (another day, another device) until its round
   * closes; any problem page offers a new link by email.
   */
  async function enterByLink(request: FastifyRequest, reply: FastifyReply, studyId?: string) {
    const p = tokenParams.safeParse(request.params);
    const entered = p.success
      ? await delphi.enter(p.data.token, studyId)
      : ({ ok: false, problem: 'invalid', studyId } as const);
    if (!entered.ok) {
      const text = linkProblem[entered.problem];
      const closedOn =
        entered.problem === 'closed' && entered.round?.closedAt
          ? ` Round ${entered.round.number} closed on ${entered.round.closedAt.toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' })}.`
          : '';
      const retry = entered.studyId
        ? { retryHref: `/delphi/${entered.studyId}/new-link`, retryText: 'Email me a new link (if a round is open)' }
        : { retryHref: '/', retryText: 'Go to the Waymark home page' };
      return reply.render(
        'errors/link-problem.njk',
        { title: text.title, message: `${text.message}${closedOn}`, ...retry },
        entered.problem === 'closed' ? 410 : 400,
      );
    }
    await request.session.regenerate();
    request.session.delphi = { panellistId: entered.panellist.id, studyId: entered.panellist.studyId };
    return reply.redirect(`/delphi/${entered.panellist.studyId}/take`);
  }

  // The platform's input guard has already answered "not found" for a studyId that is not a UUID.
  app.get('/delphi/:studyId/enter/:token', { config: { permission: 'public' } }, async (request, reply) =>
    enterByLink(request, reply, (request.params as { studyId: string }).studyId),
  );
  // Links in emails sent before links named their study.
  app.get('/delphi/enter/:token', { config: { permission: 'public' } }, async (request, reply) =>
    enterByLink(request, reply),
  );

  const newLinkPage = (studyId: string, form: FormState) => ({ title: 'Email me a new link', studyId, form });

  app.get('/delphi/:studyId/new-link', { config: { permission: 'public' } }, async (request, reply) => {
    const { studyId } = request.params as { studyId: string };
    return reply.render('delphi/views/new-link.njk', newLinkPage(studyId, emptyForm()));
  });

  app.post(
    '/delphi/:studyId/new-link',
    { config: { permission: 'public', ...signInLimit } },
    async (request, reply) => {
      const { studyId } = request.params as { studyId: string };
      const parsed = parseForm(newLinkSchema, request.body, ['email']);
      if (!parsed.ok) return reply.render('delphi/views/new-link.njk', newLinkPage(studyId, parsed.form), 400);
      await delphi.requestNewLink(studyId, parsed.data.email, request.auditContext());
      // The same answer whether or not the address is on the panel.
      return reply.render('delphi/views/new-link-sent.njk', {
        title: 'Check your email',
        email: parsed.data.email,
        studyId,
      });
    },
  );

  async function panellistOr403(request: FastifyRequest) {
    const studyId = (request.params as { studyId: string }).studyId;
    const study = await delphi.getStudy(studyId);
    const panellist = request.session.delphi
      ? await delphi.getPanellist(request.session.delphi.panellistId)
      : undefined;
    if (!study || !panellist || panellist.studyId !== study.id) throw notFound('study');
    return { study, panellist };
  }

  const PAGE_SIZE = 20;

  async function takePage(
    request: FastifyRequest,
    errors: Record<string, string> = {},
    typed?: Record<string, unknown>,
  ) {
    const { study, panellist } = await panellistOr403(request);
    const page = await delphi.takePage(study, panellist);
    const scale = study.scale as Scale;
    const pageNo = Math.max(
      1,
      Number((request.query as { page?: string }).page ?? (typed?.page as string | undefined) ?? 1) || 1,
    );
    const items = page.round && page.round.number > 0 ? page.items! : [];
    const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
    const current = Math.min(pageNo, pages);
    const shown = items.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
    const answered = items.filter((i) => page.mine?.has(i.id)).length;
    const value = (itemId: string) => {
      if (typed && `rating-${itemId}` in typed) return String(typed[`rating-${itemId}`]);
      const r = page.mine?.get(itemId);
      return r ? (r.rating === null ? 'unable' : String(r.rating)) : '';
    };
    const errorList = Object.entries(errors).map(([k, text]) => ({ text, href: `#${k}` }));
    return {
      title: study.title,
      study,
      panellist,
      round: page.round,
      scaleValues: Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i),
      scale,
      items: shown.map((item) => ({
        item,
        value: value(item.id),
        comment: typed ? String(typed[`comment-${item.id}`] ?? '') : (page.mine?.get(item.id)?.comment ?? ''),
        reason: typed ? String(typed[`reason-${item.id}`] ?? '') : (page.mine?.get(item.id)?.reason ?? ''),
        feedback: page.feedback?.get(item.id),
      })),
      answered,
      total: items.length,
      page: current,
      pages,
      completedAt: page.completedAt,
      form: { values: typed ?? {}, errors, errorList },
      suggestionsOpen: page.round?.number === 0,
      stageLabel,
      withheldText: WITHHELD,
    };
  }

  app.get(
    '/delphi/:studyId/take',
    { config: { permission: 'delphi.panellist', resource: panellistResource } },
    async (request, reply) => reply.render('delphi/views/take.njk', await takePage(request)),
  );

  app.post(
    '/delphi/:studyId/take',
    { config: { permission: 'delphi.panellist', resource: panellistResource } },
    async (request, reply) => {
      const { study, panellist } = await panellistOr403(request);
      const body = request.body as Record<string, string>;
      // The whole form through the shared free-text guard first, each problem beside its field and naming the item.
      const problems = formTextProblems(body, undefined, { maxLength: RESPONSE_TEXT_MAX });
      if (Object.keys(problems).length) {
        const round = body.roundId ? await delphi.getRound(String(body.roundId)) : undefined;
        const codes = new Map(
          round?.studyId === study.id ? (await delphi.items(round.id)).map((i) => [i.id, i.code]) : [],
        );
        const names = (field: string) => {
          const m = /^(comment|reason)-(.+)$/.exec(field);
          const code = m ? codes.get(m[2]!) : undefined;
          return m && code
            ? m[1] === 'comment'
              ? `your comment on item ${code}`
              : `your reason for item ${code}`
            : undefined;
        };
        return reply.render(
          'delphi/views/take.njk',
          await takePage(request, formTextProblems(body, names, { maxLength: RESPONSE_TEXT_MAX }), body),
          400,
        );
      }
      const itemIds = toArray(body.itemIds);
      const inputs: RatingInput[] = itemIds.map((itemId) => {
        const raw = body[`rating-${itemId}`];
        return {
          itemId,
          value: raw === undefined || raw === '' ? undefined : raw === 'unable' ? 'unable' : Number(raw),
          comment: String(body[`comment-${itemId}`] ?? ''),
          reason: String(body[`reason-${itemId}`] ?? ''),
        };
      });
      const submit = body.action === 'submit';
      const { errors } = await delphi.saveRatings(study, panellist, String(body.roundId ?? ''), inputs, submit);
      if (Object.keys(errors).length)
        return reply.render('delphi/views/take.njk', await takePage(request, errors, body), 400);
      if (submit) {
        request.flash(
          'success',
          'Thank you. Your answers for this round are submitted. You can change them until the round closes.',
        );
        return reply.redirect(`/delphi/${study.id}/take`);
      }
      const next = body.action === 'next' ? Number(body.page ?? 1) + 1 : Number(body.page ?? 1);
      request.flash('success', 'Your answers are saved. You can come back to them until the round closes.');
      return reply.redirect(`/delphi/${study.id}/take?page=${next}`);
    },
  );

  app.post(
    '/delphi/:studyId/suggest',
    { config: { permission: 'delphi.panellist', resource: panellistResource } },
    async (request, reply) => {
      const { study, panellist } = await panellistOr403(request);
      const problems = formTextProblems(request.body, (f) => (f === 'suggestion' ? 'your suggestion' : undefined), {
        maxLength: RESPONSE_TEXT_MAX,
      });
      if (Object.keys(problems).length)
        return reply.render(
          'delphi/views/take.njk',
          await takePage(request, problems, request.body as Record<string, unknown>),
          400,
        );
      try {
        await delphi.suggest(study, panellist, String((request.body as { suggestion?: string }).suggestion ?? ''));
      } catch (err) {
        if (err instanceof FieldError)
          return reply.render(
            'delphi/views/take.njk',
            await takePage(request, { suggestion: err.message }, request.body as Record<string, unknown>),
            400,
          );
        throw err;
      }
      request.flash('success', 'Thank you. Your suggestion is saved. Add another if you like.');
      return reply.redirect(`/delphi/${study.id}/take`);
    },
  );

  app.get(
    '/delphi/:studyId/my-feedback',
    { config: { permission: 'delphi.panellist', resource: panellistResource } },
    async (request, reply) => {
      const { study, panellist } = await panellistOr403(request);
      return reply.render('delphi/views/my-feedback.njk', {
        title: `Your feedback – ${study.title}`,
        study,
        panellist,
        rounds: await delphi.personalReport(study, panellist),
        scale: study.scale,
        withheldText: WITHHELD,
      });
    },
  );

  app.get(
    '/delphi/:studyId/my-feedback.pdf',
    { config: { permission: 'delphi.panellist', resource: panellistResource } },
    async (request, reply) => {
      const { study, panellist } = await panellistOr403(request);
      const doc = personalReportDoc(study, panellist, await delphi.personalReport(study, panellist));
      return sendFile(reply, `${slug(study.title)}-your-feedback.pdf`, 'application/pdf', await toPdf(doc));
    },
  );
}
