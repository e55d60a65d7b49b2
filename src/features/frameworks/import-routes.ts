import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyField, uploadedFile } from '../../platform/http/route-helpers';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, zodFieldErrors, type FormState } from '../../platform/forms/forms';
import { FORMAT_LABELS, FORMATS, MAX_IMPORT_BYTES } from './model';
import { importForm, isTooBig } from './schema';
import { detectFormat, type FrameworksService } from './service';
import { page, versionPath } from './pages';

/** Importing a framework file: upload or paste, check the preview, confirm. */
export function importRoutes(app: FastifyInstance, frameworks: FrameworksService) {
  /** A CSV to copy from: the first published framework there is (none on a fresh install without the demo). */
  const exampleHref = async () => {
    const first = (await frameworks.list(false))[0];
    return first ? `${versionPath(first.framework, first.version!)}/download/csv` : null;
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
    const chosen = bodyField(request.body, 'format') || 'auto';
    // The file uploaded, else the text pasted into the box.
    const file = await uploadedFile(request.body);
    const uploaded = file && file.data.length > 0;
    const filename = uploaded ? file.filename : 'pasted.csv';
    const parsed = importForm.safeParse({
      format: chosen,
      content: uploaded ? file.data.toString('utf8') : bodyField(request.body, 'content'),
    });
    if (!parsed.success) {
      const message = zodFieldErrors(parsed.error).content;
      return reply.render(
        'frameworks/views/import.njk',
        await importPage(request, formWithErrors({ format: chosen }, { file: message! })),
        isTooBig(message) ? 413 : 400,
      );
    }
    const { content } = parsed.data;
    const format = parsed.data.format === 'auto' ? detectFormat(filename, content) : parsed.data.format;
    const preview = await frameworks.preview(format, content);
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
    const pending = await frameworks.stagePending(request.user!.id, format, filename, content);
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
    const pending = await frameworks.findPending((request.params as { id: string }).id, request.user!.id);
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
}
