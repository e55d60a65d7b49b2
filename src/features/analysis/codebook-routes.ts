import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, parseForm, type FormState } from '../../platform/forms/forms';
import { programmeResource } from '../../platform/http/route-helpers';
import { colourName, MAX_CODE_DEPTH } from './codebook';
import {
  codebookPath,
  codePagePath,
  colourChoices,
  describeEvent,
  editCodeForm,
  moveOptions,
  newCodeForm,
  orFormAgain,
  parentOptions,
  codeOptions,
} from './codebook-pages';
import type { AnalysisRouteContext } from './route-context';
import {
  editCodeOrder,
  editCodeSchema,
  memoSchema,
  mergeOrder,
  mergeQuery,
  newCodeQuery,
  mergeSchema,
  moveCodeSchema,
  newCodeOrder,
  newCodeSchema,
  splitSchema,
} from './schema-codebook';

const VIEW = 'analysis/views/';
/** Reading the codebook, and changing it. */
const reading = { config: { permission: 'analysis.view', resource: programmeResource } } as const;
const coding = { config: { permission: 'analysis.code', resource: programmeResource } } as const;

/**
 * A codebook form submitted: parsed with its schema, then `work` done with the data; a bad form, or a field the
 * service refuses (a FieldError), shows the form again through `again` (which answers 400).
 */
async function submitForm<S extends z.ZodType>(
  body: unknown,
  schema: S,
  order: string[],
  again: (form: FormState) => FastifyReply | Promise<FastifyReply>,
  work: (data: z.infer<S>) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  const parsed = parseForm(schema, body, order);
  if (!parsed.ok) return again(parsed.form);
  return orFormAgain(body, order, () => work(parsed.data), again);
}

/**
 * The codebook: the code tree, adding a code, a code's page (history and memos), editing and renaming, moving,
 * merging (with a confirmation that says how many codings move) and splitting.
 */
