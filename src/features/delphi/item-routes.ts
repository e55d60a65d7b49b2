import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyField, formList as toArray, programmeResource } from '../../platform/http/route-helpers';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import type { TextGuardOptions } from '../../platform/forms/text-guard';
import { parseItemsCsv } from './items-csv';
import { formTextProblems } from './bounds';
import { roundStatusLabel, STAGE_OPTIONS, stageLabel } from './labels';
import { plural } from './disclosure';
import {
  fromFrameworkSchema,
  ITEM_FIELD_NAMES,
  itemOrder,
  itemSchema,
  itemSchemaFor,
  MAX_ITEMS_CSV_CHARS,
  parseOrFieldError,
  useSuggestionSchema,
} from './schema';
import type { DelphiRouteContext } from './route-context';
import type { Round, Study } from './repository';

/** The stages an item's form offers: the pathway's, plus the item's own if a framework gave it another. */
const stageOptionsFor = (stage: string | null | undefined) =>
  stage && !STAGE_OPTIONS.some((o) => o.value === stage)
    ? [...STAGE_OPTIONS, { value: stage, text: stageLabel(stage) }]
    : STAGE_OPTIONS;

/**
 * The items of the round being prepared and their lineage: add (typed, from a
 * CSV, from a framework), edit, drop, retire, merge, split, and panellists'
 * suggestions made items.
 */
