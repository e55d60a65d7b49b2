import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestApp } from '../helpers/app';
import { linkIn } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { DEMO_PASSWORD, DEMO_PROGRAMME } from '../../src/features/demo/seed';
import { expectAccessible, hasChromium, launchBrowser, pageWidth, signIn, visit as visitPage } from './browser';

const NEW_USER = { name: 'Bea Browser', email: 'bea.browser@example.nhs.uk', password: 'a long browser passphrase' };

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: register, sign in, open a programme, invite a member',
  { timeout: 120_000 },
  () => {
    let t: TestApp;
    let browser: Browser;
    let base: string;
    let app: FastifyInstance;

    beforeAll(async () => {
      t = await buildTestApp('pglite', { demo: true });
      app = t.app;
      await app.services.seedDemo();
      await app.services.guides.ensureShipped();
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address() as { port: number };
      base = `http://127.0.0.1:${address.port}`;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    const visit = (page: Page, path: string) => visitPage(page, base, path);

    it('works end to end with zero axe violations on every page', async () => {
      const page = await (await browser.newContext()).newPage();

      await visit(page, '/');
      await expect(page.title()).resolves.toBe('Waymark: from advanced to consultant practice – Waymark – NHS');

      // Register
      await page.getByRole('link', { name: 'Create an account' }).first().click();
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect(page.title()).resolves.toMatch(/^Error: /);
      await expect(page.locator('.nhsuk-error-summary')).toBeTruthy();
      await expectAccessible(page);
      await page.getByLabel('Full name').fill(NEW_USER.name);
      await page.getByLabel('Email address').fill(NEW_USER.email);
      await page.getByLabel('Create a password', { exact: true }).fill(NEW_USER.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(await page.textContent('main')).toContain('Check your email');
      await expectAccessible(page);
      // The account is made when the emailed link is opened.
      await visit(page, linkIn((await liveMessageTo(app, NEW_USER.email))!.text));
      await page.getByRole('button', { name: 'Create my account' }).click();
      await page.waitForURL(`${base}/account`);
      expect(await page.textContent('main')).toContain(NEW_USER.email);
      await expectAccessible(page);

      // Sign out from the header
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${base}/signed-out`);
      await expectAccessible(page);

      // Sign in as the demo programme lead, using the keyboard only
      await visit(page, '/sign-in');
      expect(await page.textContent('main')).toContain('Demo accounts');
      await page.getByLabel('Email address').focus();
      await page.keyboard.type('lead@waymark.example');
      await page.keyboard.press('Tab');
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/programmes`);
      await expectAccessible(page);

      // The programme page with its stages
      await page.getByRole('link', { name: DEMO_PROGRAMME }).click();
      await page.waitForURL(/\/programmes\/[0-9a-f-]{36}$/);
      expect(await page.textContent('main')).toContain('Delphi study');
      await expectAccessible(page);
      const programmeUrl = page.url();

      // Members, then invite the person who registered
      await page.getByRole('link', { name: 'Members and invitations' }).click();
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Invite a member' }).click();
      await expectAccessible(page);
      await page.getByLabel('Email address').fill(NEW_USER.email);
      await page.getByRole('button', { name: 'Send invitation' }).click();
      expect(await page.textContent('.nhsuk-error-summary')).toContain('Choose a role');
      await expectAccessible(page);
      await page.getByLabel('Role', { exact: true }).selectOption('analyst');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.waitForURL(/\/members$/);
      expect(await page.textContent('main')).toContain(`Invitation sent to ${NEW_USER.email}`);
      await expectAccessible(page);

      // The invited person accepts in their own browser
      const link = linkIn((await liveMessageTo(app, NEW_USER.email))!.text);
      const invitee = await (await browser.newContext()).newPage();
      await visit(invitee, link);
      await invitee.getByRole('link', { name: 'Sign in to accept the invitation' }).click();
      await invitee.getByLabel('Email address').fill(NEW_USER.email);
      await invitee.getByLabel('Password', { exact: true }).fill(NEW_USER.password);
      await invitee.getByRole('button', { name: 'Sign in' }).click();
      await invitee.waitForURL(`${base}${link}`);
      await expectAccessible(invitee);
      await invitee.getByRole('button', { name: 'Accept invitation' }).click();
      await invitee.waitForURL(programmeUrl);
      expect(await invitee.textContent('main')).toContain('Your roles: Analyst');
      await expectAccessible(invitee);
    });

    it('browses a framework, filters by stage, opens a permalink and downloads the CSV', async () => {
      const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
      await visit(page, '/frameworks');
      await page
        .getByRole('link', { name: 'Consultant practice capability and impact framework (illustrative)' })
        .click();
      await page.waitForURL(/\/frameworks\/WM-CONSULTANT\/versions\/1\.0$/);
      await expectAccessible(page);
      await page.getByLabel('Stage').selectOption('years-1-3');
      await page.getByRole('button', { name: 'Show statements' }).click();
      await page.waitForURL(/stage=years-1-3/);
      expect(await page.getByRole('status').textContent()).toContain('Showing 13 of 45 statements');
      await expectAccessible(page);
      await page.getByRole('link', { name: '1.1.3', exact: true }).click();
      await page.waitForURL(/\/statements\/1\.1\.3$/);
      expect(await page.textContent('h1')).toContain(
        'Is the point of referral for the most complex cases across a service.',
      );
      await expectAccessible(page);
      await page.getByRole('link', { name: 'WM-CONSULTANT 1.0' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'CSV', exact: true }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('WM-CONSULTANT-1.0.csv');
      const text = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
      expect(text.split('\n')[0]).toBe('code,parent_code,type,text,stage,area,notes');
      for (const path of [
        '/frameworks/WM-CONSULTANT/versions/1.0/matrix',
        '/frameworks/WM-CONSULTANT/history',
        '/frameworks/WM-CONSULTANT/versions/1.0?area=Musculoskeletal',
        '/guides',
        '/guides/consultant-practitioner',
      ])
        await visit(page, path);
    });

    it('lets a practitioner follow the framework and assess themselves, accessibly', async () => {
      const page = await (await browser.newContext()).newPage();
      await signIn(page, base, 'practitioner@waymark.example', DEMO_PASSWORD);
      await page.getByRole('link', { name: 'My pathway' }).first().click();
      await expectAccessible(page);
      await page
        .getByLabel('Follow a framework')
        .selectOption({ label: 'Consultant practice capability and impact framework (illustrative) (version 1.0)' });
      await page.getByRole('button', { name: 'Start' }).click();
      await page.waitForURL(/\/pathway\/[0-9a-f-]{36}$/);
      await expectAccessible(page);
      await page.locator('form[action$="/assess"] fieldset').first().getByLabel('Confident').check();
      await page.getByRole('button', { name: 'Save self-assessment' }).click();
      expect(await page.textContent('main')).toContain('Self-assessment saved: 1 statement changed.');
      await expectAccessible(page);
      const pathwayUrl = new URL(page.url()).pathname;
      for (const path of ['/evidence', '/matrix']) await visit(page, pathwayUrl + path);
      await page.goto(`${base}${pathwayUrl}/evidence`);
      await page.getByLabel('Kind of evidence').selectOption('teaching');
      await page.getByLabel('Title').fill('Taught the ACP cohort');
      await page.getByRole('button', { name: 'Save evidence' }).click();
      await page.getByLabel('Find by number or words').fill('learners');
      await page.getByRole('button', { name: 'Find' }).click();
      await expectAccessible(page);
      await visit(page, '/pathway/profile');
    });

    it('keeps the public pages and error pages accessible', async () => {
      const page = await (await browser.newContext()).newPage();
      for (const path of ['/about', '/accessibility', '/privacy', '/api/docs', '/forgot-password', '/no-such-page'])
        await visit(page, path);
    });

    it('keeps wide tables scrolling inside their own box on a phone, so the page is no wider than the screen', async () => {
      const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      const fitsTheScreen = async (path: string) => {
        await visit(page, path);
        expect(await pageWidth(page), path).toBeLessThanOrEqual(390);
      };
      await fitsTheScreen('/sign-in');
      // The demo accounts table is wider than a phone: it scrolls in a named, focusable region instead.
      const box = page.getByRole('region', { name: 'Demo accounts, scrolls sideways' });
      expect(await box.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
      await fitsTheScreen('/api/docs');
      await signIn(page, base, 'admin@waymark.example', DEMO_PASSWORD);
      for (const path of ['/admin/users', '/admin/outbox', '/admin/audit']) await fitsTheScreen(path);
    });

    it('keeps the admin pages accessible', async () => {
      const page = await (await browser.newContext()).newPage();
      await signIn(page, base, 'admin@waymark.example', DEMO_PASSWORD);
      expect(new URL(page.url()).pathname).toBe('/programmes');
      for (const path of [
        '/admin',
        '/admin/users',
        '/admin/outbox',
        '/admin/audit',
        '/programmes/new',
        '/account/tokens',
        '/account/profile',
        '/account/password',
        '/account/delete',
        '/frameworks/import',
        '/guides/nurse-consultant/edit',
      ])
        await visit(page, path);
      // The demo programme's other pages: members, stages, Delphi study and its items and panel, the workshop console.
      await page.goto(`${base}/programmes`);
      await page.getByRole('link', { name: DEMO_PROGRAMME }).click();
      const programme = new URL(page.url()).pathname;
      for (const path of [
        '/members',
        '/members/invite',
        '/edit',
        '/stages/delphi',
        '/delphi',
        '/delphi/new',
        '/workshops',
        '/workshops/new',
      ])
        await visit(page, programme + path);
      await page.goto(`${base}${programme}/delphi`);
      await page.getByRole('link', { name: /Capabilities for the transition/ }).click();
      const study = new URL(page.url()).pathname;
      for (const path of ['', '/items', '/panel', '/rounds/1']) await visit(page, study + path);
      await page.goto(`${base}${programme}/workshops`);
      await page.getByRole('link', { name: /Musculoskeletal: research and innovation/ }).click();
      await expectAccessible(page);
      await page.goto(`${base}/frameworks/import`);
      await page.locator('#file').setInputFiles({
        name: 'bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('code,parent_code,type,text,stage,area,notes\nA,,domain,A,,,\nA.1,Z,capability,C,,,\n'),
      });
      await page.getByRole('button', { name: 'Upload and check' }).click();
      expect(await page.textContent('main')).toContain('unknown parent "Z"');
      await expectAccessible(page);
      await page.goto(`${base}/admin/outbox`);
      await page.locator('main table a').first().click();
      await expectAccessible(page);
    });
  },
);
