import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { setUpWorkshop } from '../integration/workshops-scene';
import { serveInChromium } from './analysis-scene';
import { expectAccessible, hasChromium, pageWidth } from './browser';

const LONG = 'Mae’r amser yn brin 👩‍👩‍👧. Dŵr a thân: we need mentors! Café chats help.';

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: two coders code a note by keyboard, blind until each says they have finished',
  { timeout: 120_000 },
  () => {
    let served: Awaited<ReturnType<typeof serveInChromium>> | undefined;
    let base: string;
    let analysis: string;
    let ana: Awaited<ReturnType<typeof buildUser>>;
    let bea: Awaited<ReturnType<typeof buildUser>>;

    beforeAll(async () => {
      const scene = await setUpWorkshop('pglite');
      const t = scene.t;
      const programmeId = scene.base.split('/')[2]!;
      analysis = `/programmes/${programmeId}/analysis`;
      await scene.join('Ann', 'Clinician');
      expect((await scene.control('start')).statusCode).toBe(302);
      expect((await scene.note(scene.people[0]!, LONG)).statusCode).toBe(302);
      ana = await buildUser(t.app, { name: 'Ana Coder' });
      bea = await buildUser(t.app, { name: 'Bea Coder' });
      for (const u of [ana, bea])
        await t.app.services.programmes.addMember(
          t.app.platform.db,
          { programmeId, userId: u.id, role: 'analyst' },
          SYSTEM_CONTEXT,
        );
      served = await serveInChromium(t);
      base = served.origin;
    });
    afterAll(() => served?.close());

    const coder = (user: { email: string; password: string }, width: number, height: number) =>
      served!.signedIn(user, { width, height });
    /** Presses Enter on a control, as a keyboard user would, and waits for the next page. */
    async function enter(page: Page, role: 'button' | 'link', name: string | RegExp) {
      await Promise.all([page.waitForNavigation(), page.getByRole(role, { name }).press('Enter')]);
      await expectAccessible(page);
    }
    async function tick(page: Page, role: 'checkbox' | 'radio', name: string | RegExp) {
      await page.getByRole(role, { name }).focus();
      await page.keyboard.press('Space');
    }
    const main = (page: Page) => page.locator('main').innerText();

    it('a coder codes the whole note and a span by keyboard; the other sees nothing of it until done', async () => {
      const page = await coder(ana, 1280, 800);
      // The analyst adds two codes, then finds the note among the sources.
      for (const name of ['Time', 'Mentors']) {
        await page.goto(`${base}${analysis}/codebook/new`);
        await page.getByLabel('Name', { exact: true }).fill(name);
        await enter(page, 'button', 'Add code');
      }
      await page.goto(`${base}${analysis}/sources`);
      await expectAccessible(page);
      await enter(page, 'link', /Dŵr a thân|MSK research workshop/);
      await enter(page, 'link', 'Code this source');
      expect(await main(page)).toContain('Only you see your codings of this source');

      // The whole note: Time.
      await tick(page, 'checkbox', /^Time/);
      await enter(page, 'button', 'Save whole-source codes');
      expect(await main(page)).toContain('1 added, 0 removed');

      // A span: the second sentence, its end moved one word earlier, coded Mentors.
      await tick(page, 'checkbox', 'Dŵr a thân: we need mentors!');
      await enter(page, 'button', 'Choose this text');
      expect(await page.locator('mark').innerText()).toBe('Dŵr a thân: we need mentors!');
      await enter(page, 'button', 'Move the end one word earlier');
      expect(await page.locator('mark').innerText()).toBe('Dŵr a thân: we need mentors');
      await tick(page, 'radio', /^Mentors/);
      await enter(page, 'button', 'Save coding');
      expect(await main(page)).toContain('Span coded with “Mentors”');
      expect(await main(page)).toMatch(/Dŵr a thân: we need mentors\s+\(characters 28 to 54\)/);

      // Remove the whole-note coding, after the confirmation.
      await enter(page, 'link', 'Remove this coding with Time');
      await enter(page, 'button', 'Yes, remove this coding');
      expect(await main(page)).toContain('Coding with “Time” removed');
      const url = page.url();

      // Bea, on a phone, sees none of it; codes Time for the whole note; says she has finished; then sees Ana's.
      const phone = await coder(bea, 390, 844);
      await phone.goto(url);
      await expectAccessible(phone);
      expect(await pageWidth(phone)).toBeLessThanOrEqual(390);
      expect(await main(phone)).not.toContain('Ana Coder');
      expect(await main(phone)).toContain('You have not coded this source yet');
      await tick(phone, 'checkbox', /^Time/);
      await enter(phone, 'button', 'Save whole-source codes');
      await enter(phone, 'button', 'I have finished coding this source');
      const after = await main(phone);
      expect(after).toContain('Ana Coder');
      expect(after).toContain('Dŵr a thân: we need mentors');
      expect(await pageWidth(phone)).toBeLessThanOrEqual(390);
      await tick(phone, 'checkbox', 'Dŵr a thân: we need mentors!');
      await enter(phone, 'button', 'Choose this text');
      expect(await pageWidth(phone)).toBeLessThanOrEqual(390);

      // Ana has not finished: she still sees only her own.
      await page.reload();
      expect(await main(page)).not.toContain('Bea Coder');
      await enter(page, 'button', 'I have finished coding this source');
      expect(await main(page)).toContain('Bea Coder');

      // Her progress: the note is finished; Bea's page at phone width too.
      await enter(page, 'link', 'All your coding');
      expect(await main(page)).toMatch(/Finished\s+MSK research workshop/);
      await phone.goto(page.url());
      await expectAccessible(phone);
      expect(await pageWidth(phone)).toBeLessThanOrEqual(390);
    });
  },
);
