import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows } from '../helpers/factories';

describe.each(DRIVERS)('programmes (%s)', (driver) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    t = await buildTestApp(driver);
    admin = await buildUser(t.app, { roles: ['admin'] });
  });
  afterAll(async () => t?.close());

  it('an admin creates a programme with its areas and stakeholder types, and its stages start not started', async () => {
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const form = await c.get('/programmes/new');
    expect(textOf(form.body)).toContain('Learning Disabilities & Autism');
    const res = await c.submit('/programmes/new', '/programmes', {
      name: 'MSK pathway 2026',
      description: 'Co-creating the pathway',
      areas: 'Musculoskeletal\r\nCancer Care\r\n',
      stakeholderTypes: 'Clinician\nPatient or citizen',
    });
    expect(res.statusCode).toBe(302);
    const home = await c.get(res.headers.location as string);
    const text = textOf(home.body);
    expect(text).toContain('MSK pathway 2026');
    expect(text).toContain('Musculoskeletal, Cancer Care');
    expect(text).toContain('0 of 8 stages done');
    const order = [
      'Delphi study',
      'Area workshops',
      'Analysis',
      'Cross-area synthesis',
      'Findings presented back',
      'Consultation',
      'Engagement group agreement',
      'Submission',
    ];
    const positions = order.map((s) => text.indexOf(s));
    expect(positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
  });

  it('a double-clicked create makes one programme', async () => {
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    await c.get('/programmes/new');
    const key = c.hidden('_submission')!;
    const csrf = c.csrf();
    const before = await countRows(t.app, 'programmes');
    const form = { _csrf: csrf, _submission: key, name: 'Double click', areas: 'A', stakeholderTypes: 'B' };
    const [a, b] = await Promise.all([c.post('/programmes', form), c.post('/programmes', form)]);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await countRows(t.app, 'programmes')).toBe(before + 1);
  });

  it.each([
    [{ name: '', areas: 'A', stakeholderTypes: 'B' }, 'Enter a programme name'],
    [{ name: 'X', areas: '', stakeholderTypes: 'B' }, 'Enter at least one clinical area'],
    [{ name: 'Y', areas: 'A\na', stakeholderTypes: 'B' }, 'Each clinical area must appear only once'],
  ])('refuses %o and saves nothing', async (form, message) => {
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const before = await countRows(t.app, 'programmes');
    const res = await c.submit('/programmes/new', '/programmes', form);
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain(message);
    expect(await countRows(t.app, 'programmes')).toBe(before);
  });

  it('refuses a second programme with the same name', async () => {
    await buildProgramme(t.app, { name: 'Taken name' });
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const res = await c.submit('/programmes/new', '/programmes', {
      name: 'taken NAME',
      areas: 'A',
      stakeholderTypes: 'B',
    });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('A programme with this name already exists');
  });

  it('answers 404 for a programme that does not exist', async () => {
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    expect((await c.get('/programmes/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await c.get('/programmes/not-a-uuid')).statusCode).toBe(404);
  });

  it('records changes in the audit log, which admins can filter', async () => {
    const p = await buildProgramme(t.app, { name: 'Audited programme' });
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const res = await c.get(`/admin/audit?entityType=programme&entityId=${p.id}`);
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body)).toContain('programme.created');
    const bad = await c.get('/admin/audit?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Enter the start as a date');
    // Days are UK days: half past midnight on 1 June in London (23:30 UTC on 31 May) belongs to 1 June.
    await t.app.platform.db.execute(
      sql`insert into audit_events (at, actor_label, action, entity_type) values ('2026-05-31T23:30:00Z', 'test', 'test.summer-midnight', 'test')`,
    );
    expect(
      textOf((await c.get('/admin/audit?action=test.summer-midnight&from=2026-06-01&to=2026-06-01')).body),
    ).toContain('test.summer-midnight');
    expect(
      textOf((await c.get('/admin/audit?action=test.summer-midnight&from=2026-05-31&to=2026-05-31')).body),
    ).not.toContain('test.summer-midnight');
  });
});
