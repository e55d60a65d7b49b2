import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows, lastEmailTo, linkIn } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { loadShippedFrameworks } from '../../src/features/demo/seed';
import { queryRows } from '../../src/platform/db/database';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';

const future = () => new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);

describe.each(DRIVERS)('Delphi study (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let programmeId: string;
  let base: string;
  const panel = ['ann@example.nhs.uk', 'bob@example.nhs.uk', 'cat@example.nhs.uk', 'dan@example.nhs.uk'];
  const panellists = new Map<string, TestClient>();
  let lastRoundId = '';
  let lastItemId = '';

  async function enter(email: string) {
    const c = new TestClient(t.app);
    const link = linkIn((await liveMessageTo(t.app, email))!.text);
    const res = await c.get(link);
    expect(res.statusCode).toBe(302);
    panellists.set(email, c);
    return { c, link, location: res.headers.location as string };
  }

  async function answer(
    email: string,
    ratings: Record<string, string>,
    action = 'submit',
    extra: Record<string, string> = {},
  ) {
    const c = panellists.get(email)!;
    const page = await c.get(`/delphi/${base.split('/').pop()}/take`);
    const roundId = /name="roundId" value="([^"]+)"/.exec(page.body)![1]!;
    const ids = [...page.body.matchAll(/name="itemIds" value="([^"]+)"/g)].map((m) => m[1]!);
    lastRoundId = roundId;
    lastItemId = ids[0]!;
    const codes = [
      ...page.body.matchAll(/<h3 id="title-([^"]+)"><span class="nhsuk-u-visually-hidden">Item <\/span>(.+?)\. /g),
    ].map((m) => [m[2]!, m[1]!] as const);
    const byCode = new Map(codes);
    const form: Record<string, string> = { _csrf: c.csrf(), roundId, action, page: '1', ...extra };
    const body = new URLSearchParams(form);
    for (const id of ids) body.append('itemIds', id);
    for (const [code, value] of Object.entries(ratings)) body.set(`rating-${byCode.get(code)}`, value);
    for (const [k, v] of Object.entries(extra))
      if (k.startsWith('reason:')) body.set(`reason-${byCode.get(k.slice(7))}`, v);
    return t.app.inject({
      method: 'POST',
      url: `/delphi/${base.split('/').pop()}/take`,
      payload: body.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
  }

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await loadShippedFrameworks(t.app.services.frameworks);
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    programmeId = p.id;
    facilitator = new TestClient(t.app);
    await facilitator.signIn(lead.email, lead.password);
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

  it('writes the study report (DOCX, PDF) and anonymised responses (CSV, XLSX)', async () => {
    const docx = await facilitator.get(`${base}/report.docx`);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const pdf = await facilitator.get(`${base}/report.pdf`);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const csv = await facilitator.get(`${base}/responses.csv`);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('round,panellist,group,area,item,rating,comment,reason');
    expect(csv.body).not.toContain('@example.nhs.uk');
    // Two clinicians and two patients: neither group is named, so no row points to one of two people.
    expect(lines.some((l) => /^1,P00\d,Other \(fewer than 3\),,12,NA,,$/.test(l))).toBe(true);
    expect(csv.body).not.toContain('Clinician');
    const xlsx = await facilitator.get(`${base}/responses.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Responses')!.rowCount).toBe(lines.length);
    const report = await t.app.services.delphi.report((await t.app.services.delphi.getStudy(base.split('/').pop()!))!);
    expect(report.changes[0]).toMatchObject({
      dropped: ['12'],
      reworded: ['LM.1.1'],
      merged: [{ from: ['ED.1.1', 'ED.2.1'] }],
    });
    const merged = report.analyses[1]!.items.find((i) => i.text.startsWith('Supervises, teaches'))!;
    expect(report.origins.get(merged.id)).toBe('from round 1 items ED.1.1 + ED.2.1');
  });

  it('sends agreed items to a draft framework, each with its provenance', async () => {
    const fw = t.app.services.frameworks;
    const published = (await fw.find('WM-ADVANCED', '1.0', true))!.version;
    const draft = await fw.newDraft(
      published,
      '1.1-delphi',
      (await queryRows<{ id: string }>(t.app.platform.db, sql`select id from users limit 1`))[0]!.id,
      SYSTEM_CONTEXT,
    );
    const url = `${base}/to-framework`;
    const bad = await facilitator.submit(url, url, { versionId: published.id });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Choose a draft framework version');
    expect((await facilitator.submit(url, url, { versionId: draft.id })).statusCode).toBe(302);
    const statement = textOf(
      (await facilitator.get('/frameworks/WM-ADVANCED/versions/1.1-delphi/statements/CP.1.1')).body,
    );
    expect(statement).toMatch(/Delphi item: Transition capabilities, round 2, item CP\.1\.1 – n = 4; 100% rated 7–9/);
    // The provenance link opens the round's results at that item.
    const statementHtml = (await facilitator.get('/frameworks/WM-ADVANCED/versions/1.1-delphi/statements/CP.1.1')).body;
    const href = /href="([^"]*\/rounds\/2#item-CP\.1\.1)"/.exec(statementHtml)![1]!;
    const results = await facilitator.get(href.split('#')[0]!);
    expect(results.statusCode).toBe(200);
    expect(results.body).toContain('id="item-CP.1.1"');
    // Sending again adds nothing twice.
    const again = await t.app.services.delphi.sendToFramework(
      (await t.app.services.delphi.getStudy(base.split('/').pop()!))!,
      draft.id,
      SYSTEM_CONTEXT,
    );
    expect(again.linked).toEqual([]);
    expect(again.added).toEqual([]);
    expect(
      textOf((await facilitator.get('/frameworks/WM-ADVANCED/versions/1.1-delphi/statements/CP.1.1')).body).match(
        /Delphi item:/g,
      ),
    ).toHaveLength(1);
  });

  it('shows the panellist their personal feedback, as a page and a PDF', async () => {
    const c = panellists.get(panel[0]!)!;
    const page = textOf((await c.get(`/delphi/${base.split('/').pop()}/my-feedback`)).body);
    expect(page).toContain('Round 1');
    expect(page).toContain('Round 2');
    expect((await c.get(`/delphi/${base.split('/').pop()}/my-feedback.pdf`)).rawPayload.subarray(0, 5).toString()).toBe(
      '%PDF-',
    );
    expect((await new TestClient(t.app).get(`/delphi/${base.split('/').pop()}/take`)).statusCode).toBe(302);
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

  it('limits the study pages to the programme lead, facilitators and analysts', async () => {
    const outsider = await buildUser(t.app);
    const c = new TestClient(t.app);
    await c.signIn(outsider.email, outsider.password);
    expect((await c.get(base)).statusCode).toBe(403);
    expect((await c.get(`/delphi/${base.split('/').pop()}/take`)).statusCode).toBe(403);
  });
});
