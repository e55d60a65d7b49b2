import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, zodFieldErrors } from '../../platform/forms/forms';
import type { LinkProblem } from '../../platform/tokens/link-tokens';
import { OB_CONTEXT, publishedJwk, VC_CONTEXT } from '../../platform/credentials/open-badges';
import type { ReviewService } from './review-service';
import type { PortfolioService } from './portfolio-service';
import { EVIDENCE_KINDS, levelNamesOf, STAGE_NAMES, STATUS_NAMES } from './stage';
import { answerFields, answerSchema, badgeCheckSchema } from './schema-review';

const PROBLEMS: Record<LinkProblem, { title: string; text: string }> = {
  invalid: {
    title: 'This link does not work',
    text: 'Check that you copied the whole link from the email. If it still does not work, ask the person who sent it for a new one.',
  },
  expired: {
    title: 'This link has expired',
    text: 'Links work for a limited time. Ask the person who sent it for a new one.',
  },
  used: {
    title: 'This link has already been used',
    text: 'Each link works once: an answer has already been given through it, or the person who sent it withdrew the request. Nothing more is needed from you.',
  },
};

/**
 * Pages opened without an account: confirming evidence through a link, a
 * portfolio shared with a panel, and checking a badge.
 */
export function pathwayPublicRoutes(
  app: FastifyInstance,
  deps: { review: ReviewService; portfolio: PortfolioService },
) {
  const { review, portfolio } = deps;
  const open = { permission: 'public' as const };
  const problemPage = (problem: LinkProblem) => ({ title: PROBLEMS[problem].title, message: PROBLEMS[problem].text });

  app.get('/confirm/:token', { config: open }, async (request, reply) => {
    const r = await review.confirmationPage((request.params as { token: string }).token);
    if (!r.ok)
      return reply.render('errors/link-problem.njk', problemPage(r.problem), r.problem === 'invalid' ? 404 : 410);
    return reply.render('pathway/views/confirm.njk', {
      title: 'Confirm evidence',
      ...r.page,
      kindName: EVIDENCE_KINDS[r.page.evidence.kind as keyof typeof EVIDENCE_KINDS] ?? r.page.evidence.kind,
      form: emptyForm(),
    });
  });

  app.post('/confirm/:token', { config: open }, async (request, reply) => {
    const token = (request.params as { token: string }).token;
    const again = async (form: ReturnType<typeof formWithErrors>) => {
      const r = await review.confirmationPage(token);
      if (!r.ok)
        return reply.render('errors/link-problem.njk', problemPage(r.problem), r.problem === 'invalid' ? 404 : 410);
      return reply.render(
        'pathway/views/confirm.njk',
        {
          title: 'Confirm evidence',
          ...r.page,
          kindName: EVIDENCE_KINDS[r.page.evidence.kind as keyof typeof EVIDENCE_KINDS] ?? r.page.evidence.kind,
          form,
        },
        400,
      );
    };
    const parsed = parseForm(answerSchema, request.body, answerFields);
    if (!parsed.ok) return again(parsed.form);
    try {
      const r = await review.answer(token, parsed.data, request.auditContext());
      if (!r.ok)
        return reply.render('errors/link-problem.njk', problemPage(r.problem), r.problem === 'invalid' ? 404 : 410);
      return reply.render('pathway/views/confirm-done.njk', {
        title: r.outcome === 'confirmed' ? 'Evidence confirmed' : 'Evidence returned',
        outcome: r.outcome,
      });
    } catch (err) {
      if (err instanceof FieldError)
        return again(
          formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, answerFields),
        );
      throw err;
    }
  });

  // ---- portfolio shared with a panel -----------------------------------------------------

  app.get('/shared/:token', { config: open }, async (request, reply) => {
    const r = await portfolio.shared((request.params as { token: string }).token);
    if (!r.ok)
      return reply.render(
        'errors/link-problem.njk',
        problemPage(r.problem === 'used' ? 'expired' : r.problem),
        r.problem === 'invalid' ? 404 : 410,
      );
    const byId = new Map(r.statements.map((s) => [s.identifier, s]));
    const latest = new Map<string, string>();
    for (const a of r.doc.selfAssessments) latest.set(a.statement, a.level);
    return reply.header('x-robots-tag', 'noindex').render('pathway/views/shared.njk', {
      title: `Portfolio: ${r.doc.practitioner.name}`,
      doc: r.doc,
      expiresAt: r.expiresAt,
      stageName: STAGE_NAMES[r.doc.practitioner.stage as keyof typeof STAGE_NAMES] ?? r.doc.practitioner.stage,
      stageNames: STAGE_NAMES,
      kindNames: EVIDENCE_KINDS,
      statusNames: STATUS_NAMES,
      levelNames: levelNamesOf(r.doc.levelNames),
      statements: r.statements.map((s) => ({
        ...s,
        level: latest.get(s.identifier) ?? null,
        evidence: r.doc.evidence.filter((e) => e.links.some((l) => l.statement === s.identifier)).length,
      })),
      statementOf: Object.fromEntries(byId),
    });
  });

  // ---- badges ------------------------------------------------------------------------------

  // The issuer profile holds only Open Badges 3.0 Profile terms; the key is found through the kid in each badge's header.
  const issuerId = () => `${app.platform.config.baseUrl}/badges/issuer`;
  app.get('/badges/issuer', { config: open }, async (_request, reply) =>
    reply.type('application/json').send({
      '@context': [VC_CONTEXT, OB_CONTEXT],
      id: issuerId(),
      type: ['Profile'],
      name: 'Waymark',
      url: app.platform.config.baseUrl,
      description:
        'Waymark issues a badge when a supervisor signs off a stage of the development pathway from advanced to consultant practice.',
    }),
  );

  app.get('/badges/issuer/jwks.json', { config: open }, async (_request, reply) =>
    reply.type('application/json').send({ keys: [publishedJwk(issuerId(), await review.publicKey())] }),
  );

  // The kid of every badge: answers with the bare public JWK, as OB 3.0 dereferencing expects.
  app.get('/badges/issuer/keys/:kid', { config: open }, async (request, reply) => {
    const jwk = await review.publicKey();
    if ((request.params as { kid: string }).kid !== jwk.kid) throw notFound('key');
    return reply.type('application/jwk+json').send(publishedJwk(issuerId(), jwk));
  });

  app.get('/badges/verify', { config: open }, async (_request, reply) =>
    reply.render('pathway/views/badge-verify.njk', { title: 'Check a badge', form: emptyForm(), result: null }),
  );

  app.post('/badges/verify', { config: open }, async (request, reply) => {
    const parsed = badgeCheckSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.render(
        'pathway/views/badge-verify.njk',
        { title: 'Check a badge', form: formWithErrors({}, zodFieldErrors(parsed.error)), result: null },
        400,
      );
    const jwt = parsed.data.credential;
    const { result, claimed } = await review.verifyPasted(jwt);
    return reply.render('pathway/views/badge-verify.njk', {
      title: result.ok ? 'Badge verified' : 'Badge not verified',
      form: emptyForm({ credential: jwt }),
      result,
      claimed,
      stageNames: STAGE_NAMES,
    });
  });

  const badgeOr404 = async (id: string) => {
    const b = await review.badge(id);
    if (!b) throw notFound('badge');
    return b;
  };

  app.get('/badges/:id', { config: open }, async (request, reply) => {
    const b = await badgeOr404((request.params as { id: string }).id);
    return reply.render('pathway/views/badge.njk', {
      title: b.result.ok ? `Badge: ${b.result.credential.credentialSubject.achievement.name}` : 'Badge not verified',
      ...b,
      stageNames: STAGE_NAMES,
    });
  });

  app.get('/badges/:id/credential.jwt', { config: open }, async (request, reply) => {
    const b = await badgeOr404((request.params as { id: string }).id);
    return reply
      .type('application/vc+jwt')
      .header('content-disposition', 'attachment; filename="waymark-badge.jwt"')
      .send(b.jwt);
  });
}
