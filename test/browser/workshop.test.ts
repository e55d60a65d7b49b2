import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildProgramme, buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { expectAccessible, hasChromium, launchBrowser, pageWidth, signIn } from './browser';

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: a live workshop with a facilitator and two participants',
  { timeout: 120_000 },
  () => {
    let t: TestApp;
    let browser: Browser;
    let base: string;
    let consoleUrl: string;
    let code: string;
    let lead: Awaited<ReturnType<typeof buildUser>>;
    let programmeId: string;

    beforeAll(async () => {
      t = await buildTestApp('pglite');
      lead = await buildUser(t.app);
      const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
      programmeId = p.id;
      const id = await t.app.services.workshops.create(
        p.id,
        {
          kind: 'area',
          title: 'Cancer Care: consultancy',
          area: 'Cancer Care',
          pillar: 'Consultancy',
          startsAt: null,
          place: 'Room 2',
          onlineUrl: '',
          anonymous: true,
          facilitatorsSeeIdentity: false,
          templateId: null,
        },
        lead.id,
        SYSTEM_CONTEXT,
      );
      code = (await t.app.services.workshops.get(id))!.joinCode;
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      consoleUrl = `${base}/programmes/${p.id}/workshops/${id}`;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    async function joinAs(type: string, joinCode = code, viewport?: { width: number; height: number }): Promise<Page> {
      const page = await (await browser.newContext(viewport ? { viewport } : {})).newPage();
      await page.goto(`${base}/join`);
      await expectAccessible(page);
      await page.getByLabel('Workshop code').fill(joinCode.toLowerCase());
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel(type).check();
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Join' }).click();
      await page.waitForURL(/\/board$/);
      return page;
    }

    it('posts, reveals, clusters by keyboard and votes, with every screen agreeing and no axe violations', async () => {
      const facilitator = await (await browser.newContext()).newPage();
      await signIn(facilitator, base, lead.email, lead.password);
      expect(new URL(facilitator.url()).pathname).toBe('/programmes');
      await facilitator.goto(consoleUrl);
      await expectAccessible(facilitator);
      await facilitator.getByRole('button', { name: 'Start this activity' }).first().click();
      await facilitator.getByRole('button', { name: 'Private mode for activity 1' }).click();

      const one = await joinAs('Clinician');
      const two = await joinAs('Patient or citizen');
      await expectAccessible(one);
      await one.getByLabel('Your note').fill('Time protected for consultancy');
      await one.getByRole('button', { name: 'Add note' }).click();
      await one.locator('.wm-note__text', { hasText: 'Time protected for consultancy' }).waitFor();
      await two.getByLabel('Your note').fill('Access to mentors in other trusts');
      await two.getByRole('button', { name: 'Add note' }).click();
      await two.locator('.wm-note__text', { hasText: 'Access to mentors in other trusts' }).waitFor();
      expect(await two.textContent('main')).not.toContain('Time protected for consultancy');

      // The facilitator's board updates by itself, then reveals.
      await facilitator.getByText('Access to mentors in other trusts').waitFor();
      await facilitator.getByRole('button', { name: 'Reveal notes of activity 1' }).click();
      await two.getByText('Time protected for consultancy').waitFor();

      // Cluster both notes with the keyboard only.
      await facilitator.getByLabel('New cluster').fill('Time and support');
      await facilitator.keyboard.press('Enter');
      await facilitator.getByRole('heading', { name: 'Time and support' }).waitFor();
      for (const text of ['Time protected for consultancy', 'Access to mentors in other trusts']) {
        await facilitator.getByLabel(text).focus();
        await facilitator.keyboard.press('Space');
      }
      await facilitator.getByLabel('Cluster', { exact: true }).selectOption({ label: 'Time and support' });
      await facilitator.getByRole('button', { name: 'Move to cluster' }).focus();
      await facilitator.keyboard.press('Enter');
      await facilitator.getByText('2 note(s) moved to the cluster').waitFor();
      await expectAccessible(facilitator);

      // A vote, then the results for everyone.
      await facilitator.getByLabel('Votes each').first().fill('2');
      await facilitator.getByRole('button', { name: 'Open voting for activity 1' }).click();
      await one.getByRole('button', { name: 'Vote for: Access to mentors in other trusts' }).waitFor();
      await one.getByRole('button', { name: 'Vote for: Access to mentors in other trusts' }).click();
      await one.getByText('You have 1 vote left').waitFor();
      await facilitator.getByRole('button', { name: 'Show vote results of activity 1' }).click();

      for (const page of [one, two, facilitator]) {
        await page.getByRole('heading', { name: /Time and support/ }).waitFor();
        await page.getByText('1 vote', { exact: false }).first().waitFor();
        const main = await page.textContent('main');
        expect(main).toContain('Time protected for consultancy');
        expect(main).toContain('Access to mentors in other trusts');
        expect(main).not.toContain(lead.name);
        await expectAccessible(page);
      }

      const projector = await facilitator.context().newPage();
      await projector.goto(`${consoleUrl}/projector`);
      expect(await projector.textContent('main')).toContain('Time and support');
      await expectAccessible(projector);
      await projector.goto(`${consoleUrl}/summary`);
      await expectAccessible(projector);

      // Ending the workshop stops the clocks on screens that stay open, without a reload.
      await projector.goto(`${consoleUrl}/projector`);
      await projector.locator('[data-countdown]').waitFor();
      await one.locator('[data-countdown]').waitFor();
      await facilitator.goto(consoleUrl);
      await facilitator.getByRole('button', { name: 'End the workshop' }).click();
      await facilitator.getByText('Workshop ended. The record is ready to export.').waitFor();
      await expect.poll(() => projector.locator('[data-countdown]').count(), { timeout: 10_000 }).toBe(0);
      await one.getByText('This workshop has ended').waitFor();
      expect(await one.locator('[data-countdown]').count()).toBe(0);
      expect(await facilitator.locator('[data-countdown]').count()).toBe(0);
    });

    // A second workshop, live while the first has ended: the next two checks share it.
    let longCode: string;

    it('keeps a long unbroken note inside its card on the guest board, console, projector and summary, and the join code on one line', async () => {
      const id = await t.app.services.workshops.create(
        programmeId,
        {
          kind: 'area',
          title: 'Cancer Care: long notes',
          area: 'Cancer Care',
          pillar: 'Consultancy',
          startsAt: null,
          place: '',
          onlineUrl: '',
          anonymous: true,
          facilitatorsSeeIdentity: false,
          templateId: null,
        },
        lead.id,
        SYSTEM_CONTEXT,
      );
      longCode = (await t.app.services.workshops.get(id))!.joinCode;
      const url = `${base}/programmes/${programmeId}/workshops/${id}`;
      const facilitator = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      await signIn(facilitator, base, lead.email, lead.password);
      await facilitator.goto(url);
      await facilitator.getByRole('button', { name: 'Start this activity' }).first().click();
      await facilitator.getByText('Now', { exact: true }).waitFor();

      const guest = await joinAs('Clinician', longCode, { width: 390, height: 844 });
      // 500 characters without a space: a formula, then a long address.
      const long = `=HYPERLINK("http://x","y")https://example.org/${'a'.repeat(500 - 46)}`;
      expect(long).toHaveLength(500);
      await guest.getByLabel('Your note').fill(long);
      await guest.getByRole('button', { name: 'Add note' }).click();
      await guest.getByText(long).waitFor();
      expect(await pageWidth(guest)).toBeLessThanOrEqual(390);

      await facilitator.goto(url);
      await facilitator.getByText(long).first().waitFor();
      expect(await pageWidth(facilitator)).toBeLessThanOrEqual(390);
      // The code in the join link is typed by hand: never split over two lines.
      expect(await facilitator.locator('.wm-join-code').evaluate((el) => el.getClientRects().length)).toBe(1);
      expect(await facilitator.locator('.wm-join-code').textContent()).toBe(longCode);
      await facilitator.goto(`${url}/summary`);
      expect(await pageWidth(facilitator)).toBeLessThanOrEqual(390);

      const projector = await (
        await browser.newContext({
          viewport: { width: 1280, height: 800 },
          storageState: await facilitator.context().storageState(),
        })
      ).newPage();
      await projector.goto(`${url}/projector`);
      await projector.getByText(long).waitFor();
      expect(await pageWidth(projector)).toBeLessThanOrEqual(1280);
      await expectAccessible(projector);
    });

    it('shows one note error at a time, drawn by the script exactly as the server draws it', async () => {
      const guest = await joinAs('Patient or citizen', longCode, { width: 390, height: 844 });
      const errors = guest.locator('#note-form .nhsuk-error-message');
      // Empty: the server answers (the page without the script's help).
      await guest.getByRole('button', { name: 'Add note' }).click();
      await guest.getByText('Write your note before adding it').first().waitFor();
      const serverText = (await errors.textContent())!.replace(/\s+/g, ' ').trim();
      expect(serverText).toBe('Error: Write your note before adding it');

      // Too long: the script answers, replacing the earlier error in the same style.
      await guest.getByLabel('Your note').fill('x'.repeat(600));
      await guest.getByRole('button', { name: 'Add note' }).click();
      await guest.getByText('A note must be 500 characters or fewer (this one is 600)').waitFor();
      expect(await errors.count()).toBe(1);
      expect(await errors.textContent()).toBe('Error: A note must be 500 characters or fewer (this one is 600)');
      expect(await guest.textContent('main')).not.toContain('Write your note before adding it');
      expect(await guest.locator('.nhsuk-error-summary').count()).toBe(0);
      expect(await guest.locator('.nhsuk-form-group--error').count()).toBe(1);
      expect(await guest.locator('#text.nhsuk-textarea--error').count()).toBe(1);
      expect((await guest.locator('#text').getAttribute('aria-describedby'))!.split(' ')).toEqual([
        'text-hint',
        'text-error',
      ]);
      expect(await guest.locator('#live-status').textContent()).toBe('');
      await expectAccessible(guest);

      // The NHS-number refusal the same way (after the button's one-second guard against double clicks).
      await guest.waitForTimeout(1100);
      await guest.getByLabel('Your note').fill('Patient 943 476 5919 waited a year');
      await guest.getByRole('button', { name: 'Add note' }).click();
      await guest
        .getByText('Your note contains what looks like an NHS number (943 476 5919)', { exact: false })
        .waitFor();
      expect(await errors.count()).toBe(1);
      expect(await guest.locator('.nhsuk-form-group--error').count()).toBe(1);
      await expectAccessible(guest);
    });
  },
);