export function itemRoutes(app: FastifyInstance, ctx: DelphiRouteContext) {
  const { delphi, frameworks, base, studyOr404 } = ctx;

  async function itemsPage(request: FastifyRequest, extra: Record<string, unknown> = {}) {
    const { study, programme, canManage } = await studyOr404(request);
    const rounds = await delphi.rounds(study.id);
    const draft = rounds.find((r) => r.status === 'draft' && r.number > 0);
    const shown = draft ?? rounds.filter((r) => r.number > 0).pop();
    const items = shown ? await delphi.items(shown.id) : [];
    const fwVersions = (await frameworks.list(true)).map((r) => ({
      value: r.version!.id,
      text: `${r.framework.title} – ${r.version!.label} (${r.version!.status})`,
    }));
    const round0 = rounds.find((r) => r.number === 0);
    const suggestions = round0 ? await delphi.suggestions(round0.id) : [];
    return {
      title: `Items – ${study.title}`,
      study,
      programme,
      base: base(study),
      round: shown,
      editable: !!draft && canManage,
      items,
      fwVersions,
      suggestions: suggestions.filter((s) => !s.usedForItemId),
      stageOptions: STAGE_OPTIONS,
      stageLabel,
      roundStatusLabel,
      form: emptyForm(),
      ...extra,
    };
  }

  app.get(
    '/programmes/:programmeId/delphi/:studyId/items',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => reply.render('delphi/views/items.njk', await itemsPage(request)),
  );

  /**
   * Runs an item change on the draft round and re-shows the page with the error if it fails. These
   * forms are read field by field, so the shared free-text guard runs over the whole form first
   * (`guard` passes a file's size limit, e.g. the CSV's).
   */
  async function itemAction(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (study: Study, round: Round) => Promise<string>,
    guard: TextGuardOptions = {},
  ) {
    const { study } = await studyOr404(request);
    const problems = formTextProblems(request.body, (f) => ITEM_FIELD_NAMES[f], guard);
    if (Object.keys(problems).length)
      return reply.render(
        'delphi/views/items.njk',
        await itemsPage(request, { form: formWithErrors(request.body as Record<string, unknown>, problems) }),
        400,
      );
    const draft = (await delphi.rounds(study.id)).find((r) => r.status === 'draft' && r.number > 0);
    try {
      if (!draft) throw new FieldError('text', 'There is no round being prepared. Prepare the next round first');
      const message = await work(study, draft);
      request.flash('success', message);
      return reply.redirect(`${base(study)}/items`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'delphi/views/items.njk',
          await itemsPage(request, {
            form: formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
          }),
          400,
        );
      throw err;
    }
  }

  app.post(
    '/programmes/:programmeId/delphi/:studyId/items',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const parsed = parseForm(itemSchema, request.body, itemOrder);
      if (!parsed.ok)
        return reply.render('delphi/views/items.njk', await itemsPage(request, { form: parsed.form }), 400);
      return itemAction(request, reply, async (_s, round) => {
        const [item] = await delphi.addItems(
          round,
          [parsed.data],
          request.auditContext(),
          undefined,
          bodyField(request.body, '_submission') || undefined,
        );
        return `Item ${item!.code} added.`;
      });
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/items/import',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) =>
      itemAction(
        request,
        reply,
        async (_s, round) => {
          const text = String((request.body as { csv?: string }).csv ?? '');
          const parsed = parseItemsCsv(text);
          if (!parsed.ok)
            throw new FieldError('csv', parsed.problems.map((p) => `${p.where}: ${p.message}`).join('; '));
          const items = await delphi.addItems(round, parsed.items, request.auditContext());
          return `${plural(items.length, 'item')} added from the CSV.`;
        },
        { files: { csv: MAX_ITEMS_CSV_CHARS } },
      ),
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/items/from-framework',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) =>
      itemAction(request, reply, async (_s, round) => {
        const { versionId, stage } = parseOrFieldError(fromFrameworkSchema, request.body);
        const items = await delphi.addFromFramework(round, versionId, stage, request.auditContext());
        return `${plural(items.length, 'item')} added from the framework's statements.`;
      }),
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/items/change',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) =>
      itemAction(request, reply, async (study, round) => {
        const body = request.body as { items?: unknown; action?: string; mergeText?: string };
        const ids = toArray(body.items);
        if (body.action === 'drop') {
          await delphi.dropItems(round, ids, request.auditContext());
          return `${plural(ids.length, 'item')} dropped from round ${round.number}.`;
        }
        if (body.action === 'retire') {
          const codes = await delphi.retireItems(study, round, ids, request.auditContext());
          return `${codes.length === 1 ? 'Item' : 'Items'} ${codes.join(', ')} retired as agreed: they stay on the final list with the figures of round ${round.number - 1}.`;
        }
        if (body.action === 'merge') {
          const merged = await delphi.mergeItems(round, ids, String(body.mergeText ?? ''), request.auditContext());
          return `Merged into item ${merged.code}.`;
        }
        throw new FieldError('items', 'Choose what to do with the selected items');
      }),
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/suggestions/:suggestionId/use',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) =>
      itemAction(request, reply, async (_s, round) => {
        const { text } = parseOrFieldError(useSuggestionSchema, request.body);
        const suggestionId = (request.params as { suggestionId: string }).suggestionId;
        const item = await delphi.useSuggestion(round, suggestionId, text, request.auditContext());
        return `Suggestion turned into item ${item.code}.`;
      }),
  );

  /** The item named in the URL, checked to belong to a round of the study in the URL. */
  async function itemOr404(request: FastifyRequest) {
    const { study, programme } = await studyOr404(request);
    const id = (request.params as { itemId: string }).itemId;
    const item = await delphi.getItem(id);
    const round = item ? await delphi.getRound(item.roundId) : undefined;
    if (!item || !round || round.studyId !== study.id) throw notFound('item');
    return { study, programme, item, round };
  }

  const editPage = async (request: FastifyRequest, form?: FormState) => {
    const { study, programme, item, round } = await itemOr404(request);
    return {
      title: `Item ${item.code}`,
      study,
      programme,
      item,
      round,
      base: base(study),
      stageOptions: stageOptionsFor(item.stage),
      form: form ?? emptyForm({ text: item.text, domain: item.domain, stage: item.stage, area: item.area }),
      splitForm: emptyForm(),
    };
  };

  app.get(
    '/programmes/:programmeId/delphi/:studyId/items/:itemId',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => reply.render('delphi/views/item.njk', await editPage(request)),
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/items/:itemId',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study, item } = await itemOr404(request);
      const parsed = parseForm(itemSchemaFor(item.stage), request.body, itemOrder);
      if (!parsed.ok) return reply.render('delphi/views/item.njk', await editPage(request, parsed.form), 400);
      try {
        await delphi.editItem(item, parsed.data, request.auditContext());
      } catch (err) {
        if (err instanceof FieldError)
          return reply.render(
            'delphi/views/item.njk',
            await editPage(
              request,
              formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
            ),
            400,
          );
        throw err;
      }
      request.flash('success', `Item ${item.code} saved.`);
      return reply.redirect(`${base(study)}/items`);
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/items/:itemId/split',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study, item } = await itemOr404(request);
      const splitPage = async (errors: Record<string, string>) =>
        reply.render(
          'delphi/views/item.njk',
          { ...(await editPage(request)), splitForm: formWithErrors(request.body as Record<string, unknown>, errors) },
          400,
        );
      const problems = formTextProblems(request.body, (f) => ITEM_FIELD_NAMES[f]);
      if (Object.keys(problems).length) return splitPage(problems);
      const texts = String((request.body as { splitText?: string }).splitText ?? '').split(/\r?\n/);
      try {
        const made = await delphi.splitItem(item, texts, request.auditContext());
        request.flash('success', `Item ${item.code} split into ${made.map((m) => m.code).join(', ')}.`);
        return reply.redirect(`${base(study)}/items`);
      } catch (err) {
        if (err instanceof FieldError) return splitPage({ [err.field]: err.message });
        throw err;
      }
    },
  );
}
