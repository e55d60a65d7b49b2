import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  formList as toArray,
  programmeResource,
  sendAttachment as sendFile,
  bodyField,
  fileSlug,
} from '../../platform/http/route-helpers';
import { z } from 'zod';
import { can } from '../../platform/auth/policy';
import { parseEmailList } from '../../platform/auth/email';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import type { TextGuardOptions } from '../../platform/forms/text-guard';
import { GRADE_9, LIKERT_5, describeRule, parseRule, type ConsensusRule, type Scale } from '../../stats/consensus';
import { toCsvText } from '../../exports/csv';
import { writeDocx } from '../../exports/docx';
import { toPdf } from '../../exports/pdf';
import { toXlsx } from '../../exports/xlsx';
import { ukLocalToDate } from '../../platform/forms/dates';
import type { ProgrammesService } from '../programmes/service';
import type { FrameworksService } from '../frameworks/service';
import { parseItemsCsv } from './items-csv';
import { delphiPanellistRoutes } from './panellist-routes';
import { formTextProblems, ITEM_FIELD_MAX, ITEM_TEXT_MAX } from './bounds';
import { roundStatusLabel, STAGE_OPTIONS, stageLabel } from './labels';
import { studyReportDoc } from './report';
import { MIN_GROUP_SIZE, plural, shownItem, WITHHELD } from './disclosure';
import type { DelphiService, StudySettings } from './service';
import type { Study } from './repository';

const settingsSchema = z
  .object({
    title: z
      .string({ message: 'Enter a title' })
      .trim()
      .min(1, 'Enter a title for the study')
      .max(200, 'Title must be 200 characters or fewer'),
    purpose: z.string().trim().max(5000, 'Purpose must be 5,000 characters or fewer').default(''),
    scale: z.enum(['1-9', '1-5'], { message: 'Choose a rating scale' }),
    lowLabel: z.string().trim().max(100, 'The label for low ratings must be 100 characters or fewer').default(''),
    midLabel: z.string().trim().max(100, 'The label for middle ratings must be 100 characters or fewer').default(''),
    highLabel: z.string().trim().max(100, 'The label for high ratings must be 100 characters or fewer').default(''),
    allowUnable: z.enum(['yes', 'no']).default('no'),
    rule: z.enum(['comet', 'percent', 'median-iqr', 'rand-ucla'], { message: 'Choose a consensus rule' }),
    cometIn: z.coerce
      .number({ message: 'Enter a percentage' })
      .min(50, 'The agreement threshold must be 50% or more')
      .max(100, 'The agreement threshold must be 100% or less')
      .default(70),
    cometOther: z.coerce
      .number({ message: 'Enter a percentage' })
      .min(0, 'Enter 0 or more')
      .max(50, 'The limit must be 50% or less')
      .default(15),
    percentThreshold: z.coerce
      .number({ message: 'Enter a percentage' })
      .min(50, 'The threshold must be 50% or more')
      .max(100, 'The threshold must be 100% or less')
      .default(75),
    medianIn: z.coerce.number({ message: 'Enter a median' }).default(7),
    medianOut: z.coerce.number({ message: 'Enter a median' }).default(3),
    maxIqr: z.coerce.number({ message: 'Enter an IQR' }).min(0, 'Enter 0 or more').default(1),
    quartileMethod: z.enum(['7', '6'], { message: 'Choose how quartiles are calculated' }),
    everyGroup: z.enum(['yes', 'no']).default('no'),
    reasonDistance: z
      .string()
      .optional()
      .transform((v) => (v ? Number(v) : null))
      .pipe(
        z
          .number({ message: 'Enter a whole number of points' })
          .int('Enter a whole number of points')
          .min(1, 'Enter 1 or more')
          .max(8, 'Enter 8 or fewer')
          .nullable(),
      ),
    namesInExports: z.enum(['yes', 'no']).default('no'),
    withSuggestions: z.enum(['yes', 'no']).default('no'),
    reason: z.string().trim().max(2000, 'The reason for the change must be 2,000 characters or fewer').default(''),
  })
  .refine((v) => v.rule !== 'rand-ucla' || v.scale === '1-9', {
    path: ['rule'],
    message: 'RAND/UCLA needs the 1 to 9 scale',
  })
  // The thresholds must fit the chosen scale, or no item could ever reach consensus.
  .superRefine((v, ctx) => {
    const top = v.scale === '1-9' ? 9 : 5;
    if (v.rule === 'median-iqr' && (v.medianIn < 1 || v.medianIn > top))
      ctx.addIssue({
        code: 'custom',
        path: ['medianIn'],
        message: `The median for "in" must be on the scale, from 1 to ${top}`,
      });
    if (v.rule === 'median-iqr' && (v.medianOut < 1 || v.medianOut >= v.medianIn))
      ctx.addIssue({
        code: 'custom',
        path: ['medianOut'],
        message: 'The median for "out" must be 1 or more and below the median for "in"',
      });
    if (v.reasonDistance !== null && v.reasonDistance > top - 1)
      ctx.addIssue({
        code: 'custom',
        path: ['reasonDistance'],
        message: `On this scale ratings can be at most ${top - 1} points apart`,
      });
  });
