import type { FastifyInstance, FastifyRequest } from 'fastify';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { isIllustrative, type Stage } from './model';
import { COMPARE_MESSAGES, compareQuery, newDraftForm } from './schema';
import type { FrameworksService } from './service';
import type { Framework } from './repository';
import { canManage, loadVersion, page, versionPath } from './pages';

/** A framework's versions: the history, comparing two versions, a new draft, publishing a draft. */
export function versionRoutes(app: FastifyInstance, frameworks: FrameworksService) {
  const versionsOf = async (framework: Framework, withDrafts: boolean) =>
    (await frameworks.versions(framework.id, withDrafts)).map((v) => ({ ...v, href: versionPath(framework, v) }));

  const historyPage = async (request: FastifyRequest, framework: Framework, form?: FormState, draftFrom?: string) => {
    const versions = await versionsOf(framework, canManage(request));
    return page(request, {
      title: `Versions of ${framework.title}`,
      framework,
      versions,
      form: form ?? emptyForm({ from: versions[1]?.label, to: versions[0]?.label }),
      ...(draftFrom ? { draftFrom } : {}),
    });
  };

  app.get('/frameworks/:shortName/history', { config: { permission: 'framework.view' } }, async (request, reply) => {
    const { framework } = await loadVersion(frameworks, request);
    return reply.render('frameworks/views/history.njk', await historyPage(request, framework));
  });

  app.get('/frameworks/:shortName/compare', { config: { permission: 'framework.view' } }, async (request, reply) => {
    const { framework } = await loadVersion(frameworks, request);
    const q = request.query as Record<string, unknown>;
    const withDrafts = canManage(request);
    // Each version chosen, when it is a label this person can see.
    const chosen = async (field: 'from' | 'to') => {
      const label = compareQuery.shape[field].safeParse(q[field]);
      return label.success ? frameworks.find(framework.shortName, label.data, withDrafts) : undefined;
    };
    const [a, b] = await Promise.all([chosen('from'), chosen('to')]);
    if (!a || !b) {
      const versions = await versionsOf(framework, withDrafts);
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
      if (!a) errors.from = COMPARE_MESSAGES.from;
      if (!b) errors.to = COMPARE_MESSAGES.to;
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

  app.post(
    '/frameworks/:shortName/versions/:label/draft',
    { config: { permission: 'framework.manage' } },
    async (request, reply) => {
      const { framework, version } = await loadVersion(frameworks, request);
      const fail = async (form: FormState) =>
        reply.render('frameworks/views/history.njk', await historyPage(request, framework, form, version.label), 400);
      const parsed = parseForm(newDraftForm, request.body, ['label']);
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
      const { framework, version } = await loadVersion(frameworks, request);
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
}
