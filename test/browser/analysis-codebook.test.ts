import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { setUpAnalysisScene, type AnalysisScene } from './analysis-scene';
import { expectAccessible, hasChromium, pageWidth } from './browser';

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: an analyst builds, merges and splits the codebook by keyboard',
  { timeout: 120_000 },
  () => {
    let scene: AnalysisScene | undefined;
    let codebook: string;
    let page: Page;

    beforeAll(async () => {
      scene = await setUpAnalysisScene();
      codebook = `${scene.origin}${scene.analysis}/codebook`;
      page = await scene.signedIn(scene.analysts[0]!, { width: 375, height: 800 });
    });
    afterAll(() => scene?.close());

    /** Adds a code through the form, by keyboard: the fields, a colour radio by its name, Enter. */
    async function addCode(name: string, colour: string, parent?: string) {
      await page.goto(`${codebook}/new`);
      await page.getByLabel('Name', { exact: true }).fill(name);
      if (parent) await page.getByLabel('Parent code').selectOption({ label: parent });
      await page.getByLabel('Definition (optional)').fill(`What ${name} means`);
      await page.getByRole('radio', { name: colour }).focus();
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: 'Add code' }).press('Enter');
      await page.waitForURL((u) => !u.pathname.endsWith('/new') && !u.pathname.endsWith('/codebook'));
    }

    it('every codebook page is accessible and fits a phone; the changes work without a mouse', async () => {
      await page.goto(codebook);
      await expectAccessible(page);
      await page.goto(`${codebook}/new`);
      await expectAccessible(page);
      // A missing name: the error summary, linked to the field.
      await page.getByRole('button', { name: 'Add code' }).press('Enter');
      await expect.poll(() => page.getByText('There is a problem').isVisible()).toBe(true);
      await expectAccessible(page);

      await addCode('Barriers', 'Red');
      await expectAccessible(page);
      await addCode('Staffing', 'Purple', 'Barriers');
      await addCode('Workload', 'Grey');
      await page.goto(codebook);
      await expectAccessible(page);
      expect(await pageWidth(page)).toBeLessThanOrEqual(375);
      expect(await page.locator('main').innerText()).toContain('Staffing');

      // A memo on Workload.
      await page.getByRole('link', { name: 'Workload' }).click();
      await page.getByLabel('Add a memo').fill('Close to Staffing?');
      await page.getByRole('button', { name: 'Add memo' }).press('Enter');
      await expect.poll(() => page.getByText('Close to Staffing?').isVisible()).toBe(true);

      // Move it under Barriers.
      await page.getByRole('link', { name: /Move Workload/ }).click();
      await expectAccessible(page);
      await page.getByLabel('New parent code').selectOption({ label: 'Barriers' });
      await page.getByRole('button', { name: 'Move code' }).press('Enter');
      await expect.poll(() => page.getByText('Moved from the top level to Barriers').isVisible()).toBe(true);

      // Merge Workload into Staffing, after the confirmation.
      await page.getByRole('link', { name: /Merge Workload/ }).click();
      await expectAccessible(page);
      await page.getByLabel('Merge them into').selectOption({ label: '– Staffing' });
      await page.getByRole('button', { name: 'Continue' }).press('Enter');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toContain('Check before merging');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Merge codes' }).press('Enter');
      await expect.poll(() => page.getByText('“Workload” merged into this code').isVisible()).toBe(true);
      await expectAccessible(page);
      expect(await page.locator('main').innerText()).toContain('Close to Staffing?');

      // Split Staffing in two.
      await page.getByRole('link', { name: /Split Staffing/ }).click();
      await expectAccessible(page);
      await page.getByLabel('Names of the codes').fill('Staffing\nWorkload');
      await page.getByRole('button', { name: 'Split code' }).press('Enter');
      await page.waitForURL((u) => u.pathname.endsWith('/codebook'));
      await expectAccessible(page);
      expect(await page.locator('main').innerText()).toMatch(/Staffing[\s\S]*Workload/);
    });
  },
);
