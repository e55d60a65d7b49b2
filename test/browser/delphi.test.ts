import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildProgramme, buildUser, linkIn } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { GRADE_9, parseRule } from '../../src/stats/consensus';
import { expectAccessible, hasChromium, launchBrowser, signIn } from './browser';

describe.runIf(hasChromium || process.env.CI)(
  'in Chromium: a panellist rates round 1, the facilitator moves to round 2, the panellist sees feedback',
  { timeout: 120_000 },
  () => {
    let t: TestApp;
    let browser: Browser;
    let base: string;
    let studyPath: string;
    let lead: Awaited<ReturnType<typeof buildUser>>;
    let studyId: string;

    beforeAll(async () => {
      t = await buildTestApp('pglite');
      lead = await buildUser(t.app);
      const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
      const delphi = t.app.services.delphi;
      studyId = await delphi.createStudy(
        p.id,
        {
          title: 'Browser study',
          purpose: 'Testing',
          scale: GRADE_9,
          allowUnable: true,
          rule: parseRule('comet'),
          quartileMethod: 7,
          everyGroup: false,
          reasonDistance: null,
          namesInExports: false,
          withSuggestions: false,
        },
        lead.id,
        SYSTEM_CONTEXT,
      );
      const study = (await delphi.getStudy(studyId))!;
      const round1 = (await delphi.rounds(studyId))[0]!;
      await delphi.addItems(
        round1,
        [
          { text: 'Leads a service-wide change', domain: 'Leadership', stage: 'transition', area: null },
          { text: 'Shares innovations beyond the organisation', domain: 'Research', stage: 'years-3-5', area: null },
        ],
        SYSTEM_CONTEXT,
      );
      await delphi.invite(study, ['panel.one@example.nhs.uk'], 'Clinician', null, SYSTEM_CONTEXT);
      await delphi.invite(study, ['panel.two@example.nhs.uk'], 'Patient or citizen', null, SYSTEM_CONTEXT);
      await delphi.openRound(round1, new Date(Date.now() + 86_400_000), SYSTEM_CONTEXT);
      // The second panellist answers without the browser.
      const two = (await delphi.panel(studyId)).find((x) => x.email === 'panel.two@example.nhs.uk')!;
      const items = await delphi.items(round1.id);
      await delphi.saveRatings(
        study,
        two,
        round1.id,
        items.map((i) => ({ itemId: i.id, value: 8, comment: 'Essential for patients', reason: '' })),
        true,
      );
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      studyPath = `/programmes/${p.id}/delphi/${studyId}`;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('completes round 1, moves to round 2 and shows the feedback, with no axe violations', async () => {
      // The panellist follows the link in their email and rates with the keyboard.
      const panellist = await (await browser.newContext()).newPage();
      const round1Link = base + linkIn((await liveMessageTo(t.app, 'panel.one@example.nhs.uk'))!.text);
      await panellist.goto(round1Link);
      await panellist.waitForURL(/\/take$/);
      expect(await panellist.textContent('main')).toContain('0 of 2 items answered');
      expect(await panellist.textContent('main')).toContain('stage: Transition from advanced to consultant practice');
      await expectAccessible(panellist);
      await panellist.getByRole('button', { name: 'Submit my answers' }).click();
      expect(await panellist.textContent('.nhsuk-error-summary')).toContain('Rate item 1, or choose "unable to rate"');
      await expectAccessible(panellist);
      await panellist
        .getByRole('group', { name: /Your rating for item 1 / })
        .getByLabel('9', { exact: true })
        .check();
      await panellist
        .getByRole('group', { name: /Your rating for item 2 / })
        .getByLabel('Unable to rate')
        .check();
      await panellist.getByLabel('Comment on item 1 (optional)').fill('This is what consultants do');
      await panellist.getByRole('button', { name: 'Submit my answers' }).click();
      expect(await panellist.textContent('main')).toContain('Your answers for this round are submitted');
      await expectAccessible(panellist);

      // The facilitator closes round 1 and opens round 2.
      const facilitator = await (await browser.newContext()).newPage();
      await signIn(facilitator, base, lead.email, lead.password);
      expect(new URL(facilitator.url()).pathname).toBe('/programmes');
      await facilitator.goto(base + studyPath);
      await expectAccessible(facilitator);
      // The same emailed link, opened again on another device, brings back what was saved.
      const again = await (await browser.newContext()).newPage();
      await again.goto(round1Link);
      await again.waitForURL(/\/take$/);
      expect(await again.textContent('main')).toContain('2 of 2 items answered');
      await facilitator.getByRole('button', { name: 'Close round 1 now' }).click();
      // Once the round has closed, the link says so and offers a new one.
      await again.goto(round1Link);
      expect(await again.textContent('h1')).toBe('This round has closed');
      await expectAccessible(again);
      await again.getByRole('link', { name: /Email me a new link/ }).click();
      await again.getByLabel('Email address').fill('panel.one@example.nhs.uk');
      await again.getByRole('button', { name: 'Email me a new link' }).click();
      expect(await again.textContent('h1')).toBe('Check your email');
      await expectAccessible(again);
      await facilitator.getByRole('button', { name: 'Prepare the next round' }).click();
      await facilitator.waitForURL(/\/items$/);
      await expectAccessible(facilitator);
      await facilitator.goto(base + studyPath);
      await facilitator.getByRole('button', { name: 'Open round 2' }).click();
      expect(await facilitator.textContent('main')).toContain('Round 2 is open');
      for (const path of ['/rounds/1', '/panel', '/settings', '/to-framework']) {
        await facilitator.goto(base + studyPath + path);
        await expectAccessible(facilitator);
      }

      // The panellist comes back through the new link and sees the panel's feedback.
      await t.app.platform.jobs.runDue();
      await panellist.goto(base + linkIn((await liveMessageTo(t.app, 'panel.one@example.nhs.uk'))!.text));
      await panellist.waitForURL(/\/take$/);
      const main = await panellist.textContent('main');
      expect(main).toContain('Round 2');
      expect(main).toMatch(/Your rating:\s*9\s*\. Panel median 8\.5/);
      expect(await panellist.getByRole('img', { name: /How the panel rated it: 1: 0, .*8: 1, 9: 1/ }).count()).toBe(1);
      await panellist.getByText('Comments from the panel (2)').click();
      expect(main).toContain('Essential for patients');
      await expectAccessible(panellist);
      await panellist.goto(`${base}/delphi/${studyId}/my-feedback`);
      await expectAccessible(panellist);
    });
  },
);
