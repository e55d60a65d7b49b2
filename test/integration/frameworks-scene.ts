import { expect } from 'vitest';
import type { Driver } from '../../src/platform/db/database';
import { buildTestApp } from '../helpers/app';
import { buildProgramme, buildUser } from '../helpers/factories';
import { loadShippedFrameworks } from '../../src/features/demo/seed';

/** What every frameworks test file starts from: the five shipped frameworks, a programme lead and an admin. */
export async function setUpFrameworks(driver: Driver) {
  const t = await buildTestApp(driver);
  expect(await loadShippedFrameworks(t.app.services.frameworks)).toBe(5);
  const lead = await buildUser(t.app);
  const admin = await buildUser(t.app, { roles: ['admin'] });
  await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
  return { t, lead, admin };
}
