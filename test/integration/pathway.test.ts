import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/database';
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
    const future = await me.submit('/pathway/profile', '/pathway/profile', {
      profession: 'Physiotherapist',
      consultantPostStart: '2099-01-01',
    });
    expect(textOf(future.body)).toContain('The start date must be today or in the past');
    const noReason = await me.submit('/pathway/profile', '/pathway/profile', {
      profession: 'Physiotherapist',
      stageOverride: 'years-3-5',
    });
    expect(textOf(noReason.body)).toContain('Say why your stage differs');
    const started = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
    expect(
      (
        await me.submit('/pathway/profile', '/pathway/profile', {
          profession: 'Physiotherapist',
          consultantPostStart: started,
        })
      ).statusCode,
    ).toBe(302);
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
    const html = (await me.get(path)).body;
    expect(html).toContain('aria-labelledby="progress-chart-title"'); // two points in time: the chart is drawn
    expect((html.match(/<polyline /g) ?? []).length).toBeGreaterThanOrEqual(2); // one line per domain
    const bad = await me.post(`${path}/assess`, { _csrf: me.csrf(), [unique[0]!]: 'expert' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Choose one of the levels');
  });

  it('adds evidence, refusing what could identify a patient, and links it to statements by search', async () => {
    const list = `${path}/evidence`;
    const bad = await me.submit(list, list, {
      kind: 'practice-episode',
      title: 'Clinic',
      template: 'none',
      reflection: 'Saw 943 476 5919 in clinic',
    });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('contains what looks like an NHS number (943 476 5919)');
    const noKind = await me.submit(list, list, { kind: '', title: '' });
    expect(textOf(noKind.body)).toContain('Choose the kind of evidence');
    expect(textOf(noKind.body)).toContain('Give the evidence a title');
    const made = await me.submit(list, list, {
      kind: 'improvement',
      title: 'Redesigned the MSK triage pathway',
      occurredOn: '2026-10-14',
      template: 'what-so-what',
      reflection: 'What happened: waits fell by a third.',
    });
    expect(made.statusCode).toBe(302);
    // A doubled submit (same form, same key) adds the evidence once and lands on the same page.
    await me.get(list);
    const form = {
      _csrf: me.csrf(),
      _submission: me.hidden('_submission'),
      kind: 'teaching',
      title: 'Submitted twice',
      template: 'none',
    };
    const first = await me.post(list, form);
    const second = await me.post(list, form);
    expect(second.headers.location).toBe(first.headers.location);
    expect(
      (
        await queryRows<{ n: number }>(
          t.app.platform.db,
          sql`select count(*)::int as n from evidence where title = 'Submitted twice'`,
        )
      )[0]!.n,
    ).toBe(1);
    const item = made.headers.location as string;
    const found = await me.get(`${item}?q=${encodeURIComponent('service quality')}`);
    expect(textOf(found.body)).toContain(
      '2.1.3 Holds accountability for the clinical quality and outcomes of a service.',
    );
    const statement = /name="statement" value="([0-9a-f-]{36})"/.exec(found.body)![1]!;
    expect(
      (await me.post(`${item}/links`, { _csrf: me.csrf(), statement, reason: 'I led the redesign' })).statusCode,
    ).toBe(302);
    expect(
      (await me.post(`${item}/links`, { _csrf: me.csrf(), statement, reason: 'I led the redesign and its audit' }))
        .statusCode,
    ).toBe(302);
    expect(await countRows(t.app, 'evidence_links')).toBe(1);
    const foreign = await me.post(`${item}/links`, {
      _csrf: me.csrf(),
      statement: '00000000-0000-4000-8000-000000000000',
    });
    expect(textOf(foreign.body)).toContain('That statement is not in the framework this pathway follows');
    const page = textOf((await me.get(item)).body);
    expect(page).toContain('Why: I led the redesign and its audit');
  });

  it('deletes evidence after asking, with its stored files, but not while it waits for confirmation', async () => {
    const list = `${path}/evidence`;
    const made = await me.submit(list, list, { kind: 'reflection', title: 'A draft to delete', template: 'none' });
    const item = made.headers.location as string;
    await me.upload(item, `${item}/attachments`, {}, { field: 'file', filename: 'notes.txt', content: 'Plain notes' });
    const key = (
      await queryRows<{ key: string }>(
        t.app.platform.db,
        sql`select storage_key as key from evidence_attachments where evidence_id = ${item.split('/').pop()!}`,
      )
    )[0]!.key;
    const ask = await me.get(`${item}/delete`);
    expect(textOf(ask.body)).toContain('Delete “A draft to delete”?');
    expect(textOf(ask.body)).toContain('1 attached file');
    expect((await me.post(`${item}/delete`, { _csrf: me.csrf() })).headers.location).toBe(list);
    expect((await me.get(item)).statusCode).toBe(404);
    await expect(t.app.services.plans.files.read(key)).rejects.toThrow();

    const waiting = (
      await me.submit(list, list, { kind: 'reflection', title: 'Out for confirmation', template: 'none' })
    ).headers.location as string;
    await me.submit(waiting, `${waiting}/confirmation`, { name: 'Col League', email: 'col@trust.example' });
    await me.get(waiting);
    const refused = await me.post(`${waiting}/delete`, { _csrf: me.csrf() });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Withdraw the confirmation request before deleting');
    expect((await me.get(waiting)).statusCode).toBe(200);
  });

  it('shows the evidence matrix with coverage by domain and the gaps', async () => {
    const page = textOf((await me.get(`${path}/matrix`)).body);
    expect(page).toContain('1 of 13 statements have evidence; 12 still need some');
    expect(page).toMatch(/2 Strategic and enabling leadership: 1 of \d+/);
    expect(page).toContain('Redesigned the MSK triage pathway');
    const all = textOf((await me.get(`${path}/matrix?stage=all`)).body);
    expect(all).toContain('1 of 45 statements have evidence');
  });

  it('follows an area framework alongside the core one, and only a published area framework', async () => {
    const page = await me.get(path);
    const msk = /<option value="([0-9a-f-]{36})"[^>]*>\s*Musculoskeletal area framework/.exec(page.body)![1]!;
    const core = /<option value="([0-9a-f-]{36})"/.exec((await me.get('/pathway')).body)![1]!;
    await me.get(path);
    const wrong = await me.post(`${path}/area`, { _csrf: me.csrf(), areaVersionId: core });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('Choose a published area framework');
    expect((await me.post(`${path}/area`, { _csrf: me.csrf(), areaVersionId: msk })).statusCode).toBe(302);
    const withArea = textOf((await me.get(path)).body);
    expect(withArea).toContain('with Musculoskeletal area framework');
    expect(withArea).toMatch(/of 1[4-9] statements for your stage assessed/); // 13 core + the area's for this stage
    expect(withArea).toMatch(/MSK\.\d\.\d /);
    const found = textOf((await me.get(`${path}/evidence`)).body);
    expect(found).toContain('Redesigned the MSK triage pathway');
    const matrix = textOf((await me.get(`${path}/matrix?stage=all`)).body);
    expect(matrix).toMatch(/of (4[6-9]|5\d) statements have evidence/);
    await me.get(path);
    expect((await me.post(`${path}/area`, { _csrf: me.csrf(), areaVersionId: '' })).statusCode).toBe(302);
    expect(textOf((await me.get(path)).body)).toContain('of 13 statements for your stage assessed');
  });

  it('keeps each pathway private to its practitioner', async () => {
    const other = await buildUser(t.app, { roles: ['practitioner'] });
    const c = new TestClient(t.app);
    await c.signIn(other.email, other.password);
    expect((await c.get(path)).statusCode).toBe(404);
    expect((await c.get(`${path}/evidence`)).statusCode).toBe(404);
    expect((await c.get(`${path}/matrix`)).statusCode).toBe(404);
  });
});
