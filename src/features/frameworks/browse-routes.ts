import type { FastifyInstance } from 'fastify';
import { sendAttachment } from '../../platform/http/route-helpers';
import { notFound } from '../../platform/errors/http-error';
import { isIllustrative, MAPPED_FROM_PHRASES, MAPPING_PHRASES, PROVENANCE_SOURCES, type Stage } from './model';
import { downloadParams, statementParams, treeFilterQuery } from './schema';
import type { FrameworksService } from './service';
import { canManage, loadVersion, page, urlParams, versionPath } from './pages';

/** Reading frameworks: the list of frameworks (registered apart, first, as it always was). */
export function listRoute(app: FastifyInstance, frameworks: FrameworksService) {
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
}

/** Reading a framework: a version's tree, one statement, the stage matrix and downloads. */
export function browseRoutes(app: FastifyInstance, frameworks: FrameworksService) {
  app.get('/frameworks/:shortName', { config: { permission: 'framework.view' } }, async (request, reply) => {
    const { framework, version } = await loadVersion(frameworks, request);
    return reply.redirect(versionPath(framework, version));
  });

  app.get(
    '/frameworks/:shortName/versions/:label',
    { config: { permission: 'framework.view' } },
    async (request, reply) => {
      const { framework, version } = await loadVersion(frameworks, request);
      const parsed = treeFilterQuery.safeParse(request.query);
      const tree = await frameworks.tree(framework, version, parsed.success ? parsed.data : {});
      const stages = version.stages as Stage[];
      return reply.render(
        'frameworks/views/version.njk',
        page(request, {
          title: `${framework.title}, version ${version.label}`,
          framework,
          version,
          stages,
          stageLabels: Object.fromEntries(stages.map((s) => [s.key, s.label])),
          filter: tree.filter,
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
      const { framework, version } = await loadVersion(frameworks, request);
      const { code } = urlParams(statementParams, request, 'statement');
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
      const { framework, version } = await loadVersion(frameworks, request);
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
      const { version } = await loadVersion(frameworks, request);
      const { format } = urlParams(downloadParams, request, 'format');
      const file = await frameworks.exportFile(version, format);
      return sendAttachment(reply, file.filename, file.contentType, file.content);
    },
  );
}