const settingsOrder = [
  'title',
  'purpose',
  'scale',
  'rule',
  'cometIn',
  'cometOther',
  'percentThreshold',
  'medianIn',
  'medianOut',
  'maxIqr',
  'quartileMethod',
  'reasonDistance',
  'reason',
];

function toSettings(v: z.infer<typeof settingsSchema>): StudySettings & { withSuggestions: boolean } {
  const base = v.scale === '1-9' ? GRADE_9 : LIKERT_5;
  const scale: Scale = {
    ...base,
    labels: {
      low: v.lowLabel || base.labels!.low,
      mid: v.midLabel || base.labels!.mid,
      high: v.highLabel || base.labels!.high,
    },
  };
  const rule: ConsensusRule =
    v.rule === 'comet'
      ? { kind: 'comet', inPercent: v.cometIn, otherPercent: v.cometOther }
      : v.rule === 'percent'
        ? { kind: 'percent', threshold: v.percentThreshold }
        : v.rule === 'median-iqr'
          ? { kind: 'median-iqr', inMedian: v.medianIn, outMedian: v.medianOut, maxIqr: v.maxIqr }
          : parseRule('rand-ucla');
  return {
    title: v.title,
    purpose: v.purpose,
    scale,
    allowUnable: v.allowUnable === 'yes',
    rule,
    quartileMethod: v.quartileMethod === '6' ? 6 : 7,
    everyGroup: v.everyGroup === 'yes',
    reasonDistance: v.reasonDistance,
    namesInExports: v.namesInExports === 'yes',
    withSuggestions: v.withSuggestions === 'yes',
  };
}

function settingsForm(s: Study | undefined): FormState {
  if (!s)
    return emptyForm({
      scale: '1-9',
      rule: 'comet',
      cometIn: 70,
      cometOther: 15,
      percentThreshold: 75,
      medianIn: 7,
      medianOut: 3,
      maxIqr: 1,
      quartileMethod: '7',
      allowUnable: 'yes',
      everyGroup: 'no',
      namesInExports: 'no',
      withSuggestions: 'no',
    });
  const scale = s.scale as Scale;
  const rule = s.rule as ConsensusRule;
  return emptyForm({
    title: s.title,
    purpose: s.purpose,
    scale: `${scale.min}-${scale.max}`,
    lowLabel: scale.labels?.low,
    midLabel: scale.labels?.mid,
    highLabel: scale.labels?.high,
    allowUnable: s.allowUnable ? 'yes' : 'no',
    rule: rule.kind,
    cometIn: rule.kind === 'comet' ? rule.inPercent : 70,
    cometOther: rule.kind === 'comet' ? rule.otherPercent : 15,
    percentThreshold: rule.kind === 'percent' ? rule.threshold : 75,
    medianIn: rule.kind === 'median-iqr' ? rule.inMedian : 7,
    medianOut: rule.kind === 'median-iqr' ? rule.outMedian : 3,
    maxIqr: rule.kind === 'median-iqr' ? rule.maxIqr : 1,
    quartileMethod: String(s.quartileMethod),
    everyGroup: s.everyGroup ? 'yes' : 'no',
    reasonDistance: s.reasonDistance ?? '',
    namesInExports: s.namesInExports ? 'yes' : 'no',
  });
}

