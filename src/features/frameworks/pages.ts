import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { FORMAT_LABELS, UNSTAGED_KEY, UNSTAGED_LABEL, VERSION_STATUS_LABELS } from './model';
import { shownVersionParams } from './schema';
import type { FrameworksService } from './service';
import type { Framework, Version } from './repository';

/** What every frameworks page shares: who may manage, the framework and version in the URL, links to a version. */

export const canManage = (request: FastifyRequest) => can(request.actor, 'framework.manage');

/** The page's view model with the labels every frameworks page uses (never keys): statuses, the unstaged bucket. */
export const page = (request: FastifyRequest, extra: Record<string, unknown>) => ({
  canManage: canManage(request),
  formatLabels: FORMAT_LABELS,
  statusLabels: VERSION_STATUS_LABELS,
  unstagedLabel: UNSTAGED_LABEL,
  unstagedKey: UNSTAGED_KEY,
  ...extra,
});

/** The URL's parameters as the schema reads them, or 404 (naming `what` was not found). */
export function urlParams<S extends z.ZodType>(schema: S, request: FastifyRequest, what: string): z.infer<S> {
  const parsed = schema.safeParse(request.params);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}

/** The framework and version named in the URL (or shown by default), or 404; drafts only for those who manage frameworks. */
export async function loadVersion(frameworks: FrameworksService, request: FastifyRequest) {
  const params = urlParams(shownVersionParams, request, 'framework version');
  const found = await frameworks.find(params.shortName, params.label, canManage(request));
  if (!found) throw notFound('framework version');
  return found;
}

export const versionPath = (f: Framework, v: Version) =>
  `/frameworks/${encodeURIComponent(f.shortName)}/versions/${encodeURIComponent(v.label)}`;
