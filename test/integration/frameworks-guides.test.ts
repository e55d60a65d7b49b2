import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { setUpFrameworks } from './frameworks-scene';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser } from '../helpers/factories';

describe.each(DRIVERS)('frameworks (%s)', (driver) => {
  let t: TestApp;
  let lead: Awaited<ReturnType<typeof buildUser>>;
  let admin: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    ({ t, lead, admin } = await setUpFrameworks(driver));
  });
  afterAll(async () => t?.close());

  describe('role guides', () => {
    it('ships four guides, renders their Markdown safely, and lets admins edit them', async () => {
      await t.app.services.guides.ensureShipped();
      const list = textOf((await t.app.inject('/guides')).body);
      for (const g of [
        'Advanced clinical practitioner',
        'Nurse consultant',
        'Consultant practitioner',
        'Higher specialist scientist training',
      ])
        expect(list).toContain(g);
      const acp = (await t.app.inject('/guides/advanced-clinical-practitioner')).body;
      expect(acp).toContain('<h2>Getting there</h2>');
      expect(textOf(acp)).toContain('up to three years');
      expect(acp).toContain('href="/frameworks/WM-ADVANCED"');

      const c = new TestClient(t.app);
      await c.signIn(admin.email, admin.password);
      const edit = '/guides/nurse-consultant/edit';
      const preview = await c.submit(edit, edit, {
        title: 'Nurse consultant',
        summary: 's',
        body: 'Hello <script>alert(1)</script> **bold**',
        preview: '1',
      });
      expect(preview.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(preview.body).toContain('<strong>bold</strong>');
      const unknown = await c.submit(edit, edit, {
        title: 'Nurse consultant roles',
        summary: 's',
        body: '## New text',
        frameworkShortName: 'NO-SUCH',
      });
      expect(unknown.statusCode).toBe(400);
      expect(textOf(unknown.body)).toContain('There is no published framework with the short name NO-SUCH');
      expect(
        (await c.submit(edit, edit, { title: 'Nurse consultant roles', summary: 's', body: '## New text' })).statusCode,
      ).toBe(302);
      expect(textOf((await t.app.inject('/guides/nurse-consultant')).body)).toContain('Nurse consultant roles');
      expect(await t.app.services.guides.ensureShipped()).toBe(0);
      expect(textOf((await t.app.inject('/guides/nurse-consultant')).body)).toContain('New text');
      const lc = new TestClient(t.app);
      await lc.signIn(lead.email, lead.password);
      expect((await lc.get(edit)).statusCode).toBe(403);
    });
  });
});

describe('guides on an install without the shipped frameworks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await t.app.services.guides.ensureShipped();
  });
  afterAll(async () => t?.close());

  it('does not link a guide to a framework that is not there, nor offer an example to download', async () => {
    const guide = await t.app.inject({ method: 'GET', url: '/guides/consultant-practitioner' });
    expect(guide.statusCode).toBe(200);
    expect(textOf(guide.body)).not.toContain('See the framework');
    const admin = await buildUser(t.app, { roles: ['admin'] });
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const page = await c.get('/frameworks/import');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Download an example');
  });
});
