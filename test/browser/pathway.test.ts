import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app';
import { linkIn } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { DEMO_PASSWORD } from '../../src/features/demo/seed';
import { expectAccessible, hasChromium, launchBrowser, signIn as signInAs, visit as visitPage } from './browser';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: evidence confirmed through a link, then a stage signed off',
  { timeout: 180_000 },
  () => {
    let t: TestApp;
    let browser: Browser;
    let base: string;

    beforeAll(async () => {
      t = await buildTestApp('pglite', { demo: true });
      await t.app.services.seedDemo();
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    const signIn = (page: Page, email: string) => signInAs(page, base, email, DEMO_PASSWORD);
    const visit = (page: Page, path: string) => visitPage(page, base, path);

    it('takes a practitioner, a colleague without an account and a supervisor through the whole loop, with zero axe violations', async () => {
      // The practitioner chooses a supervisor, follows the framework and adds evidence.
      const me = await (await browser.newContext()).newPage();
      await signIn(me, 'practitioner@waymark.example');
      await visit(me, '/pathway/profile');
      await me.getByLabel('Add a supervisor by email').fill('supervisor@waymark.example');
      await me.getByRole('button', { name: 'Add supervisor' }).click();
      expect(await me.textContent('main')).toContain('Gareth Lewis can now see your portfolio');
      await expectAccessible(me);
      await visit(me, '/pathway');
      const existing = me.locator('main a[href^="/pathway/"]', { hasText: 'Consultant practice capability' });
      if ((await existing.count()) > 0) await existing.first().click();
      else {
        await me
          .getByLabel('Follow a framework')
          .selectOption({ label: 'Consultant practice capability and impact framework (illustrative) (version 1.0)' });
        await me.getByRole('button', { name: 'Start' }).click();
      }
      await me.waitForURL(/\/pathway\/[0-9a-f-]{36}$/);
      const pathwayUrl = new URL(me.url()).pathname;
      // Two self-assessments draw the progress chart (with its table).
      for (const level of ['Developing', 'Confident']) {
        await me.locator('form[action$="/assess"] fieldset').nth(1).getByLabel(level).check();
        await me.getByRole('button', { name: 'Save self-assessment' }).click();
      }
      expect(await me.locator('svg[aria-labelledby="progress-chart-title"]').count()).toBe(1);
      await expectAccessible(me);
      await visit(me, `${pathwayUrl}/evidence`);
      await me.getByLabel('Kind of evidence').selectOption('leadership');
      await me.getByLabel('Title').fill('Led the regional MSK pathway redesign');
      await me.getByLabel('Your reflection').fill('What happened: we cut waits by a third.');
      await me.getByRole('button', { name: 'Save evidence' }).click();
      await me.waitForURL(/\/evidence\/[0-9a-f-]{36}/);
      await expectAccessible(me);
      const itemUrl = new URL(me.url()).pathname;
      await me.getByLabel('Find by number or words').fill('quality');
      await me.getByRole('button', { name: 'Find' }).click();
      await me.getByRole('button', { name: /^Link to 2\.1\.3/ }).click();
      expect(await me.textContent('main')).toContain('Linked.');
      await me
        .getByLabel('Attach a file')
        .setInputFiles({ name: 'evaluation.pdf', mimeType: 'application/pdf', buffer: PDF });
      await me.getByRole('button', { name: 'Attach', exact: true }).click();
      expect(await me.textContent('main')).toContain('evaluation.pdf attached.');
      await expectAccessible(me);
      // A wrong email is caught in place, with the error summary.
      await me.getByLabel('Their name').fill('Dr Ada Okafor');
      await me.getByLabel('Their email address').fill('not an email');
      await me.getByRole('button', { name: 'Send the request' }).click();
      await expect(me.title()).resolves.toMatch(/^Error: /);
      await expectAccessible(me);
      await me.getByLabel('Their email address').fill('ada.okafor@trust.example');
      await me.getByRole('button', { name: 'Send the request' }).click();
      expect(await me.textContent('main')).toContain('We have emailed Dr Ada Okafor a link');
      await expectAccessible(me);

      // The colleague confirms through the emailed link, with no account.
      const link = linkIn((await liveMessageTo(t.app, 'ada.okafor@trust.example'))!.text);
      const colleague = await (await browser.newContext()).newPage();
      await visit(colleague, link);
      expect(await colleague.textContent('main')).toContain('Led the regional MSK pathway redesign');
      await colleague.getByRole('button', { name: 'Send my answer' }).click();
      await expect(colleague.title()).resolves.toMatch(/^Error: /);
      await expectAccessible(colleague);
      await colleague.getByLabel('Yes, I confirm it').check();
      await colleague.getByLabel('Your full name').fill('Dr Ada Okafor');
      await colleague.getByLabel('Your role').fill('Consultant rheumatologist');
      await colleague.getByLabel('Your professional registration number (if you have one)').fill('GMC 1234567');
      await colleague.getByLabel('Your statement').fill('I worked alongside her throughout the redesign.');
      await colleague.getByRole('button', { name: 'Send my answer' }).click();
      expect(await colleague.textContent('h1')).toBe('Evidence confirmed');
      await expectAccessible(colleague);
      await visit(colleague, link);
      expect(await colleague.textContent('h1')).toBe('This link has already been used');

      await visit(me, `${itemUrl}/delete`); // the "are you sure?" page (not confirmed here)
      await visit(me, itemUrl);
      expect(await me.textContent('main')).toContain(
        'Confirmed by Dr Ada Okafor, Consultant rheumatologist (registration GMC 1234567)',
      );
      for (const path of ['/matrix', '/plan', '/rules', '/teams', '/portfolio']) await visit(me, pathwayUrl + path);
      await me.getByLabel('Who is it for?').fill('Consultant panel');
      await me.getByLabel('How many days should it work?').fill('14');
      await me.getByRole('button', { name: 'Make a share link' }).click();
      await expectAccessible(me);
      const shareLink = await me.getByLabel('Your new share link').inputValue();
      const panel = await (await browser.newContext()).newPage();
      await panel.goto(shareLink.replace('http://localhost:3000', base));
      expect(await panel.textContent('main')).toContain('Led the regional MSK pathway redesign');
      await expectAccessible(panel);

      // The supervisor reviews and signs off the stage; the badge verifies.
      const sup = await (await browser.newContext()).newPage();
      await signIn(sup, 'supervisor@waymark.example');
      await sup.getByRole('link', { name: 'Supervision' }).first().click();
      await expectAccessible(sup);
      await sup.getByRole('link', { name: 'Aisha Patel' }).click();
      await expectAccessible(sup);
      await sup.getByRole('link', { name: 'Led the regional MSK pathway redesign' }).click();
      expect(await sup.textContent('main')).toContain('I worked alongside her throughout the redesign.');
      await expectAccessible(sup);
      await sup.goBack();
      // Choosing the stage leads to the "are you sure" page: what is missing first, then the sign-off.
      await sup.getByRole('button', { name: 'Continue to sign-off' }).first().click();
      expect(await sup.textContent('h1')).toMatch(/^Sign off “.+”\?$/);
      await expectAccessible(sup);
      await sup.getByRole('button', { name: 'Sign off and issue the badge' }).click();
      expect(await sup.textContent('main')).toContain('Confirm that you have reviewed the evidence');
      await expectAccessible(sup);
      await sup.getByLabel('I have reviewed the evidence for this stage and sign it off').check();
      await sup.getByRole('button', { name: 'Sign off and issue the badge' }).click();
      expect(await sup.textContent('main')).toContain('signed off. A badge has been issued');
      await expectAccessible(sup);
      await sup.getByRole('link', { name: 'Badge' }).first().click();
      expect(await sup.textContent('main')).toContain('Verified');
      await expectAccessible(sup);
      await visit(sup, '/badges/verify');
      await sup.getByLabel('Badge credential').fill('eyJhbGciOiJSUzI1NiJ9.eyJmb28iOiJiYXIifQ.c2lnbmF0dXJl');
      await sup.getByRole('button', { name: 'Check' }).click();
      expect(await sup.textContent('main')).toContain('Not verified');
      await expectAccessible(sup);

      // Cohorts: the supervisor starts one and sees its page.
      await visit(sup, '/cohorts');
      await sup.getByLabel('Name', { exact: true }).fill('Browser cohort');
      await sup.getByLabel('Framework it follows').selectOption({ index: 1 });
      await sup.getByRole('button', { name: 'Start the cohort' }).click();
      await sup.waitForURL(/\/cohorts\/[0-9a-f-]{36}$/);
      await expectAccessible(sup);
      await visit(me, '/pathway');
      expect(await me.textContent('main')).toContain('Your badges');
      await visit(me, '/pathway/import');
    });
  },
);
