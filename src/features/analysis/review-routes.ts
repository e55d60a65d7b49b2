import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, parseForm, type FormState } from '../../platform/forms/forms';
import { programmeResource } from '../../platform/http/route-helpers';
import { orFormAgain } from './codebook-pages';
import type { AnalysisRouteContext } from './route-context';
import {
  REVIEW_VERDICT_HINTS,
  REVIEW_VERDICT_LABELS,
  REVIEW_VERDICTS,
  reviewerOrder,
  reviewerSchema,
  reviewLinkOrder,
  reviewLinkSchema,
  reviewTokenParams,
  themeReviewOrder,
  themeReviewSchema,
} from './schema-review';
import type { Reviewer } from './service-review';

declare module 'fastify' {
  interface Session {
    /** A representative who opened a review link: the programme, the link's row id, who they said they are. */
    analysisReview?: { programmeId: string; linkId: string; reviewer: Reviewer };
  }
}

const VIEW = 'analysis/views/';
const coding = { config: { permission: 'analysis.code', resource: programmeResource } } as const;
const reviewing = {
  config: {
    permission: 'analysis.review',
    resource: (request: FastifyRequest) => ({
      ...programmeResource(request),
      reviewProgrammeId: request.session?.analysisReview?.programmeId,
    }),
  },
} as const;
const verdictItems = REVIEW_VERDICTS.map((v) => ({
  value: v,
  text: REVIEW_VERDICT_LABELS[v],
  hint: REVIEW_VERDICT_HINTS[v],
}));

const linkProblem = {
  invalid: { title: 'Link not valid', message: 'This review link is not valid. Check you copied the whole link.' },
  expired: {
    title: 'Link ended',
    message: 'This review link has expired or been stopped. Ask the analysts for a new one.',
  },
  used: {
    title: 'Link no longer works',
    message: 'The analysts have stopped this review link. Ask them for a new one.',
  },
} as const;

/** Spaced in fours, to read out or copy by hand: "AbC1 dEf2 …". */
const readable = (token: string) => token.replace(/(.{4})/g, '$1 ').trim();

/**
 * Checking themes with representatives: the analysts' page that makes review links, and the pages a representative
 * opens from one on a phone, with no account (the link binds this browser's session to the programme).
 */