/** An item's fields. The stage is chosen from the list (or kept, when an item from a framework has a stage of its own). */
const itemSchemaFor = (keep?: string | null) =>
  z.object({
    text: z
      .string({ message: 'Enter the item' })
      .trim()
      .min(1, 'Enter the item')
      .max(ITEM_TEXT_MAX, 'An item must be 2,000 characters or fewer'),
    domain: z.string().trim().max(ITEM_FIELD_MAX, 'The domain must be 200 characters or fewer').default(''),
    stage: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || null)
      .refine(
        (v) => v === null || v === keep || STAGE_OPTIONS.some((o) => o.value === v),
        'Choose a stage from the list',
      ),
    area: z
      .string()
      .trim()
      .max(100, 'The clinical area must be 100 characters or fewer')
      .optional()
      .transform((v) => v || null),
  });
const itemSchema = itemSchemaFor();

/** What the item forms' free-text fields hold, for the shared guard's messages. */
const ITEM_FIELD_NAMES: Record<string, string> = {
  text: 'the item',
  mergeText: 'the merged item',
  splitText: 'the text of the new items',
  csv: 'the CSV',
};
/** A pasted CSV of items: room for hundreds of items at their longest. */
const MAX_ITEMS_CSV_CHARS = 1_000_000;

/** The stages an item's form offers: the pathway's, plus the item's own if a framework gave it another. */
const stageOptionsFor = (stage: string | null | undefined) =>
  stage && !STAGE_OPTIONS.some((o) => o.value === stage)
    ? [...STAGE_OPTIONS, { value: stage, text: stageLabel(stage) }]
    : STAGE_OPTIONS;

