import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { setUpFrameworks } from './frameworks-scene';
import type { TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import type { buildUser } from '../helpers/factories';

describe.each(DRIVERS)('frameworks (%s)', (driver) => {
  let t: TestApp;
  let lead: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    ({ t, lead } = await setUpFrameworks(driver));
  });
  afterAll(async () => t?.close());

  describe('versions', () => {
    it('drafts are edited, hidden from the public, then published; the old version is superseded and never changes', async () => {
      const c = new TestClient(t.app);
      await c.signIn(lead.email, lead.password);
      const history = '/frameworks/WM-ADVANCED/history';
      const draft = await c.submit(history, '/frameworks/WM-ADVANCED/versions/1.0/draft', { label: '1.1' });
      expect(draft.headers.location).toBe('/frameworks/WM-ADVANCED/versions/1.1');
      expect((await t.app.inject('/frameworks/WM-ADVANCED/versions/1.1')).statusCode).toBe(404);

      const edit = '/frameworks/WM-ADVANCED/versions/1.1/statements/CP.1.1/edit';
      const bad = await c.submit(edit, edit, { text: '', stage: 'advanced' });
      expect(bad.statusCode).toBe(400);
      expect(textOf(bad.body)).toContain('Enter the statement');
      expect(
        (
          await c.submit(edit, edit, {
            text: 'Takes a focused history and examination and reaches a working diagnosis.',
            stage: 'advanced',
          })
        ).statusCode,
      ).toBe(302);
      expect((await c.get('/frameworks/WM-ADVANCED/versions/1.0/statements/CP.1.1/edit')).statusCode).toBe(404);

      await c.get('/frameworks/WM-ADVANCED/versions/1.1');
      expect((await c.post('/frameworks/WM-ADVANCED/versions/1.1/publish', { _csrf: c.csrf() })).statusCode).toBe(302);
      const list = textOf((await t.app.inject('/frameworks/WM-ADVANCED/history')).body);
      expect(list).toMatch(/1\.1 Published/);
      expect(list).toMatch(/1\.0 Superseded/);
      const diff = textOf((await t.app.inject('/frameworks/WM-ADVANCED/compare?from=1.0&to=1.1')).body);
      expect(diff).toContain('Reworded (1)');
      const old = textOf((await t.app.inject('/frameworks/WM-ADVANCED/versions/1.0/statements/CP.1.1')).body);
      expect(old).toContain('Takes a comprehensive history');
      const dup = await c.submit(history, '/frameworks/WM-ADVANCED/versions/1.1/draft', { label: '1.0' });
      expect(dup.statusCode).toBe(400);
      expect(textOf(dup.body)).toContain('Version 1.0 already exists');
    });

    it('asks for both versions when a comparison is submitted with one missing, linking to a field on the page', async () => {
      const res = await t.app.inject('/frameworks/WM-ADVANCED/compare?from=1.0&to=');
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('Choose the version to compare with');
      expect(res.body).toContain('href="#to"');
      expect(res.body).toContain('id="to"');
    });

    it('opening Compare with nothing chosen shows the form at previous → latest, without an error', async () => {
      const res = await t.app.inject('/frameworks/WM-ADVANCED/compare');
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('There is a problem');
      expect(res.body).toMatch(/<option value="1\.0" selected>/);
      expect(res.body).toMatch(/<option value="1\.1" selected>/);
    });
  });
});
