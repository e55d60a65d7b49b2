import type { Driver } from '../../src/platform/db/database';
import { buildTestApp } from '../helpers/app';
import { TestClient } from '../helpers/client';
import { buildUser } from '../helpers/factories';
import { loadShippedFrameworks } from '../../src/features/demo/seed';

/**
 * What the pathway test files start from: the shipped frameworks, and Rhys, a practitioner signed in who has started
 * following the consultant framework; `path` is his pathway's address.
 */
export async function setUpPractitioner(driver: Driver) {
  const t = await buildTestApp(driver);
  await loadShippedFrameworks(t.app.services.frameworks);
  const meUser = await buildUser(t.app, { name: 'Rhys Practitioner', roles: ['practitioner'] });
  const me = new TestClient(t.app);
  await me.signIn(meUser.email, meUser.password);
  await me.get('/pathway');
  const versionId = /<option value="([0-9a-f-]{36})"[^>]*>\s*Consultant practice capability/.exec(me.lastHtml)![1]!;
  const path = (await me.post('/pathway/start', { _csrf: me.csrf(), versionId })).headers.location as string;
  return { t, me, meUser, versionId, path };
}

/** Adds a piece of evidence (an inquiry written up with Gibbs) through the form; answers the redirect to it. */
export function addEvidenceAs(me: TestClient, path: string, title: string) {
  return me.submit(`${path}/evidence`, `${path}/evidence`, {
    kind: 'inquiry',
    title,
    template: 'gibbs',
    reflection: `Reflection on ${title}`,
  });
}

/** The id of the statement an evidence item's link search finds for `q`. */
export async function statementId(c: TestClient, item: string, q: string) {
  const found = await c.get(`${item}?q=${encodeURIComponent(q)}`);
  return /name="statement" value="([0-9a-f-]{36})"/.exec(found.body)![1]!;
}
