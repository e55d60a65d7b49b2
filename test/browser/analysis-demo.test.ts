import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app';
import { DEMO_PASSWORD, DEMO_PROGRAMME } from '../../src/features/demo/seed';
import { expectAccessible, hasChromium, pageWidth, visit } from './browser';
import { serveInChromium } from './analysis-scene';

/*
 * The analysis pages that have no browser test of their own (compare and adjudication, reliability, suggested codes,
 * the matrix and the cross-area view), walked on the demo data by the demo analyst: axe clean on every page, no
 * sideways scrolling on a phone, and one disagreement adjudicated by keyboard.
 */
describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: the analysis pages on the demo data',
  { timeout: 120_000 },
  () => {
    let t: TestApp;
    let served: Awaited<ReturnType<typeof serveInChromium>>;
    let base: string;
    let analysis: string;

    beforeAll(async () => {
      t = await buildTestApp('pglite', { demo: true });
      await t.app.services.seedDemo();
      const programme = (await t.app.services.programmes.listFor('', true)).find((p) => p.name === DEMO_PROGRAMME)!;
      analysis = `/programmes/${programme.id}/analysis`;
      served = await serveInChromium(t);
      base = served.origin;
    });
    afterAll(async () => served?.close());

    const analyst = (width: number, height: number): Promise<Page> =>
      served.signedIn({ email: 'analyst@waymark.example', password: DEMO_PASSWORD }, { width, height });

    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      it(`shows every analysis page accessibly at ${width}×${height}`, async () => {
        const page = await analyst(width, height);
        for (const path of [
          '',
          '/compare',
          '/reliability',
          '/suggestions',
          '/themes',
          '/matrix?by=area',
          '/matrix?by=stakeholder',
          '/common',
        ]) {
          await visit(page, base, analysis + path);
          expect(await pageWidth(page), `${path} scrolls sideways`).toBeLessThanOrEqual(width);
        }
        await expect(page.getByRole('heading', { level: 1 })).toBeTruthy();
      });
    }

    it('adjudicates a disagreement between the demo coders by keyboard', async () => {
      const page = await analyst(390, 844);
      await visit(page, base, `${analysis}/compare`);
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('link', { name: 'Adjudicate' }).first().press('Enter'),
      ]);
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Record the decision' }).press('Enter');
      await page.waitForLoadState();
      // Nothing chosen: the error summary, still accessible.
      await expect(page.locator('.nhsuk-error-summary').textContent()).resolves.toMatch(/\S/);
      await expectAccessible(page);
      await page.getByRole('radio', { name: /Keep both/ }).focus();
      await page.keyboard.press('Space');
      await page.getByLabel(/reason/i).fill('Read together, the note is about protected time');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Record the decision' }).press('Enter'),
      ]);
      expect(new URL(page.url()).pathname).toBe(`${analysis}/compare`);
      await expectAccessible(page);
      const agreed = await t.app.services.analysis.agreedCodings(analysis.split('/')[2]!);
      expect(agreed.some((a) => a.basis === 'adjudication')).toBe(true);
    });
  },
);
