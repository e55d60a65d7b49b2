import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildProgramme, buildUser } from '../helpers/factories';
import { expectAccessible, hasChromium, launchBrowser, pageWidth, signIn } from './browser';

const QDC = `<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo">
  <Codes>
    <Code guid="1ff58b12-6f6f-4b0c-8be5-bbdc91f55294" name="Enablers" isCodable="true" color="#46AA00">
      <Description>Things that help</Description>
      <Code guid="2ff58b12-6f6f-4b0c-8be5-bbdc91f55294" name="Gŵyl" isCodable="true"/>
    </Code>
  </Codes>
  <Sets><Set guid="3ff58b12-6f6f-4b0c-8be5-bbdc91f55294" name="A set"/></Sets>
</CodeBook>`;

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: an analyst imports a codebook from another tool',
  { timeout: 120_000 },
  () => {
    let t: TestApp;
    let browser: Browser;
    let base: string;
    let programmeId: string;
    let analyst: Awaited<ReturnType<typeof buildUser>>;

    beforeAll(async () => {
      t = await buildTestApp('pglite');
      analyst = await buildUser(t.app);
      programmeId = (await buildProgramme(t.app, { members: [{ userId: analyst.id, role: 'analyst' }] })).id;
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('exchange page, a refused file, the preview and the import, with no axe violations on a phone', async () => {
      const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      await signIn(page, base, analyst.email, analyst.password);
      await page.goto(`${base}/programmes/${programmeId}/analysis`);
      await page.getByRole('link', { name: /Exchange with NVivo/ }).click();
      await page.getByRole('heading', { name: 'Exchange with other analysis tools', level: 1 }).waitFor();
      await expectAccessible(page);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);

      const file = page.getByLabel('REFI-QDA file');
      await file.setInputFiles({ name: 'broken.qdpx', mimeType: 'application/zip', buffer: Buffer.from('nope') });
      await page.getByRole('button', { name: 'Upload and check' }).click();
      await page.getByText('is not a ZIP file').first().waitFor();
      await expectAccessible(page);

      await page.getByLabel('REFI-QDA file').setInputFiles({
        name: 'codebook.qdc',
        mimeType: 'application/xml',
        buffer: Buffer.from(QDC),
      });
      await page.getByRole('button', { name: 'Upload and check' }).click();
      await page.getByRole('heading', { name: 'Check the import' }).waitFor();
      expect(await page.textContent('main')).toContain('2 new codes will be added');
      expect(await page.textContent('main')).toContain('code set(s) not carried');
      await expectAccessible(page);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
      await page.getByRole('button', { name: 'Import' }).click();
      await page.getByText('Imported 2 new codes').waitFor();
      await page.goto(`${base}/programmes/${programmeId}/analysis/codebook`);
      expect(await page.textContent('main')).toContain('Gŵyl');
    });
  },
);
