import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildProgramme, buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { expectAccessible, hasChromium, launchBrowser, pageWidth, signIn } from './browser';

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: an analyst finds a workshop note among the sources',
  { timeout: 120_000 },
  () => {
    let t: TestApp;
    let browser: Browser;
    let base: string;
    let consoleUrl: string;
    let programmeId: string;
    let lead: Awaited<ReturnType<typeof buildUser>>;
    let analyst: Awaited<ReturnType<typeof buildUser>>;

    beforeAll(async () => {
      t = await buildTestApp('pglite');
      lead = await buildUser(t.app);
      analyst = await buildUser(t.app);
      const p = await buildProgramme(t.app, {
        members: [
          { userId: lead.id, role: 'lead' },
          { userId: analyst.id, role: 'analyst' },
        ],
      });
      programmeId = p.id;
      const id = await t.app.services.workshops.create(
        p.id,
        {
          kind: 'area',
          title: 'Cancer Care: research',
          area: 'Cancer Care',
          pillar: 'Research',
          startsAt: null,
          place: 'Room 2',
          onlineUrl: '',
          anonymous: false,
          facilitatorsSeeIdentity: false,
          templateId: null,
        },
        lead.id,
        SYSTEM_CONTEXT,
      );
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      consoleUrl = `${base}/programmes/${p.id}/workshops/${id}`;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('shows the hub, the sources (searched and filtered, by keyboard) and one source, with no axe violations', async () => {
      // The lead adds a note for the room in a running workshop.
      const facilitator = await (await browser.newContext()).newPage();
      await signIn(facilitator, base, lead.email, lead.password);
      await facilitator.goto(consoleUrl);
      await facilitator.getByRole('button', { name: 'Start this activity' }).first().click();
      for (const text of ['Protected time for research <b>every</b> week', 'Mentors in other trusts']) {
        await facilitator.getByLabel('Note, for example from a flipchart').fill(text);
        await facilitator.getByRole('button', { name: 'Add note' }).click();
        await facilitator.getByText('Note added').first().waitFor();
      }

      // The analyst opens the analysis from the programme's Analysis stage.
      const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      await signIn(page, base, analyst.email, analyst.password);
      await page.goto(`${base}/programmes/${programmeId}/stages/analysis`);
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Open the analysis' }).click();
      await page.getByRole('heading', { name: 'Analysis', level: 1 }).waitFor();
      expect(await page.textContent('main')).toContain('2 sources to analyse');
      await expectAccessible(page);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);

      await page.getByRole('link', { name: 'Browse and search the sources' }).click();
      await expectAccessible(page);
      await page.getByLabel('Search the text').fill('weekly protected');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: /1 source matching/ }).waitFor();
      expect(await page.locator('mark').allTextContents()).toEqual(['Protected', 'week']);
      expect(await page.textContent('main')).toContain('<b>every</b>');
      await expectAccessible(page);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);

      // A filter no source has, chosen by keyboard, is a clear message.
      await page.goto(`${base}/programmes/${programmeId}/analysis/sources?area=Nowhere`);
      expect(await page.textContent('main')).toContain('There are no sources from that area');
      await expectAccessible(page);
      await page.goto(`${base}/programmes/${programmeId}/analysis/sources`);
      await page.getByText('Filter by kind and attributes').click();
      await page.getByLabel('Area').selectOption({ label: 'Cancer Care' });
      await page.getByRole('button', { name: 'Search and filter' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: '2 sources matching the filters' }).waitFor();
      await expectAccessible(page);

      await page
        .getByRole('link', { name: /Cancer Care: research/ })
        .first()
        .click();
      await page.getByRole('heading', { name: 'Where it came from' }).waitFor();
      expect(await page.textContent('main')).toContain('Cancer Care');
      await expectAccessible(page);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    });
  },
);
