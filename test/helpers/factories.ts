import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { GRADE_9, parseRule } from '../../src/stats/consensus';
import type { PlatformRole, ProgrammeRole } from '../../src/platform/auth/policy';
import { queryRows } from '../../src/platform/db/database';
import { TestClient } from './client';

export const PASSWORD = 'correct horse battery staple';

/** A registered user; `overrides` change any field. */
export async function buildUser(
  app: FastifyInstance,
  overrides: { email?: string; name?: string; password?: string; roles?: PlatformRole[] } = {},
) {
  const suffix = randomBytes(4).toString('hex');
  const email = overrides.email ?? `user-${suffix}@example.nhs.uk`;
  const password = overrides.password ?? PASSWORD;
  const user = await app.services.accounts.register(
    { email, name: overrides.name ?? `Test User ${suffix}`, password },
    SYSTEM_CONTEXT,
    overrides.roles ?? [],
  );
  return { ...user, password };
}

/** A programme with the default areas and stakeholder types, and optionally members by role. */
export async function buildProgramme(
  app: FastifyInstance,
  overrides: { name?: string; members?: { userId: string; role: ProgrammeRole }[] } = {},
) {
  const id = await app.services.programmes.create(
    {
      name: overrides.name ?? `Programme ${randomBytes(4).toString('hex')}`,
      description: 'A test programme',
      areas: [],
      stakeholderTypes: [],
    },
    null,
    SYSTEM_CONTEXT,
  );
  for (const m of overrides.members ?? [])
    await app.services.programmes.addMember(app.platform.db, { programmeId: id, ...m }, SYSTEM_CONTEXT);
  return (await app.services.programmes.get(id))!;
}

/** The most recent email to `to`, from the outbox. */
export async function lastEmailTo(app: FastifyInstance, to: string) {
  const rows = await queryRows<{ subject: string; text: string; status: string }>(
    app.platform.db,
    sql`select subject, text, status from outbox where "to" = ${to} order by created_at desc limit 1`,
  );
  return rows[0];
}

/** The first link to this app in an email's text, as a path. */
export function linkIn(text: string): string {
  const m = /http:\/\/localhost:3000(\/\S+)/.exec(text);
  if (!m) throw new Error(`no link in: ${text}`);
  return m[1]!;
}

export async function countRows(app: FastifyInstance, table: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    app.platform.db,
    sql`select count(*)::int as n from ${sql.identifier(table)}`,
  );
  return rows[0]!.n;
}

/**
 * A practitioner and a supervisor, each signed in on their own client, with the practitioner following the
 * illustrative consultant framework (the shipped frameworks must be loaded). `path` is the new pathway's page.
 */
export async function startPractitionerWithSupervisor(
  app: FastifyInstance,
  names: { practitioner: string; supervisor: string },
) {
  const meUser = await buildUser(app, { name: names.practitioner, roles: ['practitioner'] });
  const supUser = await buildUser(app, { name: names.supervisor, roles: ['supervisor'] });
  const me = new TestClient(app);
  await me.signIn(meUser.email, meUser.password);
  const sup = new TestClient(app);
  await sup.signIn(supUser.email, supUser.password);
  await me.get('/pathway');
  const versionId = /<option value="([0-9a-f-]{36})"[^>]*>\s*Consultant practice capability/.exec(me.lastHtml)![1]!;
  const path = (await me.post('/pathway/start', { _csrf: me.csrf(), versionId })).headers.location as string;
  return { meUser, supUser, me, sup, path };
}

type StudySettingsInput = Parameters<FastifyInstance['services']['delphi']['createStudy']>[1];

/**
 * A programme led by a new user, with a Delphi study on GRADE 1–9 under COMET 70/15 (settings overridable).
 * `base` is the study's page.
 */
export async function buildDelphiStudy(
  app: FastifyInstance,
  settings: Partial<StudySettingsInput> & { title: string },
) {
  const lead = await buildUser(app);
  const programme = await buildProgramme(app, { members: [{ userId: lead.id, role: 'lead' }] });
  const delphi = app.services.delphi;
  const id = await delphi.createStudy(
    programme.id,
    {
      purpose: '',
      scale: GRADE_9,
      allowUnable: true,
      rule: parseRule('comet'),
      quartileMethod: 7,
      everyGroup: false,
      reasonDistance: null,
      namesInExports: false,
      withSuggestions: false,
      ...settings,
    },
    lead.id,
    SYSTEM_CONTEXT,
  );
  const study = (await delphi.getStudy(id))!;
  return { lead, programme, study, base: `/programmes/${programme.id}/delphi/${id}` };
}