export function codebookRoutes(app: FastifyInstance, ctx: AnalysisRouteContext) {
  const { analysis, programmeOr404, analysisPath, access, blindViewer } = ctx;
  const userId = (request: FastifyRequest) => request.user!.id;

  /** A code of the programme in the URL (merged ones too, for their page), or 404. */
  async function codeOr404(request: FastifyRequest) {
    const programme = await programmeOr404(request);
    const found = await analysis.code(programme.id, (request.params as { codeId: string }).codeId);
    if (!found) throw notFound('code');
    return { programme, code: found };
  }
  /** A live code, for the pages that change one: a merged code is only read. */
  async function liveCodeOr404(request: FastifyRequest) {
    const found = await codeOr404(request);
    if (found.code.mergedIntoId) throw notFound('code');
    return found;
  }
  const crumbs = (programme: { id: string; name: string }) => [
    { href: '/programmes', text: 'Programmes' },
    { href: `/programmes/${programme.id}`, text: programme.name },
    { href: analysisPath(programme.id), text: 'Analysis' },
    { href: codebookPath(programme.id), text: 'Codebook' },
  ];

  app.get('/programmes/:programmeId/analysis/codebook', reading, async (request, reply) => {
    const programme = await programmeOr404(request);
    const book = await analysis.codebook(programme.id, blindViewer(request, programme.id));
    return reply.render(`${VIEW}codebook.njk`, {
      title: `Codebook – ${programme.name}`,
      programme,
      crumbs: crumbs(programme).slice(0, 3),
      tree: book.tree,
      codeCount: book.flat.length,
      colourName,
      ...access(request, programme.id),
    });
  });

  // ---- adding a code ----------------------------------------------------------------------------

  async function newCodePage(
    reply: FastifyReply,
    programme: { id: string; name: string },
    form: FormState,
    status = 200,
  ) {
    const book = await analysis.codebook(programme.id, blindViewer(reply.request, programme.id));
    return reply.render(
      `${VIEW}code-form.njk`,
      {
        title: 'Add a code',
        programme,
        crumbs: crumbs(programme),
        form,
        action: codebookPath(programme.id),
        parents: parentOptions(book.flat),
        colours: colourChoices,
        isNew: true,
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/codebook/new', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    return newCodePage(reply, programme, newCodeForm(newCodeQuery.parse(request.query ?? {}).parent));
  });

  app.post('/programmes/:programmeId/analysis/codebook', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const again = (form: FormState) => newCodePage(reply, programme, form, 400);
    return submitForm(request.body, newCodeSchema, newCodeOrder, again, async ({ _submission, ...input }) => {
      const id = await analysis.createCode(programme.id, input, userId(request), request.auditContext(), _submission);
      request.flash('success', `Code “${input.name}” added.`);
      return reply.redirect(`${codebookPath(programme.id)}/${id}`);
    });
  });

  // ---- merging codes (before /:codeId so the static path is plain to read) ---------------------

  async function mergePage(
    reply: FastifyReply,
    programme: { id: string; name: string },
    form: FormState,
    status = 200,
  ) {
    const book = await analysis.codebook(programme.id, blindViewer(reply.request, programme.id));
    const options = codeOptions(book.flat);
    return reply.render(
      `${VIEW}codebook-merge.njk`,
      { title: 'Merge codes', programme, crumbs: crumbs(programme), form, options },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/codebook/merge', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const from = mergeQuery.parse(request.query ?? {}).code;
    return mergePage(reply, programme, emptyForm({ codeIds: from ? [from] : [] }));
  });

  /** The merge form: checked and shown back as a confirmation saying what will move. */
  app.post('/programmes/:programmeId/analysis/codebook/merge', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const again = (form: FormState) => mergePage(reply, programme, form, 400);
    return submitForm(request.body, mergeSchema, mergeOrder, again, async ({ targetId, codeIds, _submission }) => {
      const preview = await analysis.previewMerge(programme.id, targetId, codeIds);
      return reply.render(`${VIEW}codebook-merge-confirm.njk`, {
        title: `Merge into “${preview.target.name}”`,
        programme,
        crumbs: crumbs(programme),
        ...preview,
        submission: _submission,
      });
    });
  });

  app.post('/programmes/:programmeId/analysis/codebook/merge/confirm', coding, async (request, reply) => {
    const programme = await programmeOr404(request);
    const again = (form: FormState) => mergePage(reply, programme, form, 400);
    return submitForm(request.body, mergeSchema, mergeOrder, again, async ({ targetId, codeIds, _submission }) => {
      const plan = await analysis.mergeCodes(
        programme.id,
        targetId,
        codeIds,
        userId(request),
        request.auditContext(),
        _submission,
      );
      const moved = plan.moved.length + plan.duplicates.length;
      request.flash(
        'success',
        `${plan.mergedIds.length === 1 ? 'Code' : `${plan.mergedIds.length} codes`} merged: ${moved} ${moved === 1 ? 'coding' : 'codings'} moved.`,
      );
      return reply.redirect(`${codebookPath(programme.id)}/${targetId}`);
    });
  });

  // ---- a code's page, with its history and memos ------------------------------------------------

  async function codePage(request: FastifyRequest, reply: FastifyReply, memoForm: FormState, status = 200) {
    const { programme, code: c } = await codeOr404(request);
    const [details, memos] = await Promise.all([
      analysis.codeDetails(programme.id, c.id, blindViewer(request, programme.id)),
      analysis.codeMemos(programme.id, c.id),
    ]);
    if (!details) throw notFound('code');
    return reply.render(
      `${VIEW}code.njk`,
      {
        title: `${c.name} – Codebook`,
        programme,
        crumbs: crumbs(programme),
        ...details,
        history: details.history.map((e) => describeEvent(e, details.names, programme.id)),
        memos,
        form: memoForm,
        maxDepth: MAX_CODE_DEPTH,
        colourName,
        ...access(request, programme.id),
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/codebook/:codeId', reading, async (request, reply) =>
    codePage(request, reply, emptyForm()),
  );

  app.post('/programmes/:programmeId/analysis/codebook/:codeId/memos', coding, async (request, reply) => {
    const { programme, code: c } = await codeOr404(request);
    const parsed = parseForm(memoSchema, request.body, ['text']);
    if (!parsed.ok) return codePage(request, reply, parsed.form, 400);
    const { text, _submission } = parsed.data;
    await analysis.addMemo(programme.id, 'code', c.id, text, userId(request), request.auditContext(), _submission);
    request.flash('success', 'Memo added.');
    return reply.redirect(`${codePagePath(c)}#memos`);
  });

  // ---- editing and renaming ---------------------------------------------------------------------

  const editPage = (
    reply: FastifyReply,
    programme: { id: string; name: string },
    c: { id: string; name: string; programmeId: string },
    form: FormState,
    status = 200,
  ) =>
    reply.render(
      `${VIEW}code-form.njk`,
      {
        title: `Edit “${c.name}”`,
        programme,
        crumbs: crumbs(programme),
        code: c,
        form,
        action: `${codePagePath(c)}/edit`,
        colours: colourChoices,
      },
      status,
    );

  app.get('/programmes/:programmeId/analysis/codebook/:codeId/edit', coding, async (request, reply) => {
    const { programme, code: c } = await liveCodeOr404(request);
    return editPage(reply, programme, c, editCodeForm(c));
  });

  app.post('/programmes/:programmeId/analysis/codebook/:codeId/edit', coding, async (request, reply) => {
    const { programme, code: c } = await liveCodeOr404(request);
    const again = (form: FormState) => editPage(reply, programme, c, form, 400);
    return submitForm(request.body, editCodeSchema, editCodeOrder, again, async ({ _submission, ...input }) => {
      await analysis.editCode(programme.id, c.id, input, userId(request), request.auditContext(), _submission);
      request.flash('success', 'Code saved.');
      return reply.redirect(codePagePath(c));
    });
  });

  // ---- moving -----------------------------------------------------------------------------------

  async function movePage(request: FastifyRequest, reply: FastifyReply, form: FormState | null, status = 200) {
    const { programme, code: c } = await liveCodeOr404(request);
    const book = await analysis.codebook(programme.id, blindViewer(request, programme.id));
    return reply.render(
      `${VIEW}code-move.njk`,
      {
        title: `Move “${c.name}”`,
        programme,
        crumbs: crumbs(programme),
        code: c,
        form: form ?? emptyForm({ parentId: c.parentId ?? '' }),
        options: moveOptions(book.flat, book.all, c),
      },
      status,
    );
  }

  app.get('/programmes/:programmeId/analysis/codebook/:codeId/move', coding, async (request, reply) =>
    movePage(request, reply, null),
  );

  app.post('/programmes/:programmeId/analysis/codebook/:codeId/move', coding, async (request, reply) => {
    const { programme, code: c } = await liveCodeOr404(request);
    const again = (form: FormState) => movePage(request, reply, form, 400);
    return submitForm(request.body, moveCodeSchema, ['parentId'], again, async ({ parentId, _submission }) => {
      await analysis.moveCode(programme.id, c.id, parentId, userId(request), request.auditContext(), _submission);
      request.flash('success', `Code “${c.name}” moved.`);
      return reply.redirect(codePagePath(c));
    });
  });

  // ---- splitting --------------------------------------------------------------------------------

  const splitPage = (
    reply: FastifyReply,
    programme: { id: string; name: string },
    c: { id: string; name: string; programmeId: string },
    form: FormState,
    status = 200,
  ) =>
    reply.render(
      `${VIEW}code-split.njk`,
      { title: `Split “${c.name}”`, programme, crumbs: crumbs(programme), code: c, form },
      status,
    );

  app.get('/programmes/:programmeId/analysis/codebook/:codeId/split', coding, async (request, reply) => {
    const { programme, code: c } = await liveCodeOr404(request);
    return splitPage(reply, programme, c, emptyForm({ names: `${c.name}\n` }));
  });

  app.post('/programmes/:programmeId/analysis/codebook/:codeId/split', coding, async (request, reply) => {
    const { programme, code: c } = await liveCodeOr404(request);
    const again = (form: FormState) => splitPage(reply, programme, c, form, 400);
    return submitForm(request.body, splitSchema, ['names'], again, async ({ names, _submission }) => {
      await analysis.splitCode(programme.id, c.id, names, userId(request), request.auditContext(), _submission);
      request.flash('success', `Code split into ${names.length} codes. Its codings stayed with “${names[0]}”.`);
      return reply.redirect(codebookPath(programme.id));
    });
  });
}
