import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { countRows, lastEmailTo } from '../helpers/factories';
import { queryRows } from '../../src/platform/db/database';
import { answerTake, enterByEmail, future, PANEL, startStory } from './delphi-story';

// The first chapter of one study (see delphi-story.ts): set-up, items, the panel and round 1.
describe.each(DRIVERS)('Delphi study (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let programmeId: string;
  let base: string;
  const panel = PANEL;
  const panellists = new Map<string, TestClient>();
  let lastRoundId = '';
  let lastItemId = '';

  const enter = (email: string) => enterByEmail(t, panellists, email);

  async function answer(
    email: string,
    ratings: Record<string, string>,
    action = 'submit',
    extra: Record<string, string> = {},
  ) {
    const sent = await answerTake(t, panellists.get(email)!, base.split('/').pop()!, ratings, action, extra);
    lastRoundId = sent.roundId;
    lastItemId = sent.itemIds[0]!;
    return sent.res;
  }

  beforeAll(async () => {
    ({ t, facilitator, programmeId } = await startStory(driver));
  });
  afterAll(async () => t?.close());

  it('sets up a study, refusing bad settings with specific messages', async () => {
    const url = `/programmes/${programmeId}/delphi/new`;
    const bad = await facilitator.submit(url, url, {
      title: '',
      scale: '1-5',
      rule: 'rand-ucla',
      quartileMethod: '7',
      reasonDistance: 'far',
    });
    expect(bad.statusCode).toBe(400);
    const text = textOf(bad.body);
    expect(text).toContain('Enter a title for the study');
    expect(text).toContain('Enter a whole number of points');
    // Thresholds off the chosen scale would leave every item without consensus.
    const offScale = textOf(
      (
        await facilitator.submit(url, url, {
          title: 'Five points',
          scale: '1-5',
          rule: 'median-iqr',
          medianIn: '7',
          medianOut: '3',
          maxIqr: '1',
          quartileMethod: '7',
          reasonDistance: '6',
        })
      ).body,
    );
    expect(offScale).toContain('The median for "in" must be on the scale, from 1 to 5');
    expect(offScale).toContain('On this scale ratings can be at most 4 points apart');
    const ok = await facilitator.submit(url, url, {
      title: 'Transition capabilities',
      purpose: 'Agree what to evidence',
      scale: '1-9',
      allowUnable: 'yes',
      rule: 'comet',
      cometIn: '70',
      cometOther: '15',
      quartileMethod: '7',
      reasonDistance: '4',
      everyGroup: 'no',
      namesInExports: 'no',
    });
    expect(ok.statusCode).toBe(302);
    base = ok.headers.location as string;
    expect(textOf((await facilitator.get(base)).body)).toContain('at least 70% rated 7–9 and fewer than 15% rated 1–3');
    // Round statuses in words, not keys.
    expect(textOf((await facilitator.get(`/programmes/${programmeId}/delphi`)).body)).toContain(
      'Round 1: being prepared',
    );
    expect(textOf((await facilitator.get(base)).body)).toContain('Being prepared');
  });

  it('adds items from the framework, typed and from CSV; refuses a bad CSV', async () => {
    const items = `${base}/items`;
    await facilitator.get(items);
    const versionId = /<option value="([0-9a-f-]{36})"[^>]*>\s*Advanced practice framework/.exec(
      facilitator.lastHtml,
    )![1]!;
    expect((await facilitator.submit(items, `${items}/from-framework`, { versionId, stage: '' })).statusCode).toBe(302);
    expect(
      (
        await facilitator.submit(items, items, {
          text: 'Leads a regional network',
          domain: 'Consultancy',
          stage: 'years-1-3',
        })
      ).statusCode,
    ).toBe(302);
    // NHS numbers are refused in items however they arrive; every failing field is named at once, in Waymark's words.
    const typedNhs = await facilitator.submit(items, items, {
      text: 'Reviews 943 476 5919 weekly',
      domain: 'd'.repeat(201),
      stage: 'someday',
    });
    expect(typedNhs.statusCode).toBe(400);
    expect(textOf(typedNhs.body)).toContain('contains what looks like an NHS number (943 476 5919)');
    expect(textOf(typedNhs.body)).toContain('The domain must be 200 characters or fewer');
    expect(textOf(typedNhs.body)).toContain('Choose a stage from the list');
    const csvNhs = await facilitator.submit(items, `${items}/import`, {
      csv: 'text,stage\nReviews 943 476 5919 weekly,\nFine,sometime\n',
    });
    expect(csvNhs.statusCode).toBe(400);
    expect(textOf(csvNhs.body)).toContain('line 2: the text contains what looks like an NHS number (943 476 5919)');
    expect(textOf(csvNhs.body)).toContain('line 3: stage "sometime" is not one of');
    const bad = await facilitator.submit(items, `${items}/import`, { csv: 'text,code\n,X1\nSomething,X1\nOther,X1\n' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('line 2: has no text');
    expect(
      (
        await facilitator.submit(items, `${items}/import`, {
          csv: 'text,domain,stage\nShares learning across the system,Education,transition\n',
        })
      ).statusCode,
    ).toBe(302);
    const list = textOf((await facilitator.get(items)).body);
    expect(list).toContain('CP.1.1 Takes a comprehensive history');
    expect(list).toContain('Leads a regional network');
    expect(list).toContain('Shares learning across the system');
    // Stages by name, never by key.
    expect(list).toContain('Years 1 to 3 in post');
    expect(list).not.toContain('years-1-3');
  });

  it('will not open a round without a panel, and refuses bad email addresses', async () => {
    await facilitator.get(base);
    const res = await facilitator.post(`${base}/rounds/1/open`, { _csrf: facilitator.csrf(), closesAt: future() });
    // Shown on the form, beside the closing date, with what was typed kept.
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Invite a panel before opening a round');
    expect(res.body).toMatch(/id="closesAt-error"/);
    const bad = await facilitator.submit(`${base}/panel`, `${base}/panel`, {
      emails: 'ann@example.nhs.uk, not-an-email',
      stakeholderType: 'Clinician',
    });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('"not-an-email" is not an email address');
  });

  it('invites the panel, opens round 1 and emails every panellist a link of their own', async () => {
    await facilitator.submit(`${base}/panel`, `${base}/panel`, {
      emails: panel.slice(0, 2).join('\n'),
      stakeholderType: 'Clinician',
    });
    await facilitator.submit(`${base}/panel`, `${base}/panel`, {
      emails: panel.slice(2).join(', '),
      stakeholderType: 'Patient or citizen',
    });
    expect(await countRows(t.app, 'delphi_panellists')).toBe(4);
    await facilitator.get(base);
    const past = await facilitator.post(`${base}/rounds/1/open`, {
      _csrf: facilitator.csrf(),
      closesAt: '2020-01-01T10:00',
    });
    expect(past.statusCode).toBe(400);
    expect(textOf(past.body)).toContain('The closing date must be in the future');
    expect(past.body).toContain('value="2020-01-01T10:00"');
    const garbled = await facilitator.post(`${base}/rounds/1/open`, {
      _csrf: facilitator.csrf(),
      closesAt: 'next week',
    });
    expect(garbled.statusCode).toBe(400);
    expect(textOf(garbled.body)).toContain('Enter the closing date and time, like 2026-12-01T17:00');
    const opened = await facilitator.post(`${base}/rounds/1/open`, { _csrf: facilitator.csrf(), closesAt: future() });
    expect(opened.statusCode).toBe(302);
    await t.app.platform.jobs.runDue();
    for (const email of panel)
      expect((await lastEmailTo(t.app, email))?.subject).toContain('Round 1 of "Transition capabilities" is open');
    const { link } = await enter(panel[0]!);
    // The link keeps working until the round closes (test/integration/delphi-links.test.ts).
    expect((await new TestClient(t.app).get(link)).statusCode).toBe(302);
    for (const email of panel.slice(1)) await enter(email);
  });

  it('keeps one response per item, refuses out-of-scale ratings and incomplete submissions, and saves partial answers', async () => {
    const outOf = await answer(panel[0]!, { 'CP.1.1': '12' }, 'save');
    expect(outOf.statusCode).toBe(400);
    expect(textOf(outOf.body)).toContain('Choose a rating from 1 to 9 for item CP.1.1');
    const partial = await answer(panel[0]!, { 'CP.1.1': '5' }, 'save');
    expect(partial.statusCode).toBe(302);
    // Reasons and comments are bounded and checked for NHS numbers, every failing field at once; nothing is saved.
    const c = panellists.get(panel[0]!)!;
    const tooLong = await c.post(`/delphi/${base.split('/').pop()}/take`, {
      _csrf: c.csrf(),
      roundId: lastRoundId,
      action: 'save',
      itemIds: lastItemId,
      [`rating-${lastItemId}`]: '6',
      [`reason-${lastItemId}`]: 'x'.repeat(900_000),
      [`comment-${lastItemId}`]: 'Seen with 943 476 5919',
    });
    expect(tooLong.statusCode).toBe(400);
    expect(textOf(tooLong.body)).toContain(
      'Your reason for item CP.1.1 must be 2,000 characters or fewer (it has 900,000)',
    );
    expect(textOf(tooLong.body)).toContain(
      'Your comment on item CP.1.1 contains what looks like an NHS number (943 476 5919)',
    );
    expect(
      (await queryRows<{ rating: number }>(t.app.platform.db, sql`select rating from delphi_ratings`)).map(
        (r) => r.rating,
      ),
    ).toEqual([5]);
    const incomplete = await answer(panel[0]!, { 'CP.1.2': '8' }, 'submit');
    expect(incomplete.statusCode).toBe(400);
    expect(textOf(incomplete.body)).toContain('Rate item CP.2.1, or choose "unable to rate"');
    expect(await countRows(t.app, 'delphi_ratings')).toBe(1);
  });

  it('sends reminders only to panellists who have not completed the round', async () => {
    const all = (r: string) =>
      Object.fromEntries(
        [
          'CP.1.1',
          'CP.1.2',
          'CP.2.1',
          'CP.2.2',
          'LM.1.1',
          'LM.2.1',
          'ED.1.1',
          'ED.2.1',
          'RE.1.1',
          'RE.2.1',
          '11',
          '12',
        ].map((c) => [c, r]),
      );
    expect((await answer(panel[0]!, { ...all('8'), 'CP.1.1': '9', 'LM.1.1': '2' })).statusCode).toBe(302);
    expect((await answer(panel[1]!, { ...all('8'), 'LM.1.1': '5', '12': 'unable' })).statusCode).toBe(302);
    expect((await answer(panel[2]!, { ...all('7'), 'LM.1.1': '5' })).statusCode).toBe(302);
    const before = await countRows(t.app, 'outbox');
    await facilitator.get(base);
    await facilitator.post(`${base}/rounds/1/remind`, { _csrf: facilitator.csrf() });
    expect(await countRows(t.app, 'outbox')).toBe(before + 1);
    expect((await lastEmailTo(t.app, panel[3]!))!.subject).toContain('Reminder');
    const { c } = await enter(panel[3]!);
    expect(c).toBeDefined();
    expect((await answer(panel[3]!, { ...all('9'), 'LM.1.1': '8', 'CP.2.2': '3' })).statusCode).toBe(302);
  });

  it('closes round 1; a closed round takes no answers; results show the figures', async () => {
    await facilitator.get(base);
    expect((await facilitator.post(`${base}/rounds/1/close`, { _csrf: facilitator.csrf() })).statusCode).toBe(302);
    const c = panellists.get(panel[0]!)!;
    const late = await c.post(`/delphi/${base.split('/').pop()}/take`, {
      _csrf: c.csrf(),
      roundId: lastRoundId,
      action: 'save',
      itemIds: lastItemId,
      [`rating-${lastItemId}`]: '5',
    });
    expect(late.statusCode).toBe(400);
    expect(textOf(late.body)).toContain('Round 1 is closed; answers can no longer be saved');
    expect(textOf(late.body)).toContain('No round is open');
    const results = textOf((await facilitator.get(`${base}/rounds/1`)).body);
    // CP.1.1: 9, 8, 7, 9 → median 8.5, 100% high → in
    expect(results).toMatch(/CP\.1\.1 Takes a comprehensive history.*4 \(0\) 8\.5 \(7\.75–9\).*In/);
    // LM.1.1: 2, 5, 5, 8 → 25% low, 25% high → no consensus
    expect(results).toMatch(/LM\.1\.1 .*4 \(0\) 5 \(4\.25–5\.75\).*No consensus/);
    // Bob could not rate item 12, so three panellists give complete rankings.
    expect(results).toMatch(/Kendall's W = 0\.\d+ \(3 panellists who rated every item, 12 items/);
  });
});
