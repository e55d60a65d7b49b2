import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { analysisThemeCodes, analysisThemes } from '../../src/features/analysis/tables';
import { insertCode, insertCodedNote, setUpAnalysisScene, type AnalysisScene } from './analysis-scene';
import { expectAccessible, hasChromium, pageWidth } from './browser';

const PHONE = { width: 390, height: 844 };

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: representatives check a theme by link on a phone, by keyboard; the analyst then marks it defined',
  { timeout: 120_000 },
  () => {
    let scene: AnalysisScene | undefined;
    let browser: Browser;
    let origin: string;
    let base: string;
    let themeId: string;
    let analyst: Page;

    beforeAll(async () => {
      scene = await setUpAnalysisScene(2);
      const { db, programme: p } = scene;
      const code = await insertCode(scene, 'Protected time');
      const [theme] = await db
        .insert(analysisThemes)
        .values({ programmeId: p.id, name: 'Time to learn', definition: 'Time set aside to learn at work' })
        .returning();
      themeId = theme!.id;
      await db.insert(analysisThemeCodes).values({ themeId, codeId: code.id });
      await insertCodedNote(scene, code.id, {
        title: 'A note',
        text: 'We never get time to learn',
        attributes: { area: 'Cancer Care', stakeholderType: 'Clinician' },
        contributorKey: 'k1',
        quotable: true,
      });
      ({ origin, browser } = scene);
      base = `${origin}${scene.analysis}`;
      analyst = await scene.signedIn(scene.analysts[0]!, PHONE);
    });
    afterAll(() => scene?.close());

    it('a link made, a theme reviewed by a representative, the review on the theme page: axe clean throughout', async () => {
      await analyst.goto(`${base}/themes`);
      await analyst.getByRole('link', { name: 'Ask representatives to check the themes' }).press('Enter');
      await analyst.waitForURL((u) => u.pathname.endsWith('/analysis/review'));
      await expectAccessible(analyst);
      await analyst.getByRole('button', { name: 'Make the review link' }).press('Enter');
      await expect.poll(() => analyst.getByText('There is a problem').isVisible()).toBe(true);
      await expectAccessible(analyst);
      await analyst.getByRole('checkbox', { name: 'Time to learn' }).focus();
      await analyst.keyboard.press('Space');
      await analyst.getByRole('button', { name: 'Make the review link' }).press('Enter');
      await expect.poll(() => analyst.locator('#review-link').isVisible()).toBe(true);
      await expectAccessible(analyst);
      expect(await pageWidth(analyst)).toBeLessThanOrEqual(PHONE.width);
      const link = (await analyst.locator('#review-link').innerText()).trim();

      // The representative: another phone, no account.
      const rep = await (await browser.newContext({ viewport: PHONE })).newPage();
      await rep.goto(`${origin}/review/not-a-link-at-all-0123456789`);
      await expectAccessible(rep);
      await rep.goto(`${origin}${new URL(link).pathname}`);
      await rep.waitForURL((u) => u.pathname.endsWith('/review'));
      await expectAccessible(rep);
      expect(await pageWidth(rep)).toBeLessThanOrEqual(PHONE.width);
      await rep.getByLabel('Your area').focus();
      await rep.keyboard.type('Cancer');
      await rep.getByLabel('Your role').focus();
      await rep.keyboard.type('Clinician');
      await rep.getByRole('button', { name: 'Start checking the themes' }).press('Enter');
      await rep.waitForURL((u) => u.pathname.includes('/review/themes/'));
      await expectAccessible(rep);
      expect(await rep.locator('main').innerText()).toContain('We never get time to learn');
      await rep.getByRole('radio', { name: 'Refine' }).focus();
      await rep.keyboard.press('Space');
      await rep.getByRole('button', { name: 'Save my answer' }).press('Enter');
      await expect.poll(() => rep.getByText('There is a problem').isVisible()).toBe(true);
      await expectAccessible(rep);
      await rep.getByLabel('Your comment').focus();
      await rep.keyboard.type('Say protected time for learning');
      await rep.getByRole('button', { name: 'Save my answer' }).press('Enter');
      await rep.waitForURL((u) => u.pathname.endsWith('/review'));
      expect(await rep.locator('main').innerText()).toContain('you have answered every theme');
      await expectAccessible(rep);

      await analyst.goto(`${base}/themes/${themeId}`);
      await expectAccessible(analyst);
      const record = await analyst.locator('main').innerText();
      expect(record).toContain('A clinician in Cancer Care');
      expect(record).toContain('Say protected time for learning');
      await analyst.getByRole('link', { name: /Edit the theme/ }).press('Enter');
      await analyst.waitForURL((u) => u.pathname.endsWith('/edit'));
      await expectAccessible(analyst);
      await analyst.getByRole('radio', { name: 'Defined' }).focus();
      await analyst.keyboard.press('Space');
      await analyst.getByRole('button', { name: 'Save theme' }).press('Enter');
      await analyst.waitForURL((u) => u.pathname.endsWith(themeId));
      expect(await analyst.locator('main').innerText()).toContain('Theme · Defined');
    });
  },
);