export function reviewRoutes(app: FastifyInstance, ctx: AnalysisRouteContext) {
  const { analysis, programmeOr404, analysisPath } = ctx;
  const reviewPath = (programmeId: string) => `/programmes/${programmeId}/review`;
  const askPath = (programmeId: string) => `${analysisPath(programmeId)}/review`;

  // ---- analysts ----------------------------------------------------------------------------
  async function askPage(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    const programme = await programmeOr404(request);
    const link = request.session.oneTimeLink;
    if (link) request.session.oneTimeLink = undefined;
    const [themes, links, counts] = await Promise.all([
      analysis.themes(programme.id),
      analysis.reviewLinks(programme.id),
      analysis.themeReviewCounts(programme.id),
    ]);
    const token = link?.split('/').at(-1) ?? '';
    return reply.render(
      `${VIEW}review-links.njk`,
      {
        title: `Ask representatives to check the themes – ${programme.name}`,
        programme,
        crumbs: [
          { href: '/programmes', text: 'Programmes' },
          { href: `/programmes/${programme.id}`, text: programme.name },
          { href: analysisPath(programme.id), text: 'Analysis' },
          { href: `${analysisPath(programme.id)}/themes`, text: 'Themes' },
        ],
        form,
        newLink: link ? { url: link, readOut: readable(token) } : undefined,
        themes: themes.map((t) => ({ id: t.id, name: t.name, status: t.statusLabel, reviews: counts.get(t.id) ?? 0 })),
        links,
        action: `${askPath(programme.id)}/links`,
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/review', coding, (request, reply) =>
    askPage(request, reply, emptyForm({ days: '7' })),
  );

  app.post('/programmes/:programmeId/analysis/review/links', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const parsed = parseForm(reviewLinkSchema, request.body, reviewLinkOrder);
    if (!parsed.ok) return askPage(request, reply, parsed.form, 400);
    return orFormAgain(
      request.body,
      reviewLinkOrder,
      async () => {
        const token = await analysis.createReviewLink(
          programme.id,
          parsed.data,
          request.user!.id,
          request.auditContext(),
        );
        request.session.oneTimeLink = `${app.platform.config.baseUrl}/review/${token}`;
        return reply.redirect(askPath(programme.id));
      },
      (form) => askPage(request, reply, form, 400),
    );
  });

  app.post('/programmes/:programmeId/analysis/review/links/:linkId/stop', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const { linkId } = request.params as { linkId: string };
    if (!(await analysis.stopReviewLink(programme.id, linkId, request.auditContext()))) throw notFound('link');
    request.flash('success', 'Review link stopped: it no longer opens. The answers already given are kept.');
    return reply.redirect(askPath(programme.id));
  });

  // ---- representatives -----------------------------------------------------------------------
  const problemPage = (reply: FastifyReply, problem: keyof typeof linkProblem, status = 400) =>
    reply.render(
      'errors/link-problem.njk',
      { ...linkProblem[problem], retryHref: '/', retryText: 'Go to the Waymark home page' },
      status,
    );

  app.get('/review/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const p = reviewTokenParams.safeParse(request.params);
    const opened = p.success
      ? await analysis.openReviewLink(p.data.token)
      : ({ ok: false, problem: 'invalid' } as const);
    if (!opened.ok) return problemPage(reply, opened.problem, opened.problem === 'invalid' ? 400 : 410);
    const earlier = request.session.analysisReview;
    const userId = request.session.userId;
    await request.session.regenerate();
    if (userId) request.session.userId = userId;
    // The same browser opening the link again stays the same reviewer: their answers are replaced, not doubled.
    const reviewer =
      earlier && earlier.programmeId === opened.programmeId
        ? earlier.reviewer
        : { key: analysis.newReviewerKey(), area: '', stakeholderType: '' };
    request.session.analysisReview = { programmeId: opened.programmeId, linkId: opened.linkId, reviewer };
    return reply.redirect(reviewPath(opened.programmeId));
  });

  /** The representative's session for this programme (analysis.review has checked it is bound to it). */
  const session = (request: FastifyRequest) => request.session.analysisReview!;

  async function startPage(request: FastifyRequest, reply: FastifyReply, form?: FormState, status = 200) {
    const programme = await programmeOr404(request);
    const s = session(request);
    const overview = await analysis.reviewOverview(programme.id, s.linkId, s.reviewer.key);
    if (!overview) return problemPage(reply, 'expired', 410);
    return reply.render(
      `${VIEW}review-start.njk`,
      {
        title: `Check the themes – ${programme.name}`,
        programme,
        base: reviewPath(programme.id),
        form: form ?? emptyForm({ area: s.reviewer.area, stakeholderType: s.reviewer.stakeholderType }),
        areas: overview.choices.areas.map((a) => ({ value: a, text: a })),
        stakeholderTypes: overview.choices.stakeholderTypes.map((t) => ({ value: t, text: t })),
        themes: overview.themes,
        expiresAt: overview.expiresAt,
        answered: overview.themes.filter((t) => t.answer).length,
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/review', reviewing, (request, reply) => startPage(request, reply));

  app.post('/programmes/:programmeId/review/about', reviewing, async (request, reply) => {
    const programme = await programmeOr404(request);
    const parsed = parseForm(reviewerSchema, request.body, reviewerOrder);
    if (!parsed.ok) return startPage(request, reply, parsed.form, 400);
    return orFormAgain(
      request.body,
      reviewerOrder,
      async () => {
        const s = session(request);
        const { about, nextThemeId } = await analysis.checkReviewer(
          programme.id,
          s.linkId,
          s.reviewer.key,
          parsed.data,
        );
        request.session.analysisReview = { ...s, reviewer: { ...s.reviewer, ...about } };
        return reply.redirect(
          nextThemeId ? `${reviewPath(programme.id)}/themes/${nextThemeId}` : reviewPath(programme.id),
        );
      },
      (form) => startPage(request, reply, form, 400),
    );
  });

  async function themePage(request: FastifyRequest, reply: FastifyReply, form?: FormState, status = 200) {
    const programme = await programmeOr404(request);
    const s = session(request);
    const { themeId } = request.params as { themeId: string };
    const page = await analysis.reviewThemePage(programme.id, s.linkId, themeId, s.reviewer.key);
    if (page === 'ended') return problemPage(reply, 'expired', 410);
    if (!page) throw notFound('theme');
    return reply.render(
      `${VIEW}review-theme.njk`,
      {
        title: `${page.theme.name} – Check the themes – ${programme.name}`,
        programme,
        base: reviewPath(programme.id),
        ...page,
        form: form ?? emptyForm(page.mine ?? {}),
        verdicts: verdictItems,
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/review/themes/:themeId', reviewing, (request, reply) => themePage(request, reply));

  app.post('/programmes/:programmeId/review/themes/:themeId', reviewing, async (request, reply) => {
    const programme = await programmeOr404(request);
    const s = session(request);
    const { themeId } = request.params as { themeId: string };
    const page = await analysis.reviewThemePage(programme.id, s.linkId, themeId, s.reviewer.key);
    if (page === 'ended') return problemPage(reply, 'expired', 410);
    if (!page) throw notFound('theme');
    const parsed = parseForm(themeReviewSchema, request.body, themeReviewOrder);
    if (!parsed.ok) return themePage(request, reply, parsed.form, 400);
    await analysis.recordReview(
      programme.id,
      themeId,
      s.reviewer,
      parsed.data,
      request.user?.id ?? null,
      request.auditContext(),
    );
    request.flash('success', `Your answer about “${page.theme.name}” is saved.`);
    return reply.redirect(page.next ? `${reviewPath(programme.id)}/themes/${page.next}` : reviewPath(programme.id));
  });
}
