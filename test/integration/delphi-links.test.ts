import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { countRows, linkIn, buildDelphiStudy } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import type { Study } from '../../src/features/delphi/repository';

/** Panel links: the same emailed link works until its round closes; after that, a page offers a new one. */
describe.each(DRIVERS)('Delphi panel links (%s)', (driver) => {
  let t: TestApp;
  let study: Study;
  let link: string;
  let itemId: string;
  const ann = 'ann.links@example.nhs.uk';

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const made = await buildDelphiStudy(t.app, { title: 'Links study' });
    study = made.study;
    const id = study.id;
    const delphi = t.app.services.delphi;
    const r1 = (await delphi.rounds(id))[0]!;
    const [item] = await delphi.addItems(
      r1,
      [{ text: 'Leads a service-wide change', domain: 'Leadership', stage: 'transition', area: null }],
      SYSTEM_CONTEXT,
    );
    itemId = item!.id;
    await delphi.invite(study, [ann, 'bob.links@example.nhs.uk'], 'Clinician', null, SYSTEM_CONTEXT);
    await delphi.openRound(r1, new Date(Date.now() + 86_400_000), SYSTEM_CONTEXT);
    link = linkIn((await liveMessageTo(t.app, ann))!.text);
  });
  afterAll(async () => t?.close());

  it('lets a panellist save, then come back later through the same link to their saved ratings', async () => {
    expect(link).toMatch(new RegExp(`^/delphi/${study.id}/enter/`));
    const first = new TestClient(t.app);
    expect((await first.get(link)).headers.location).toBe(`/delphi/${study.id}/take`);
    const page = await first.get(`/delphi/${study.id}/take`);
    const roundId = /name="roundId" value="([^"]+)"/.exec(page.body)![1]!;
    const saved = await first.post(`/delphi/${study.id}/take`, {
      _csrf: first.csrf(),
      roundId,
      action: 'save',
      page: '1',
      itemIds: itemId,
      [`rating-${itemId}`]: '7',
      [`comment-${itemId}`]: 'Back later',
    });
    expect(saved.statusCode).toBe(302);
    // Later, on another device: the same link again.
    const later = new TestClient(t.app);
    expect((await later.get(link)).statusCode).toBe(302);
    const again = await later.get(`/delphi/${study.id}/take`);
    expect(again.body).toMatch(
      new RegExp(`name="rating-${itemId}"[^>]*value="7"[^>]*checked|value="7"[^>]*name="rating-${itemId}"[^>]*checked`),
    );
    expect(again.body).toContain('Back later');
  });

  it('emails a new link on request, saying the same thing whether or not the address is on the panel', async () => {
    const c = new TestClient(t.app);
    const form = await c.get(`/delphi/${study.id}/new-link`);
    expect(form.statusCode).toBe(200);
    const bad = await c.submit(`/delphi/${study.id}/new-link`, `/delphi/${study.id}/new-link`, {
      email: 'not an email',
    });
    expect(bad.statusCode).toBe(400);
    const before = await countRows(t.app, 'outbox');
    const stranger = await c.submit(`/delphi/${study.id}/new-link`, `/delphi/${study.id}/new-link`, {
      email: 'nobody@example.nhs.uk',
    });
    expect(await countRows(t.app, 'outbox')).toBe(before);
    const member = await c.submit(`/delphi/${study.id}/new-link`, `/delphi/${study.id}/new-link`, {
      email: 'Bob.Links@example.nhs.uk',
    });
    expect(textOf(member.body).replace(/bob\.links@example\.nhs\.uk|Bob\.Links@example\.nhs\.uk/i, 'X')).toBe(
      textOf(stranger.body).replace(/nobody@example\.nhs\.uk/, 'X'),
    );
    expect(await countRows(t.app, 'outbox')).toBe(before + 1);
    const mail = (await liveMessageTo(t.app, 'bob.links@example.nhs.uk'))!;
    expect(mail.subject).toContain('Your new link to round 1 of "Links study"');
    expect((await new TestClient(t.app).get(linkIn(mail.text))).headers.location).toBe(`/delphi/${study.id}/take`);
    // Asking again at once sends nothing more: the form cannot flood an inbox.
    await c.submit(`/delphi/${study.id}/new-link`, `/delphi/${study.id}/new-link`, {
      email: 'bob.links@example.nhs.uk',
    });
    expect(await countRows(t.app, 'outbox')).toBe(before + 1);
  });

  it('sends one new link when two requests for it arrive at once', async () => {
    const url = `/delphi/${study.id}/new-link`;
    const clients = [new TestClient(t.app), new TestClient(t.app)];
    for (const c of clients) await c.get(url);
    const before = await countRows(t.app, 'outbox');
    const answers = await Promise.all(clients.map((c) => c.post(url, { _csrf: c.csrf(), email: ann })));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(await countRows(t.app, 'outbox')).toBe(before + 1);
  });

  it('shows a closed page, offering a new link, once the round has closed', async () => {
    const delphi = t.app.services.delphi;
    await delphi.closeRound((await delphi.rounds(study.id))[0]!, SYSTEM_CONTEXT);
    const closed = await new TestClient(t.app).get(link);
    expect(closed.statusCode).toBe(410);
    const text = textOf(closed.body);
    expect(text).toContain('This round has closed');
    expect(closed.body).toContain(`href="/delphi/${study.id}/new-link"`);
    // With no round open, asking for a new link sends nothing (and says the same as ever).
    const before = await countRows(t.app, 'outbox');
    const c = new TestClient(t.app);
    expect(
      (await c.submit(`/delphi/${study.id}/new-link`, `/delphi/${study.id}/new-link`, { email: ann })).statusCode,
    ).toBe(200);
    expect(await countRows(t.app, 'outbox')).toBe(before);
    // A link that was never issued is refused, still offering a new one.
    const bogus = await new TestClient(t.app).get(`/delphi/${study.id}/enter/${'x'.repeat(43)}`);
    expect(bogus.statusCode).toBe(400);
    expect(textOf(bogus.body)).toContain('This link is not valid');
  });
});
