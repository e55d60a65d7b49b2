import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { bodyField, sendAttachment, uploadedFile } from '../../platform/http/route-helpers';
import { OtherPersonProblem, PORTFOLIO_IMPORT_MAX_BYTES, portfolioJsonSchema } from './portfolio-service';
import { shareFields, shareSchema } from './schema';
import { follow, type PathwayRouteContext } from './route-context';

/** The one-time share link just made, shown once and then forgotten. */
function popShare(request: FastifyRequest) {
  const link = request.session.oneTimeLink;
  if (link) request.session.oneTimeLink = undefined;
  return link ?? null;
}

const importPage = (form: FormState = emptyForm(), other: { name: string; email: string | null } | null = null) => ({
  title: 'Import a portfolio',
  form,
  maxMb: PORTFOLIO_IMPORT_MAX_BYTES / 1024 / 1024,
  other,
});

/** The portable record: the portfolio as PDF and JSON, importing one, and read-only share links for a panel. */
export function portfolioRoutes(app: FastifyInstance, ctx: PathwayRouteContext) {
  const { portfolio, ownOr404 } = ctx;

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

  // ---- share links -----------------------------------------------------------------------------

  app.post('/pathway/:pathwayId/portfolio/share', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(shareSchema, request.body, shareFields);
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
    if (!(await portfolio.unshare(p, id, request.auditContext()))) throw notFound('share link');
    request.flash('success', 'Share link stopped: it no longer opens your portfolio.');
    return reply.redirect(`/pathway/${p.id}/portfolio`);
  });

  // ---- import ----------------------------------------------------------------------------------

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
