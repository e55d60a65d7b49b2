import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { insertCode, insertCodedNote, setUpAnalysisScene, type AnalysisScene } from './analysis-scene';
import { expectAccessible, hasChromium, pageWidth } from './browser';

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: an analyst builds a theme by keyboard and reads the matrix and the cross-area view',
  { timeout: 120_000 },
  () => {
    let scene: AnalysisScene | undefined;
    let base: string;
    let page: Page;

    beforeAll(async () => {
      scene = await setUpAnalysisScene(2);
      const code = await insertCode(scene, 'Protected time');
      const areas = ['Cancer Care', 'Learning Disabilities & Autism', 'Musculoskeletal'];
      for (const [i, area] of areas.entries())
        await insertCodedNote(scene, code.id, {
          title: `Note ${i}`,
          text: `We never get time to learn, said someone in ${area}`,
          attributes: { area, pillar: 'Education', stakeholderType: i ? 'Educator' : 'Clinician' },
          contributorKey: `k${i}`,
          quotable: i !== 1,
        });
      base = `${scene.origin}${scene.analysis}`;
      page = await scene.signedIn(scene.analysts[0]!, { width: 375, height: 800 });
    });
    afterAll(() => scene?.close());

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
