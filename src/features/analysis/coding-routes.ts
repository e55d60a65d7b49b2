import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, parseForm, type FormState } from '../../platform/forms/forms';
import { programmeResource } from '../../platform/http/route-helpers';
import { SOURCE_KIND_LABELS, type SourceKind } from './model';
import { colourName } from './codebook';
import { orFormAgain } from './codebook-pages';
import { chosenSpan, codingPath, fittingSpan, marked, MOVES, pickerPieces } from './coding-pages';
import type { AnalysisRouteContext } from './route-context';
import {
  doneManySchema,
  doneSchema,
  removeCodingSchema,
  spanCodingOrder,
  spanCodingSchema,
  spanQuery,
  wholeCodingOrder,
  wholeCodingSchema,
} from './schema-coding';
import type { Span } from './spans';

const VIEW = 'analysis/views/';
const coding = { config: { permission: 'analysis.code', resource: programmeResource } } as const;
const BASE = '/programmes/:programmeId/analysis/sources/:sourceId/coding';

type Programme = { id: string; name: string };

/**
 * Coding a source: the codes for the whole source, choosing a span by pieces and the fine adjuster and coding it,
 * removing one's own codings (with a confirmation), and marking the source done (blind coding: the other coders'
 * codings show only after that).
 */
export function codingRoutes(app: FastifyInstance, { analysis, programmeOr404, analysisPath }: AnalysisRouteContext) {
  const coderId = (request: FastifyRequest) => request.user!.id;

  /** The programme, this coder's view of the source, or 404 (a source of another programme is not found). */
  async function pageOr404(request: FastifyRequest) {
    const programme = await programmeOr404(request);
    const { sourceId } = request.params as { sourceId: string };
    const page = await analysis.codingOf(programme.id, sourceId, coderId(request));
    if (!page) throw notFound('source');
    return { programme, page, path: codingPath(programme.id, sourceId) };
  }
  type Found = Awaited<ReturnType<typeof pageOr404>>;

  const crumbs = (programme: Programme, source: { id: string; title: string }) => [
    { href: '/programmes', text: 'Programmes' },
    { href: `/programmes/${programme.id}`, text: programme.name },
    { href: analysisPath(programme.id), text: 'Analysis' },
    { href: `${analysisPath(programme.id)}/sources`, text: 'Sources' },
    { href: `${analysisPath(programme.id)}/sources/${source.id}`, text: source.title },
  ];

  function codingPage(
    reply: FastifyReply,
    { programme, page, path }: Found,
    forms: { whole?: FormState; pick?: FormState; unit?: 'sentence' | 'paragraph' } = {},
    status = 200,
  ) {
    const unit = forms.unit ?? 'sentence';
    const wholeForm = forms.whole ?? emptyForm({ codeIds: page.wholeCodeIds });
    const pickForm = forms.pick ?? emptyForm();
    return reply.render(
      `${VIEW}coding.njk`,
      {
        title: `Code “${page.source.title}” – ${programme.name}`,
        programme,
        crumbs: crumbs(programme, page.source),
        path,
        ...page,
        colourName,
        wholeForm,
        pickForm,
        pageErrors: [...wholeForm.errorList, ...pickForm.errorList],
        unit,
        pieces: pickerPieces(page.source.text, unit),
      },
      status,
    );
  }

  function spanPage(reply: FastifyReply, found: Found, span: Span, form: FormState, status = 200) {
    const { programme, page, path } = found;
    return reply.render(
      `${VIEW}coding-span.njk`,
      {
        title: `Code a span of “${page.source.title}”`,
        programme,
        crumbs: [...crumbs(programme, page.source), { href: path, text: 'Coding' }],
        path,
        source: page.source,
        codes: page.codes,
        characters: page.characters,
        span,
        text: marked(page.source.text, span),
        moves: MOVES,
        form,
        colourName,
      },
      status,
    );
  }

  app.get(BASE, coding, async (request, reply) => {
    const found = await pageOr404(request);
    return codingPage(reply, found, { unit: spanQuery.parse(request.query ?? {}).unit });
  });

  app.post(`${BASE}/whole`, coding, async (request, reply) => {
    const found = await pageOr404(request);
    const parsed = parseForm(wholeCodingSchema, request.body, wholeCodingOrder);
    if (!parsed.ok) return codingPage(reply, found, { whole: parsed.form }, 400);
    return orFormAgain(
      request.body,
      wholeCodingOrder,
      async () => {
        const { codeIds, _submission } = parsed.data;
        const { programme, page, path } = found;
        const done = await analysis.setWholeCodes(
          programme.id,
          page.source.id,
          coderId(request),
          codeIds,
          request.auditContext(),
          _submission,
        );
        request.flash(
          'success',
          done.added || done.removed
            ? `Whole-source codes saved: ${done.added} added, ${done.removed} removed.`
            : 'Whole-source codes saved: nothing changed.',
        );
        return reply.redirect(path);
      },
      (form) => codingPage(reply, found, { whole: form }, 400),
    );
  });

  /** The span picker: the pieces ticked (or a span and a move of the adjuster) shown marked, with the codes. */
  app.get(`${BASE}/span`, coding, async (request, reply) => {
    const found = await pageOr404(request);
    const query = spanQuery.safeParse(request.query ?? {});
    const chosen = query.success ? chosenSpan(found.page.source.text, query.data) : { problem: 'Choose pieces again' };
    if ('problem' in chosen) {
      const pick = {
        values: {},
        errors: { pieces: chosen.problem },
        errorList: [{ text: chosen.problem, href: '#pieces' }],
      };
      return codingPage(reply, found, { pick, unit: query.data?.unit }, 400);
    }
    return spanPage(reply, found, chosen.span, emptyForm());
  });

  app.post(`${BASE}/span`, coding, async (request, reply) => {
    const found = await pageOr404(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const again = (form: FormState) => {
      const span = fittingSpan(found.page.source.text, body.start, body.end);
      if (span) return spanPage(reply, found, span, form, 400);
      const pick = { ...form, errors: { pieces: Object.values(form.errors)[0]! } };
      return codingPage(
        reply,
        found,
        { pick: { ...pick, errorList: [{ text: pick.errors.pieces, href: '#pieces' }] } },
        400,
      );
    };
    const parsed = parseForm(spanCodingSchema, body, spanCodingOrder);
    if (!parsed.ok) return again(parsed.form);
    return orFormAgain(
      body,
      spanCodingOrder,
      async () => {
        const { _submission, ...input } = parsed.data;
        const { programme, page, path } = found;
        const saved = await analysis.addSpanCoding(
          programme.id,
          page.source.id,
          coderId(request),
          input,
          request.auditContext(),
          _submission,
        );
        request.flash('success', `Span coded with “${saved.code}”.`);
        return reply.redirect(path);
      },
      again,
    );
  });

  app.post(`${BASE}/done`, coding, async (request, reply) => {
    const { programme, page, path } = await pageOr404(request);
    const parsed = parseForm(doneSchema, request.body);
    if (!parsed.ok) return reply.redirect(path);
    const done = parsed.data.done === 'yes';
    await analysis.setDone(
      programme.id,
      page.source.id,
      coderId(request),
      done,
      request.auditContext(),
      parsed.data._submission,
    );
    request.flash(
      'success',
      done
        ? 'You have finished coding this source: the other coders’ codings of it are shown below.'
        : 'This source is marked as not finished: the other coders’ codings are hidden again.',
    );
    return reply.redirect(path);
  });

  /** Removing one of your codings: a confirmation, then the removal. Another coder's coding is not found. */
  async function ownCodingOr404(request: FastifyRequest) {
    const found = await pageOr404(request);
    const { codingId } = request.params as { codingId: string };
    const mine = found.page.mine.find((c) => c.id === codingId);
    if (!mine) throw notFound('coding');
    return { ...found, mine };
  }

  app.get(`${BASE}/:codingId/remove`, coding, async (request, reply) => {
    const found = await ownCodingOr404(request);
    const { programme, page, path, mine } = found;
    return reply.render(`${VIEW}coding-remove.njk`, {
      title: 'Remove this coding?',
      programme,
      crumbs: [...crumbs(programme, page.source), { href: path, text: 'Coding' }],
      path,
      coding: mine,
      colourName,
      form: emptyForm(),
    });
  });

  app.post(`${BASE}/:codingId/remove`, coding, async (request, reply) => {
    const { programme, page, path, mine } = await ownCodingOr404(request);
    const parsed = parseForm(removeCodingSchema, request.body);
    await analysis.removeCoding(
      programme.id,
      page.source.id,
      coderId(request),
      mine.id,
      request.auditContext(),
      parsed.ok ? parsed.data._submission : undefined,
    );
    request.flash('success', `Coding with “${mine.code?.name ?? 'a code'}” removed.`);
    return reply.redirect(path);
  });

  // ---- this coder's progress, and marking several sources done at once ------------------------------

  async function progressPage(reply: FastifyReply, request: FastifyRequest, form: FormState, status = 200) {
    const programme = await programmeOr404(request);
    const progress = await analysis.codingProgress(programme.id, coderId(request));
    const label = (kind: string) => SOURCE_KIND_LABELS[kind as SourceKind] ?? kind;
    const withLabels = <T extends { kind: string }>(rows: T[]) => rows.map((r) => ({ ...r, kindLabel: label(r.kind) }));
    return reply.render(
      `${VIEW}coding-progress.njk`,
      {
        title: `Your coding – ${programme.name}`,
        programme,
        crumbs: crumbs(programme, { id: '', title: '' }).slice(0, 3),
        sourcesPath: `${analysisPath(programme.id)}/sources`,
        open: withLabels(progress.open),
        done: withLabels(progress.done),
        form,
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/coding', coding, async (request, reply) =>
    progressPage(reply, request, emptyForm()),
  );

  app.post('/programmes/:programmeId/analysis/coding/done', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const parsed = parseForm(doneManySchema, request.body, ['sourceIds']);
    if (!parsed.ok) return progressPage(reply, request, parsed.form, 400);
    return orFormAgain(
      request.body,
      ['sourceIds'],
      async () => {
        const { sourceIds, _submission } = parsed.data;
        const n = await analysis.setDoneMany(
          programme.id,
          coderId(request),
          sourceIds,
          request.auditContext(),
          _submission,
        );
        request.flash('success', `${n === 1 ? '1 source' : `${n} sources`} marked as finished.`);
        return reply.redirect(`${analysisPath(programme.id)}/coding`);
      },
      (form) => progressPage(reply, request, form, 400),
    );
  });
}
