import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyField, sendAttachment, uploadedFile } from '../../platform/http/route-helpers';
import { z } from 'zod';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import {
  FORMAT_LABELS,
  FORMATS,
  isIllustrative,
  MAPPED_FROM_PHRASES,
  MAPPING_PHRASES,
  UNSTAGED_KEY,
  UNSTAGED_LABEL,
  VERSION_STATUS_LABELS,
  type Format,
} from './model';
import { detectFormat, MAX_IMPORT_BYTES, PROVENANCE_SOURCES, type FrameworksService, type TreeFilter } from './service';
import type { Framework, Version } from './repository';

type Stage = { key: string; label: string };

const FILE_EXTENSIONS: Record<Format, string> = { csv: 'csv', json: 'json', case: 'case.json' };
const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  case: 'application/json; charset=utf-8',
};

const filterSchema = z.object({
  stage: z
    .string()
    .max(60)
    .optional()
    .transform((v) => v || undefined),
  area: z
    .string()
    .max(100)
    .optional()
    .transform((v) => v || undefined),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((v) => v || undefined),
});

const canManage = (request: FastifyRequest) => can(request.actor, 'framework.manage');

/** The framework and version named in the URL, or 404 (drafts only for those who manage frameworks). */
async function load(frameworks: FrameworksService, request: FastifyRequest) {
  const p = request.params as { shortName: string; label?: string };
  const found = await frameworks.find(p.shortName, p.label, canManage(request));
  if (!found) throw notFound('framework version');
  return found;
}

const versionPath = (f: Framework, v: Version) =>
  `/frameworks/${encodeURIComponent(f.shortName)}/versions/${encodeURIComponent(v.label)}`;

