import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { textOf, type TestClient } from '../helpers/client';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { answerTake, enterByEmail, future, PANEL, replayRoundOne, startStory } from './delphi-story';

// The second chapter of one study (see delphi-story.ts): round 2 prepared from round 1, answered and closed.
describe.each(DRIVERS)('Delphi study, round 2 (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let base: string;
  const panel = PANEL;
  const panellists = new Map<string, TestClient>();

  const enter = (email: string) => enterByEmail(t, panellists, email);
  const answer = async (email: string, ratings: Record<string, string>, action = 'submit', extra = {}) =>
    (await answerTake(t, panellists.get(email)!, base.split('/').pop()!, ratings, action, extra)).res;

  beforeAll(async () => {
    const story = await startStory(driver);
    ({ t, facilitator } = story);
    base = await replayRoundOne({ ...story, panellists });
  });
  afterAll(async () => t?.close());

  it('prepares round 2 with lineage: carried, reworded, merged and dropped items', async () => {
    await facilitator.get(base);
    expect((await facilitator.post(`${base}/rounds/next`, { _csrf: facilitator.csrf() })).statusCode).toBe(302);
    const items = await facilitator.get(`${base}/items`);
    const idOf = (code: string) => {
      const row = items.body
        .split('<tr class="nhsuk-table__row">')
        .find((r) => r.includes(`<strong>${code}</strong>`))!;
      return /id="item-([0-9a-f-]{36})"/.exec(row)![1]!;
    };
    const lm = idOf('LM.1.1');
    const reword = `${base}/items/${lm}`;
    const rewordNhs = await facilitator.submit(reword, reword, {
      text: 'Leads 943-476-5919 through change',
      domain: 'Leadership and management',
      stage: 'advanced',
    });
    expect(rewordNhs.statusCode).toBe(400);
    expect(textOf(rewordNhs.body)).toContain('contains what looks like an NHS number (943-476-5919)');
    expect(
      (
        await facilitator.submit(reword, reword, {
          text: 'Leads the team through new or uncertain clinical situations',
          domain: 'Leadership and management',
          stage: 'advanced',
        })
      ).statusCode,
    ).toBe(302);
    const merge = await facilitator.submit(`${base}/items`, `${base}/items/change`, {
      action: 'merge',
      items: undefined as unknown as string,
      mergeText: 'x',
    });
    expect(merge.statusCode).toBe(400);
    expect(textOf(merge.body)).toContain('Select two or more items to merge');
    await facilitator.get(`${base}/items`);
    const mergeNhs = new URLSearchParams({
      _csrf: facilitator.csrf(),
      action: 'merge',
      mergeText: 'Supervises 9434765919',
    });
    mergeNhs.append('items', idOf('ED.1.1'));
    mergeNhs.append('items', idOf('ED.2.1'));
    const refusedMerge = await t.app.inject({
      method: 'POST',
      url: `${base}/items/change`,
      payload: mergeNhs.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...facilitator.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    expect(refusedMerge.statusCode).toBe(400);
    expect(textOf(refusedMerge.body)).toContain('The merged item contains what looks like an NHS number (9434765919)');
    expect(refusedMerge.body).toMatch(/id="mergeText-error"[^]*looks like an NHS number \(9434765919\)/);
    await facilitator.get(`${base}/items`);
    const body = new URLSearchParams({
      _csrf: facilitator.csrf(),
      action: 'merge',
      mergeText: 'Supervises, teaches and records their own development',
    });
    body.append('items', idOf('ED.1.1'));
    body.append('items', idOf('ED.2.1'));
    const merged = await t.app.inject({
      method: 'POST',
      url: `${base}/items/change`,
      payload: body.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...facilitator.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    expect(merged.statusCode).toBe(302);
    // Every field of a form read field by field goes through the shared guard, even one this action does not use: nothing is dropped.
    await facilitator.get(`${base}/items`);
    const countItems = async () =>
      (
        await t.app.services.delphi.items(
          (await t.app.services.delphi.rounds(base.split('/').pop()!)).find((r) => r.status === 'draft')!.id,
        )
      ).length;
    const itemsBefore = await countItems();
    const dropNhs = new URLSearchParams({
      _csrf: facilitator.csrf(),
      action: 'drop',
      mergeText: 'Seen with 943 476 5919',
    });
    dropNhs.append('items', idOf('12'));
    const refusedDrop = await t.app.inject({
      method: 'POST',
      url: `${base}/items/change`,
      payload: dropNhs.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...facilitator.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    expect(refusedDrop.statusCode).toBe(400);
    expect(textOf(refusedDrop.body)).toContain('The merged item contains what looks like an NHS number (943 476 5919)');
    expect(await countItems()).toBe(itemsBefore);
    await facilitator.get(`${base}/items`);
    const drop = new URLSearchParams({ _csrf: facilitator.csrf(), action: 'drop' });
    drop.append('items', idOf('12'));
    const dropped = await t.app.inject({
      method: 'POST',
      url: `${base}/items/change`,
      payload: drop.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...facilitator.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    expect(textOf((await facilitator.get(dropped.headers.location as string)).body)).toContain(
      '1 item dropped from round 2.',
    );
    const report = await t.app.services.delphi.report((await t.app.services.delphi.getStudy(base.split('/').pop()!))!);
    expect(report.rounds.map((r) => r.status)).toEqual(['closed', 'draft']);
  });

  it('opens round 2: panellists see fair feedback and must explain a rating far from their group median', async () => {
    await facilitator.get(base);
    expect(
      (await facilitator.post(`${base}/rounds/2/open`, { _csrf: facilitator.csrf(), closesAt: future() })).statusCode,
    ).toBe(302);
    const { c } = await enter(panel[0]!);
    const page = textOf((await c.get(`/delphi/${base.split('/').pop()}/take`)).body);
    expect(page).toContain('Round 2');
    expect(page).toMatch(
      /CP\.1\.1\..*Your rating: 9 ?\. Panel median 8\.5 \(IQR 7\.75–9\), 100% rated 7–9\. Status: consensus in/,
    );
    expect(page).toContain('the statement has been reworded since');
    expect(page).toContain('stage: Advanced practice level');
    expect(page).not.toMatch(/stage: advanced/);
    expect(page).not.toContain('ann@example.nhs.uk');
    // Ann's group (two clinicians) is too small to show, so the panel's median stands in: 8 for CP.2.1; rating 2 is 6 points away.
    const all = (r: string) =>
      Object.fromEntries(
        ['CP.1.1', 'CP.1.2', 'CP.2.1', 'CP.2.2', 'LM.1.1', 'LM.2.1', 'RE.1.1', 'RE.2.1', '11', '13'].map((code) => [
          code,
          r,
        ]),
      );
    // LM.1.1 at 5 stays within 4 points of the panel's median (5).
    const noReason = await answer(panel[0]!, { ...all('8'), 'CP.2.1': '2', 'LM.1.1': '5' });
    expect(noReason.statusCode).toBe(400);
    expect(textOf(noReason.body)).toContain(
      "Your rating for item CP.2.1 is 4 or more points from the panel's median last round",
    );
    expect(
      (
        await answer(panel[0]!, { ...all('8'), 'CP.2.1': '2', 'LM.1.1': '5' }, 'submit', {
          'reason:CP.2.1': 'Not part of my service',
        })
      ).statusCode,
    ).toBe(302);
    for (const email of panel.slice(1)) {
      await enter(email);
      expect((await answer(email, { ...all('8'), 'LM.1.1': '5' })).statusCode).toBe(302);
    }
    await facilitator.get(base);
    await facilitator.post(`${base}/rounds/2/close`, { _csrf: facilitator.csrf() });
    const round2 = textOf((await facilitator.get(`${base}/rounds/2`)).body);
    expect(round2).toMatch(/LM\.1\.1 Leads the team through new or uncertain clinical situations .*changed band/);
  });

  it('closes a round by itself at its closing time', async () => {
    const study = (await t.app.services.delphi.getStudy(base.split('/').pop()!))!;
    await t.app.services.delphi.prepareNextRound(study, SYSTEM_CONTEXT);
    const r3 = (await t.app.services.delphi.rounds(study.id)).find((r) => r.number === 3)!;
    await t.app.services.delphi.openRound(r3, new Date(Date.now() + 60_000), SYSTEM_CONTEXT);
    await t.app.platform.db.execute(sql`update jobs set run_at = now() where name = 'delphi.close-round'`);
    await t.app.platform.db.execute(
      sql`update delphi_rounds set closes_at = now() - interval '1 second' where id = ${r3.id}`,
    );
    await t.app.platform.jobs.runDue();
    expect((await t.app.services.delphi.getRound(r3.id))!.status).toBe('closed');
  });
});