export function delphiRoutes(
  app: FastifyInstance,
  delphi: DelphiService,
  programmes: ProgrammesService,
  frameworks: FrameworksService,
) {
  const base = (s: Study) => `/programmes/${s.programmeId}/delphi/${s.id}`;

  /** The study named in the URL, checked to belong to the programme in the URL. */
  async function studyOr404(request: FastifyRequest) {
    const p = request.params as { programmeId: string; studyId: string };
    const study = await delphi.getStudy(p.studyId);
    if (!study || study.programmeId !== p.programmeId) throw notFound('study');
    const programme = (await programmes.get(study.programmeId))!;
    return { study, programme, canManage: can(request.actor, 'delphi.manage', { programmeId: study.programmeId }) };
  }

  async function roundByNumber(study: Study, n: string) {
    const round = (await delphi.rounds(study.id)).find((r) => String(r.number) === n);
    if (!round) throw notFound('round');
    return round;
  }

  // ---- studies ----------------------------------------------------------------------
  app.get(
    '/programmes/:programmeId/delphi',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => {
      const { programmeId } = request.params as { programmeId: string };
      const programme = await programmes.get(programmeId);
      if (!programme) throw notFound('programme');
      const studies = await delphi.studiesOf(programme.id);
      const withRounds = await Promise.all(studies.map(async (s) => ({ ...s, rounds: await delphi.rounds(s.id) })));
      return reply.render('delphi/views/studies.njk', {
        title: `Delphi studies – ${programme.name}`,
        programme,
        studies: withRounds,
        canManage: can(request.actor, 'delphi.manage', { programmeId }),
        roundStatusLabel,
      });
    },
  );

  const settingsPage = (title: string, action: string, form: FormState, extra: Record<string, unknown> = {}) => ({
    title,
    action,
    form,
    ...extra,
  });

  app.get(
    '/programmes/:programmeId/delphi/new',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const programme = await programmes.get((request.params as { programmeId: string }).programmeId);
      if (!programme) throw notFound('programme');
      return reply.render(
        'delphi/views/settings.njk',
        settingsPage('Set up a Delphi study', `/programmes/${programme.id}/delphi/new`, settingsForm(undefined), {
          programme,
          isNew: true,
        }),
      );
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/new',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const programme = await programmes.get((request.params as { programmeId: string }).programmeId);
      if (!programme) throw notFound('programme');
      const parsed = parseForm(settingsSchema, request.body, settingsOrder);
      if (!parsed.ok)
        return reply.render(
          'delphi/views/settings.njk',
          settingsPage('Set up a Delphi study', `/programmes/${programme.id}/delphi/new`, parsed.form, {
            programme,
            isNew: true,
          }),
          400,
        );
      const id = await delphi.createStudy(
        programme.id,
        toSettings(parsed.data),
        request.user!.id,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      request.flash('success', 'Study created. Add items and invite the panel, then open round 1.');
      return reply.redirect(`/programmes/${programme.id}/delphi/${id}`);
    },
  );

  /** The study dashboard; `form` is the "open round" form, re-shown with its message when opening failed. */
  async function dashboardPage(request: FastifyRequest, form: FormState = emptyForm({ closesAt: defaultCloseDate() })) {
    const { study, programme, canManage } = await studyOr404(request);
    const report = await delphi.report(study);
    const panel = await delphi.panel(study.id);
    const current = report.rounds.find((r) => r.status === 'open') ?? report.rounds[report.rounds.length - 1];
    const items = current ? await delphi.items(current.id) : [];
    return {
      title: study.title,
      study,
      programme,
      base: base(study),
      report,
      panelSize: panel.length,
      current,
      currentItems: items,
      canManage,
      canSendToFramework: can(request.actor, 'delphi.to-framework', { programmeId: study.programmeId }),
      roundStatusLabel,
      last: report.analyses[report.analyses.length - 1],
      form,
    };
  }

  app.get(
    '/programmes/:programmeId/delphi/:studyId',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => reply.render('delphi/views/dashboard.njk', await dashboardPage(request)),
  );

  app.get(
    '/programmes/:programmeId/delphi/:studyId/settings',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      return reply.render(
        'delphi/views/settings.njk',
        settingsPage('Study settings', `${base(study)}/settings`, settingsForm(study), {
          programme,
          study,
          changes: await delphi.settingChanges(study.id),
        }),
      );
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/settings',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      const page = async (form: FormState) =>
        reply.render(
          'delphi/views/settings.njk',
          settingsPage('Study settings', `${base(study)}/settings`, form, {
            programme,
            study,
            changes: await delphi.settingChanges(study.id),
          }),
          400,
        );
      const parsed = parseForm(settingsSchema, request.body, settingsOrder);
      if (!parsed.ok) return page(parsed.form);
      try {
        await delphi.updateSettings(
          study,
          toSettings(parsed.data),
          parsed.data.reason,
          request.user!.id,
          request.auditContext(),
        );
      } catch (err) {
        if (err instanceof FieldError)
          return page(
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, settingsOrder),
          );
        throw err;
      }
      request.flash('success', 'Settings saved.');
      return reply.redirect(base(study));
    },
  );

  // ---- items --------------------------------------------------------------------------
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
    work: (study: Study, round: NonNullable<Awaited<ReturnType<typeof delphi.getRound>>>) => Promise<string>,
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
      const parsed = parseForm(itemSchema, request.body, ['text', 'domain', 'stage', 'area']);
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
        const body = request.body as { versionId?: string; stage?: string };
        // Not a UUID was refused by the platform's input guard; only "none chosen" is left.
        if (!body.versionId) throw new FieldError('versionId', 'Choose a framework');
        if (body.stage && !STAGE_OPTIONS.some((o) => o.value === body.stage))
          throw new FieldError('stage', 'Choose a stage from the list');
        const items = await delphi.addFromFramework(round, body.versionId, body.stage || null, request.auditContext());
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
        const text = String((request.body as { text?: string }).text ?? '').trim();
        if (!text) throw new FieldError('text', 'Enter the wording of the item');
        const suggestionId = (request.params as { suggestionId: string }).suggestionId;
        const item = await delphi.useSuggestion(round, suggestionId, text, request.auditContext());
        return `Suggestion turned into item ${item.code}.`;
      }),
  );

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
      const parsed = parseForm(itemSchemaFor(item.stage), request.body, ['text', 'domain', 'stage', 'area']);
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

  // ---- panel ----------------------------------------------------------------------------
  async function panelPage(request: FastifyRequest, extra: Record<string, unknown> = {}) {
    const { study, programme, canManage } = await studyOr404(request);
    const [status, attrition, types, areas, rounds] = await Promise.all([
      delphi.panelStatus(study),
      delphi.attrition(study),
      programmes.stakeholderTypesOf(programme.id),
      programmes.areasOf(programme.id),
      delphi.rounds(study.id),
    ]);
    return {
      title: `Panel – ${study.title}`,
      study,
      programme,
      base: base(study),
      status,
      attrition,
      canManage,
      open: rounds.find((r) => r.status === 'open'),
      typeOptions: types.map((t) => ({ value: t.name, text: t.name })),
      areaOptions: areas.map((a) => ({ value: a.name, text: a.name })),
      form: emptyForm(),
      ...extra,
    };
  }

  app.get(
    '/programmes/:programmeId/delphi/:studyId/panel',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => reply.render('delphi/views/panel.njk', await panelPage(request)),
  );

  const inviteSchema = z.object({
    emails: z.string({ message: 'Enter at least one email address' }).transform((v, ctx) => {
      const list = parseEmailList(v);
      if (!list.ok) {
        ctx.addIssue({ code: 'custom', message: list.message });
        return z.NEVER;
      }
      return list.emails;
    }),
    stakeholderType: z
      .string({ message: 'Choose a stakeholder group' })
      .trim()
      .min(1, 'Choose a stakeholder group')
      .max(100, 'Choose a stakeholder group from the list'),
    area: z
      .string()
      .trim()
      .max(100, 'Choose a clinical area from the list')
      .optional()
      .transform((v) => v || null),
  });

  app.post(
    '/programmes/:programmeId/delphi/:studyId/panel',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study } = await studyOr404(request);
      const parsed = parseForm(inviteSchema, request.body, ['emails', 'stakeholderType', 'area']);
      if (!parsed.ok)
        return reply.render('delphi/views/panel.njk', await panelPage(request, { form: parsed.form }), 400);
      const { added, already } = await delphi.invite(
        study,
        parsed.data.emails,
        parsed.data.stakeholderType,
        parsed.data.area,
        request.auditContext(),
      );
      request.flash(
        'success',
        `${added.length} added to the panel.${already.length ? ` Already on the panel: ${already.join(', ')}.` : ''}`,
      );
      return reply.redirect(`${base(study)}/panel`);
    },
  );

  // ---- rounds ---------------------------------------------------------------------------
  const openSchema = z.object({
    closesAt: z
      .string({ message: 'Enter the date and time the round closes' })
      .min(1, 'Enter the date and time the round closes')
      .refine((v) => !Number.isNaN(Date.parse(v)), 'Enter the closing date and time, like 2026-12-01T17:00'),
  });

  async function roundAction(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (study: Study, round: Awaited<ReturnType<typeof roundByNumber>>) => Promise<string>,
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
      const parsed = parseForm(openSchema, request.body, ['closesAt']);
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
              formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, ['closesAt']),
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

  // ---- reports and exports --------------------------------------------------------------
  const slug = (s: Study) => fileSlug(s.title, 'study');

  app.get(
    '/programmes/:programmeId/delphi/:studyId/report.:format',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      const format = (request.params as { format: string }).format;
      if (format !== 'docx' && format !== 'pdf') throw notFound('report format');
      const doc = studyReportDoc(await delphi.report(study), programme.name);
      return format === 'docx'
        ? sendFile(
            reply,
            `${slug(study)}-report.docx`,
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
            await writeDocx(doc),
          )
        : sendFile(reply, `${slug(study)}-report.pdf`, 'application/pdf', await toPdf(doc));
    },
  );

  app.get(
    '/programmes/:programmeId/delphi/:studyId/responses.:format',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => {
      const { study } = await studyOr404(request);
      const format = (request.params as { format: string }).format;
      if (format !== 'csv' && format !== 'xlsx') throw notFound('export format');
      const rows = await delphi.responses(study);
      const head = [
        'round',
        'panellist',
        ...(study.namesInExports ? ['name'] : []),
        'group',
        'area',
        'item',
        'rating',
        'comment',
        'reason',
      ];
      const data = rows.map((r) => [
        r.round,
        r.panellist,
        ...(study.namesInExports ? [r.name] : []),
        r.group,
        r.area,
        r.item,
        r.rating,
        r.comment,
        r.reason,
      ]);
      return format === 'csv'
        ? sendFile(reply, `${slug(study)}-responses.csv`, 'text/csv; charset=utf-8', toCsvText(head, data))
        : sendFile(
            reply,
            `${slug(study)}-responses.xlsx`,
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            await toXlsx([{ name: 'Responses', head, rows: data }]),
          );
    },
  );

  // ---- into the framework -------------------------------------------------------------------
  const draftsOf = async () =>
    (await frameworks.allVersions())
      .filter((v) => v.status === 'draft')
      .map((v) => ({ value: v.id, text: `${v.shortName} ${v.label}` }));

  app.get(
    '/programmes/:programmeId/delphi/:studyId/to-framework',
    { config: { permission: 'delphi.to-framework', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      return reply.render('delphi/views/to-framework.njk', {
        title: 'Send agreed items to a framework',
        study,
        programme,
        base: base(study),
        drafts: await draftsOf(),
        form: emptyForm(),
      });
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/to-framework',
    { config: { permission: 'delphi.to-framework', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      const versionId = String((request.body as { versionId?: string }).versionId ?? '');
      try {
        // Adding statements to a framework is framework work too: the person needs that permission as well.
        // The platform's input guard has already refused a versionId that is not a UUID; only "none chosen" is left.
        if (!versionId) throw new FieldError('versionId', 'Choose a draft framework version');
        const r = await delphi.sendToFramework(
          study,
          versionId,
          request.auditContext(),
          bodyField(request.body, '_submission') || undefined,
        );
        const nothingNew = r.linked.length + r.added.length === 0;
        const parts = [
          nothingNew
            ? 'Nothing new was sent.'
            : `Linked ${plural(r.linked.length, 'statement')} to the study and added ${plural(r.added.length, 'new statement')}.`,
        ];
        if (r.already.length) parts.push(`Already sent to this version, so not sent again: ${r.already.join(', ')}.`);
        if (r.skipped.length)
          parts.push(`Not sent (no domain of the same name in the framework, or no stage): ${r.skipped.join(', ')}.`);
        request.flash('success', parts.join(' '));
        return reply.redirect(base(study));
      } catch (err) {
        if (err instanceof FieldError)
          return reply.render(
            'delphi/views/to-framework.njk',
            {
              title: 'Send agreed items to a framework',
              study,
              programme,
              base: base(study),
              drafts: await draftsOf(),
              form: formWithErrors({ versionId }, { versionId: err.message }),
            },
            400,
          );
        throw err;
      }
    },
  );

  delphiPanellistRoutes(app, delphi);
}

/** A week from now at 5pm, in the form a datetime-local field takes. */
function defaultCloseDate(): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T17:00`;
}
