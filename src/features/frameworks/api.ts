import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiRegistry } from '../../platform/http/api';
import { can } from '../../platform/auth/policy';
import { HttpError } from '../../platform/errors/http-error';
import { FORMATS, MAX_IMPORT_BYTES } from './model';
import { compareQuery, exportQuery, frameworkParams, importRequest, statementParams, versionParams } from './schema';
import type { FrameworksService } from './service';

/** The frameworks JSON API: the same schemas (schema.ts) and service as the pages. Response schemas are here. */
export function frameworksApi(api: ApiRegistry, frameworks: FrameworksService): void {
  const versionSummary = z.object({
    label: z.string(),
    status: z.enum(['draft', 'published', 'superseded']),
    publishedAt: z.string().nullable(),
    changedAt: z.string(),
  });
  const manages = (request: FastifyRequest) => can(request.actor, 'framework.manage');
  const summary = (v: { label: string; status: string; publishedAt: string | null; changedAt: Date }) => ({
    label: v.label,
    status: v.status as 'draft',
    publishedAt: v.publishedAt,
    changedAt: v.changedAt.toISOString(),
  });

  api.route(
    {
      method: 'GET',
      path: '/frameworks',
      tag: 'Frameworks',
      summary: 'Frameworks with the version shown by default (drafts only for people who manage frameworks)',
      permission: 'framework.view',
      response: z.object({
        frameworks: z.array(
          z.object({
            shortName: z.string(),
            title: z.string(),
            publisher: z.string(),
            kind: z.enum(['core', 'area']),
            area: z.string().nullable(),
            version: versionSummary,
          }),
        ),
      }),
    },
    async ({ request }) => ({
      frameworks: (await frameworks.list(manages(request))).map((r) => ({
        shortName: r.framework.shortName,
        title: r.framework.title,
        publisher: r.framework.publisher,
        kind: r.framework.kind as 'core',
        area: r.framework.area,
        version: summary(r.version!),
      })),
    }),
  );

  api.route(
    {
      method: 'GET',
      path: '/frameworks/:shortName/versions/:label',
      tag: 'Frameworks',
      summary:
        'A framework version as a Waymark JSON document: domains, capabilities, statements with stages, impacts and mappings',
      permission: 'framework.view',
      params: versionParams,
      response: z.record(z.string(), z.unknown()).describe('A Waymark JSON framework document'),
    },
    async ({ params, request }) => {
      const found = await frameworks.find(params.shortName, params.label, manages(request));
      return found ? frameworks.docOf(found.version) : undefined;
    },
  );

  api.route(
    {
      method: 'GET',
      path: '/frameworks/:shortName/versions/:label/statements/:code',
      tag: 'Frameworks',
      summary: 'One statement (or any item) with its ancestors, mappings and provenance links',
      permission: 'framework.view',
      params: statementParams,
      response: z.object({
        code: z.string(),
        type: z.string(),
        text: z.string(),
        stage: z.string().nullable(),
        stageLabel: z.string().nullable(),
        area: z.string().nullable(),
        ancestors: z.array(z.object({ code: z.string(), type: z.string(), text: z.string() })),
        mappedFrom: z.array(z.object({ shortName: z.string(), code: z.string(), kind: z.string() })),
        mapsTo: z.array(z.object({ shortName: z.string(), code: z.string(), kind: z.string() })),
        provenance: z.array(
          z.object({ sourceType: z.string(), sourceId: z.string(), label: z.string(), detail: z.string() }),
        ),
      }),
    },
    async ({ params, request }) => {
      const found = await frameworks.find(params.shortName, params.label, manages(request));
      if (!found) return undefined;
      const s = await frameworks.statement(found.framework, found.version, params.code);
      if (!s) return undefined;
      return {
        code: s.item.code,
        type: s.item.type,
        text: s.item.text,
        stage: s.item.stage,
        stageLabel: s.stageLabel,
        area: s.item.area,
        ancestors: s.ancestors.map((a) => ({ code: a.code, type: a.type, text: a.text })),
        mappedFrom: s.mappedFrom.map((m) => ({ shortName: m.shortName, code: m.fromCode, kind: m.kind })),
        mapsTo: s.mapsTo.map((m) => ({ shortName: m.toFramework, code: m.toCode, kind: m.kind })),
        provenance: s.provenance.map((p) => ({
          sourceType: p.sourceType,
          sourceId: p.sourceId,
          label: p.label,
          detail: p.detail,
        })),
      };
    },
  );

  const change = z.object({
    code: z.string(),
    type: z.string(),
    before: z
      .object({ code: z.string(), text: z.string(), stage: z.string().nullable(), parentCode: z.string().nullable() })
      .optional(),
    after: z
      .object({ code: z.string(), text: z.string(), stage: z.string().nullable(), parentCode: z.string().nullable() })
      .optional(),
    changes: z.array(z.string()),
  });
  api.route(
    {
      method: 'GET',
      path: '/frameworks/:shortName/diff',
      tag: 'Frameworks',
      summary: 'What changed between two versions: added, removed, reworded, moved and stage changed',
      permission: 'framework.view',
      params: frameworkParams,
      query: compareQuery,
      response: z.object({
        from: z.string(),
        to: z.string(),
        added: z.array(change),
        removed: z.array(change),
        reworded: z.array(change),
        moved: z.array(change),
        stageChanged: z.array(change),
        unchanged: z.number(),
      }),
    },
    async ({ params, query, request }) => {
      const [a, b] = await Promise.all([
        frameworks.find(params.shortName, query.from, manages(request)),
        frameworks.find(params.shortName, query.to, manages(request)),
      ]);
      if (!a || !b) return undefined;
      const d = await frameworks.diff(a.version, b.version);
      const slim = (c: (typeof d.added)[number]) => ({
        code: c.code,
        type: c.type,
        changes: c.changes,
        ...(c.before
          ? {
              before: {
                code: c.before.code,
                text: c.before.text,
                stage: c.before.stage,
                parentCode: c.before.parentCode,
              },
            }
          : {}),
        ...(c.after
          ? { after: { code: c.after.code, text: c.after.text, stage: c.after.stage, parentCode: c.after.parentCode } }
          : {}),
      });
      return {
        from: query.from,
        to: query.to,
        added: d.added.map(slim),
        removed: d.removed.map(slim),
        reworded: d.reworded.map(slim),
        moved: d.moved.map(slim),
        stageChanged: d.stageChanged.map(slim),
        unchanged: d.unchanged,
      };
    },
  );

  api.route(
    {
      method: 'GET',
      path: '/frameworks/:shortName/versions/:label/export',
      tag: 'Frameworks',
      summary: 'The version in CASE 1.1 JSON, CSV or Waymark JSON, as text',
      permission: 'framework.view',
      params: versionParams,
      query: exportQuery,
      response: z.object({ format: z.enum(FORMATS), filename: z.string(), content: z.string() }),
    },
    async ({ params, query, request }) => {
      const found = await frameworks.find(params.shortName, params.label, manages(request));
      if (!found) return undefined;
      const file = await frameworks.exportFile(found.version, query.format);
      return { format: query.format, filename: file.filename, content: file.content };
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/frameworks/import',
      tag: 'Frameworks',
      summary: 'Import a framework file; a file for an existing framework becomes a new version',
      description:
        'Nothing is imported when the file has problems: the 400 answer lists each one in error.fields, keyed by line or item.',
      permission: 'framework.manage',
      status: 201,
      body: importRequest,
      textGuard: { files: { content: MAX_IMPORT_BYTES } },
      response: z.object({ shortName: z.string(), label: z.string(), status: z.string(), items: z.number() }),
    },
    async ({ body, request }) => {
      const preview = await frameworks.preview(body.format, body.content);
      if (!preview.ok) {
        throw new HttpError(
          400,
          `The file has ${preview.problems.length} problem(s); nothing was imported`,
          'invalid_file',
          Object.fromEntries(
            preview.problems.map((p, i) => [
              `${p.where}${preview.problems.findIndex((q) => q.where === p.where) === i ? '' : ` (${i + 1})`}`,
              p.message,
            ]),
          ),
        );
      }
      const version = await frameworks.importDoc(preview.doc, request.user!.id, request.auditContext());
      return {
        shortName: preview.doc.framework.shortName,
        label: version.label,
        status: version.status,
        items: preview.doc.items.length,
      };
    },
  );
}
