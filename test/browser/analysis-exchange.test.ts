import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpAnalysisScene, type AnalysisScene } from './analysis-scene';
import { expectAccessible, hasChromium, pageWidth } from './browser';

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
    let scene: AnalysisScene | undefined;
    let base: string;
    let programmeId: string;

    beforeAll(async () => {
      scene = await setUpAnalysisScene();
      base = scene.origin;
      programmeId = scene.programme.id;
    });
    afterAll(() => scene?.close());

    it('exchange page, a refused file, the preview and the import, with no axe violations on a phone', async () => {
      const page = await scene!.signedIn(scene!.analysts[0]!, { width: 390, height: 844 });
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
