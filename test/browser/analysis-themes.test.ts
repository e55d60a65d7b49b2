import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  analysisCoderProgress,
  analysisCodes,
  analysisCodings,
  analysisSources,
} from '../../src/features/analysis/tables';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildProgramme, buildUser } from '../helpers/factories';
import { expectAccessible, hasChromium, launchBrowser, pageWidth, signIn } from './browser';

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: an analyst builds a theme by keyboard and reads the matrix and the cross-area view',
  { timeout: 120_000 },
  () => {
    let t: TestApp;
    let browser: Browser;
    let base: string;
    let page: Page;

    beforeAll(async () => {
      t = await buildTestApp('pglite');
      const [analyst, second] = await Promise.all([buildUser(t.app), buildUser(t.app)]);
      const p = await buildProgramme(t.app, {
        members: [
          { userId: analyst.id, role: 'analyst' },
          { userId: second.id, role: 'analyst' },
        ],
      });
      const db = t.app.platform.db;
      const [code] = await db.insert(analysisCodes).values({ programmeId: p.id, name: 'Protected time' }).returning();
      const areas = ['Cancer Care', 'Learning Disabilities & Autism', 'Musculoskeletal'];
      for (const [i, area] of areas.entries()) {
        const [s] = await db
          .insert(analysisSources)
          .values({
            programmeId: p.id,
            kind: 'workshop-note',
            originId: crypto.randomUUID(),
            title: `Note ${i}`,
            text: `We never get time to learn, said someone in ${area}`,
            attributes: { area, pillar: 'Education', stakeholderType: i ? 'Educator' : 'Clinician' },
            contributorKey: `k${i}`,
            quotable: i !== 1,
          })
          .returning();
        for (const coderId of [analyst.id, second.id]) {
          await db.insert(analysisCoderProgress).values({ sourceId: s!.id, coderId });
          await db.insert(analysisCodings).values({ programmeId: p.id, sourceId: s!.id, codeId: code!.id, coderId });
        }
      }
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      base = `${origin}/programmes/${p.id}/analysis`;
      browser = await launchBrowser();
      page = await (await browser.newContext({ viewport: { width: 375, height: 800 } })).newPage();
      await signIn(page, origin, analyst.email, analyst.password);
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('every page is accessible and fits a phone', async () => {
      await page.goto(`${base}/themes`);
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Create a theme' }).press('Enter');
      await page.waitForURL((u) => u.pathname.endsWith('/themes/new'));
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Create theme' }).press('Enter');
      await expect.poll(() => page.getByText('There is a problem').isVisible()).toBe(true);
      await expectAccessible(page);

      await page.getByLabel('Name', { exact: true }).fill('Time to learn');
      await page.getByRole('checkbox', { name: 'Protected time' }).focus();
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: 'Create theme' }).press('Enter');
      await page.waitForURL((u) => !u.pathname.endsWith('/themes') && !u.pathname.endsWith('/new'));
      await expectAccessible(page);
      expect(await page.locator('main').innerText()).toContain('a clinician in Cancer Care');
      expect(await pageWidth(page)).toBeLessThanOrEqual(375);

      for (const path of ['matrix?by=area', 'matrix?by=stakeholder', 'matrix?by=nonsense', 'common']) {
        await page.goto(`${base}/${path}`);
        await expectAccessible(page);
        expect(await pageWidth(page), path).toBeLessThanOrEqual(375);
      }
      await page.goto(`${base}/matrix?by=area`);
      await page.getByRole('link', { name: /Time to learn, Musculoskeletal/ }).press('Enter');
      await page.waitForURL((u) => u.pathname.endsWith('/matrix/cell'));
      await expectAccessible(page);
      expect(await page.locator('main').innerText()).toContain('someone in Musculoskeletal');
    });
  },
);
