import { z } from 'zod';
import { PLATFORM_ROLES } from '../../platform/auth/policy';

/** The page of a long list; anything odd is the first page. */
export const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

const dateQuery = (label: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.iso.date({ message: `Enter ${label} as a date, like 2026-11-21` }).optional());

/** The audit log's filters. */
export const auditQuery = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(254).optional(),
  entityType: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(100).optional(),
  from: dateQuery('the start'),
  to: dateQuery('the end'),
});
export type AuditQuery = z.infer<typeof auditQuery>;

/** Searching the users: a name or email, at most 100 characters. */
export const userSearchQuery = z.object({
  q: z
    .string()
    .catch('')
    .transform((v) => v.trim().slice(0, 100)),
});

/** Giving or removing a platform role. */
export const roleBody = z.object({
  role: z.enum(PLATFORM_ROLES, { message: 'Choose a role' }),
  grant: z.enum(['true', 'false']),
});