export function frameworkRoutes(app: FastifyInstance, frameworks: FrameworksService) {
  // Labels, never keys, on every page: statuses, the unstaged bucket.
  const page = (request: FastifyRequest, extra: Record<string, unknown>) => ({
    canManage: canManage(request),
    formatLabels: FORMAT_LABELS,
    statusLabels: VERSION_STATUS_LABELS,
    unstagedLabel: UNSTAGED_LABEL,
    unstagedKey: UNSTAGED_KEY,
    ...extra,
  });

  app.get('/frameworks', { config: { permission: 'framework.view' } }, async (request, reply) => {
    const rows = await frameworks.list(canManage(request));
    return reply.render(
      'frameworks/views/list.njk',
      page(request, {
        title: 'Capability frameworks',
        core: rows
          .filter((r) => r.framework.kind === 'core')
          .map((r) => ({ ...r, href: versionPath(r.framework, r.version!) })),
        area: rows
          .filter((r) => r.framework.kind === 'area')
          .map((r) => ({ ...r, href: versionPath(r.framework, r.version!) })),
        anyIllustrative: rows.some((r) => isIllustrative(r.version!)),
      }),
    );
  });

  // ---- import ----------------------------------------------------------------------
  /** A CSV to copy from: the first published framework there is (none on a fresh install without the demo). */
  const exampleHref = async () => {
    const first = (await frameworks.list(false))[0];
    return first
      ? `/frameworks/${encodeURIComponent(first.framework.shortName)}/versions/${encodeURIComponent(first.version!.label)}/download/csv`
      : null;
  };
  const importPage = async (request: FastifyRequest, form: FormState, extra: Record<string, unknown> = {}) =>
    page(request, {
      title: 'Import a framework',
      form,
      maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
      formats: FORMATS.map((f) => ({ value: f, text: FORMAT_LABELS[f] })),
      example: await exampleHref(),
      ...extra,
    });

  app.get('/frameworks/import', { config: { permission: 'framework.manage' } }, async (request, reply) =>
    reply.render('frameworks/views/import.njk', await importPage(request, emptyForm({ format: 'auto' }))),
  );

  app.post('/frameworks/import', { config: { permission: 'framework.manage' } }, async (request, reply) => {
    const field = (name: string) => bodyField(request.body, name);
    const chosen = field('format') || 'auto';
    const refuse = async (message: string, status = 400) =>
      reply.render(
        'frameworks/views/import.njk',
        await importPage(request, formWithErrors({ format: chosen }, { file: message })),
        status,
      );
    let text = field('content');
    let filename = 'pasted.csv';
    const file = await uploadedFile(request.body);
    if (file && file.data.length > 0) {
      text = file.data.toString('utf8');
      filename = file.filename;
    }
    if (!text.trim()) return refuse('Choose a file to upload, or paste the CSV');
    if (Buffer.byteLength(text) > MAX_IMPORT_BYTES)
      return refuse(
        `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Upload a file of ${MAX_IMPORT_BYTES / 1024 / 1024} MB or less`,
        413,
      );
    if (text.includes('\u0000')) return refuse('The file is not text. Upload a CASE JSON, Waymark JSON or CSV file');
    const format: Format = (FORMATS as readonly string[]).includes(chosen)
      ? (chosen as Format)
      : detectFormat(filename, text);
    const preview = await frameworks.preview(format, text);
    if (!preview.ok) {
      return reply.render(
        'frameworks/views/import-problems.njk',
        page(request, {
          title: 'The file cannot be imported',
          problems: preview.problems,
          filename,
          format: FORMAT_LABELS[format],
        }),
        400,
      );
    }
    const pending = await frameworks.stagePending(request.user!.id, format, filename, text);
    return reply.render(
      'frameworks/views/import-preview.njk',
      page(request, {
        title: 'Check the import',
        pending,
        preview,
        doc: preview.doc,
        filename,
        format: FORMAT_LABELS[format],
      }),
    );
  });

  app.post('/frameworks/import/:id', { config: { permission: 'framework.manage' } }, async (request, reply) => {
    const id = z.uuid().safeParse((request.params as { id: string }).id);
    const pending = id.success ? await frameworks.findPending(id.data, request.user!.id) : undefined;
    if (!pending) throw notFound('import');
    try {
      const version = await frameworks.confirmPending(pending, request.user!.id, request.auditContext());
      const framework = (await frameworks.frameworkOf(version))!;
      request.flash('success', `Imported ${framework.shortName} version ${version.label}.`);
      return reply.redirect(versionPath(framework, version));
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'frameworks/views/import.njk',
          await importPage(request, formWithErrors({}, { file: err.message })),
          400,
        );
      throw err;
    }
  });

  // ---- browsing ----------------------------------------------------------------------
  app.get('/frameworks/:shortName', { config: { permission: 'framework.view' } }, async (request, reply) => {
    const { framework, version } = await load(frameworks, request);
    return reply.redirect(versionPath(framework, version));
  });

  app.get(
    '/frameworks/:shortName/versions/:label',
    { config: { permission: 'framework.view' } },
    async (request, reply) => {
      const { framework, version } = await load(frameworks, request);
      const parsed = filterSchema.safeParse(request.query);
      const filter: TreeFilter = parsed.success ? parsed.data : {};
      const stages = version.stages as Stage[];
      if (filter.stage && filter.stage !== UNSTAGED_KEY && !stages.some((s) => s.key === filter.stage))
        filter.stage = undefined;
      const tree = await frameworks.tree(framework, version, filter);
      return reply.render(
        'frameworks/views/version.njk',
        page(request, {
          title: `${framework.title}, version ${version.label}`,
          framework,
          version,
          stages,
          stageLabels: Object.fromEntries(stages.map((s) => [s.key, s.label])),
          filter,
          tree,
          base: versionPath(framework, version),
          mappingPhrases: MAPPING_PHRASES,
          mappedFromPhrases: MAPPED_FROM_PHRASES,
          illustrative: isIllustrative(version),
        }),
      );
    },
  );

  app.get(
    '/frameworks/:shortName/versions/:label/statements/:code',
    { config: { permission: 'framework.view' } },
    async (request, reply) => {
      const { framework, version } = await load(frameworks, request);
      const code = (request.params as { code: string }).code;
      const found = await frameworks.statement(framework, version, code);
      if (!found) throw notFound('statement');
      return reply.render(
        'frameworks/views/statement.njk',
        page(request, {
          title: `${found.item.code} ${found.item.text}`.slice(0, 120),
          framework,
          version,
          base: versionPath(framework, version),
          ...found,
          mappingPhrases: MAPPING_PHRASES,
          mappedFromPhrases: MAPPED_FROM_PHRASES,
          sourceLabels: PROVENANCE_SOURCES,
          illustrative: isIllustrative(version),
          canEdit: canManage(request) && version.status === 'draft',
        }),
      );
    },
  );

  app.get(
    '/frameworks/:shortName/versions/:label/matrix',
    { config: { permission: 'framework.view' } },
    async (request, reply) => {
      const { framework, version } = await load(frameworks, request);
      return reply.render(
        'frameworks/views/matrix.njk',
        page(request, {
          title: `Stage matrix: ${framework.title}`,
          framework,
          version,
          base: versionPath(framework, version),
          illustrative: isIllustrative(version),
          ...(await frameworks.matrix(version)),
        }),
      );
    },
  );

  app.get(
    '/frameworks/:shortName/versions/:label/download/:format',
    { config: { permission: 'framework.view' } },
    async (request, reply) => {
      const { version } = await load(frameworks, request);
      const format = (request.params as { format: string }).format;
      if (!(FORMATS as readonly string[]).includes(format)) throw notFound('format');
      const doc = await frameworks.docOf(version);
      return sendAttachment(
        reply,
        `${doc.framework.shortName}-${doc.version.label}.${FILE_EXTENSIONS[format as Format]}`,
        CONTENT_TYPES[format as Format],
        await frameworks.serialise(doc, format as Format),
      );
    },
  );

  // ---- versions --------------------------------------------------------------------
  app.get('/frameworks/:shortName/history', { config: { permission: 'framework.view' } }, async (request, reply) => {
    const { framework } = await load(frameworks, request);
    const versions = await frameworks.versions(framework.id, canManage(request));
    return reply.render(
      'frameworks/views/history.njk',
      page(request, {
        title: `Versions of ${framework.title}`,
        framework,
        versions: versions.map((v) => ({ ...v, href: versionPath(framework, v) })),
        form: emptyForm({ from: versions[1]?.label, to: versions[0]?.label }),
      }),
    );
  });

  app.get('/frameworks/:shortName/compare', { config: { permission: 'framework.view' } }, async (request, reply) => {
    const { framework } = await load(frameworks, request);
    const q = request.query as { from?: string; to?: string };
    const withDrafts = canManage(request);
    const [a, b] = await Promise.all([
      q.from ? frameworks.find(framework.shortName, q.from, withDrafts) : undefined,
      q.to ? frameworks.find(framework.shortName, q.to, withDrafts) : undefined,
    ]);
    if (!a || !b) {
      const versions = (await frameworks.versions(framework.id, withDrafts)).map((v) => ({
        ...v,
        href: versionPath(framework, v),
      }));
      // Opening Compare is never an error: with one version there is nothing to compare, and with
      // nothing chosen yet the form starts at previous → latest. Only a submitted choice is checked.
      const submitted = q.from !== undefined || q.to !== undefined;
      const choose = (form: FormState, status = 200) =>
        reply.render(
          'frameworks/views/compare-choose.njk',
          page(request, { title: `Compare versions of ${framework.title}`, framework, versions, form }),
          status,
        );
      if (versions.length < 2 || !submitted)
        return choose(emptyForm({ from: versions[1]?.label, to: versions[0]?.label }));
      const errors: Record<string, string> = {};
      if (!a) errors.from = 'Choose the version to compare from';
      if (!b) errors.to = 'Choose the version to compare with';
      return choose(formWithErrors(q, errors, ['from', 'to']), 400);
    }
    const diff = await frameworks.diff(a.version, b.version);
    const stages = Object.fromEntries(
      [...(a.version.stages as Stage[]), ...(b.version.stages as Stage[])].map((s) => [s.key, s.label]),
    );
    return reply.render(
      'frameworks/views/compare.njk',
      page(request, {
        title: `Compare ${framework.shortName} ${a.version.label} with ${b.version.label}`,
        framework,
        from: a.version,
        to: b.version,
        diff,
        stageLabels: stages,
        fromBase: versionPath(framework, a.version),
        toBase: versionPath(framework, b.version),
        illustrative: isIllustrative(b.version),
      }),
    );
  });

  const labelSchema = z.object({
    label: z
      .string({ message: 'Enter a label for the new version' })
      .trim()
      .min(1, 'Enter a label for the new version, like 1.1')
      .max(40, 'Label must be 40 characters or fewer')
      .regex(/^[A-Za-z0-9._-]+$/, 'Use letters, numbers, dots, hyphens and underscores only'),
  });

  app.post(
    '/frameworks/:shortName/versions/:label/draft',
    { config: { permission: 'framework.manage' } },
    async (request, reply) => {
      const { framework, version } = await load(frameworks, request);
      const parsed = parseForm(labelSchema, request.body, ['label']);
      const fail = async (form: FormState) => {
        const versions = await frameworks.versions(framework.id, true);
        return reply.render(
          'frameworks/views/history.njk',
          page(request, {
            title: `Versions of ${framework.title}`,
            framework,
            versions: versions.map((v) => ({ ...v, href: versionPath(framework, v) })),
            form,
            draftFrom: version.label,
          }),
          400,
        );
      };
      if (!parsed.ok) return fail(parsed.form);
      try {
        const draft = await frameworks.newDraft(version, parsed.data.label, request.user!.id, request.auditContext());
        request.flash(
          'success',
          `Draft version ${draft.label} created from ${version.label}. Published versions never change; edit this draft, then publish it.`,
        );
        return reply.redirect(versionPath(framework, draft));
      } catch (err) {
        if (err instanceof FieldError)
          return fail(formWithErrors(request.body as Record<string, unknown>, { label: err.message }));
        throw err;
      }
    },
  );

  app.post(
    '/frameworks/:shortName/versions/:label/publish',
    { config: { permission: 'framework.manage' } },
    async (request, reply) => {
      const { framework, version } = await load(frameworks, request);
      try {
        await frameworks.publish(version, request.auditContext());
      } catch (err) {
        if (err instanceof FieldError) {
          request.flash('info', err.message);
          return reply.redirect(versionPath(framework, version));
        }
        throw err;
      }
      request.flash(
        'success',
        `Version ${version.label} is published. The version published before it is now marked superseded.`,
      );
      return reply.redirect(versionPath(framework, version));
    },
  );

  const editSchema = z.object({
    text: z
      .string({ message: 'Enter the statement' })
      .trim()
      .min(1, 'Enter the statement')
      .max(4000, 'Statement must be 4,000 characters or fewer'),
    stage: z
      .string()
      .max(60)
      .optional()
      .transform((v) => v || null),
  });

  async function editPage(request: FastifyRequest, reply: FastifyReply, form?: FormState, status = 200) {
    const { framework, version } = await load(frameworks, request);
    const code = (request.params as { code: string }).code;
    const item = await frameworks.findItem(version.id, code);
    if (!item || version.status !== 'draft') throw notFound('statement in a draft');
    return reply.render(
      'frameworks/views/edit-item.njk',
      page(request, {
        title: `Edit ${item.code}`,
        framework,
        version,
        item,
        base: versionPath(framework, version),
        stageOptions: (version.stages as Stage[]).map((s) => ({ value: s.key, text: s.label })),
        form: form ?? emptyForm({ text: item.text, stage: item.stage }),
      }),
      status,
    );
  }

  app.get(
    '/frameworks/:shortName/versions/:label/statements/:code/edit',
    { config: { permission: 'framework.manage' } },
    async (request, reply) => editPage(request, reply),
  );

  app.post(
    '/frameworks/:shortName/versions/:label/statements/:code/edit',
    { config: { permission: 'framework.manage' } },
    async (request, reply) => {
      const { framework, version } = await load(frameworks, request);
      const code = (request.params as { code: string }).code;
      const parsed = parseForm(editSchema, request.body, ['text', 'stage']);
      if (!parsed.ok) return editPage(request, reply, parsed.form, 400);
      try {
        await frameworks.editItem(version, code, parsed.data, request.auditContext());
      } catch (err) {
        if (err instanceof FieldError)
          return editPage(
            request,
            reply,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
            400,
          );
        throw err;
      }
      request.flash('success', `${code} saved in draft ${version.label}.`);
      return reply.redirect(`${versionPath(framework, version)}/statements/${encodeURIComponent(code)}`);
    },
  );
}
