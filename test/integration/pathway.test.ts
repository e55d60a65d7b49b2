import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows } from '../helpers/factories';
import { loadShippedFrameworks } from '../../src/features/demo/seed';

describe.each(DRIVERS)('practitioner pathway (%s)', (driver) => {
  let t: TestApp;
  let me: TestClient;
  let path: string;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await loadShippedFrameworks(t.app.services.frameworks);
    const u = await buildUser(t.app, { roles: ['practitioner'] });
    me = new TestClient(t.app);
    await me.signIn(u.email, u.password);
  });
  afterAll(async () => t?.close());

  it('derives the stage from the consultant post start date, and takes an override only with a reason', async () => {
    const home = textOf((await me.get('/pathway')).body);
    expect(home).toContain('Transition from advanced to consultant practice');
    const future = await me.submit('/pathway/profile', '/pathway/profile', { profession: 'Physiotherapist', consultantPostStart: '2099-01-01' });
    expect(textOf(future.body)).toContain('The start date must be today or in the past');
    const noReason = await me.submit('/pathway/profile', '/pathway/profile', { profession: 'Physiotherapist', stageOverride: 'years-3-5' });
    expect(textOf(noReason.body)).toContain('Say why your stage differs');
    const started = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
    expect((await me.submit('/pathway/profile', '/pathway/profile', { profession: 'Physiotherapist', consultantPostStart: started })).statusCode).toBe(302);
    expect(textOf((await me.get('/pathway')).body)).toContain('Years 1 to 3 in post');
  });

  it('follows a published framework once, and shows the statements for the stage', async () => {
    await me.get('/pathway');
    const versionId = /<option value="([0-9a-f-]{36})"[^>]*>\s*Consultant practice capability/.exec(me.lastHtml)![1]!;
    const a = await me.post('/pathway/start', { _csrf: me.csrf(), versionId });
    const b = await me.post('/pathway/start', { _csrf: me.csrf(), versionId });
    expect(a.headers.location).toBe(b.headers.location);
    expect(await countRows(t.app, 'pathways')).toBe(1);
    path = a.headers.location as string;
    const page = textOf((await me.get(path)).body);
    expect(page).toContain('Self-assessment: Years 1 to 3 in post');
    expect(page).toContain('0 of 13 statements for your stage assessed');
    expect(page).toContain('1.1.3 Is the point of referral for the most complex cases across a service.');
    expect(page).not.toContain('1.1.2 Manages presentations');
  });

  it('records self-assessments over time, only what changed, and lists learning needs', async () => {
    await me.get(path);
    const ids = [...me.lastHtml.matchAll(/name="(level-[0-9a-f-]{36})"/g)].map((m) => m[1]!);
    const unique = [...new Set(ids)];
    const first = Object.fromEntries(unique.map((k, i) => [k, i < 3 ? 'confident' : 'developing']));
    expect((await me.post(`${path}/assess`, { _csrf: me.csrf(), ...first })).statusCode).toBe(302);
    expect(await countRows(t.app, 'self_assessments')).toBe(13);
    await me.get(path);
    const again = await me.post(`${path}/assess`, { _csrf: me.csrf(), ...first, [unique[3]!]: 'evidenced' });
    expect(again.statusCode).toBe(302);
    expect(await countRows(t.app, 'self_assessments')).toBe(14);
    const page = textOf((await me.get(path)).body);
    expect(page).toContain('13 of 13 statements for your stage assessed');
    expect(page).toContain('What to work on next');
    expect(page).toMatch(/And \d+ more below “confident”/);
    expect(page).toContain('Statements at “confident” or “evidenced”, by domain, after each self-assessment');
    const bad = await me.post(`${path}/assess`, { _csrf: me.csrf(), [unique[0]!]: 'expert' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Choose one of the levels');
  });

  it('keeps each pathway private to its practitioner', async () => {
    const other = await buildUser(t.app, { roles: ['practitioner'] });
    const c = new TestClient(t.app);
    await c.signIn(other.email, other.password);
    expect((await c.get(path)).statusCode).toBe(404);
  });
});
