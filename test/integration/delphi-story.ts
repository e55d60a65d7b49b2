import { expect } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient } from '../helpers/client';
import type { Driver } from '../../src/platform/db/database';
import { buildProgramme, buildUser, linkIn } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { loadShippedFrameworks } from '../../src/features/demo/seed';

/**
 * One Delphi study told from set-up to the final report, in three files:
 * delphi.test.ts (set-up, items, panel, round 1), delphi-rounds.test.ts (round 2
 * and its lineage) and delphi-reports.test.ts (report, exports, framework,
 * feedback). Each file has a database of its own, so a later file first replays
 * the earlier chapters here: the same requests, without their checks.
 */

export const PANEL = ['ann@example.nhs.uk', 'bob@example.nhs.uk', 'cat@example.nhs.uk', 'dan@example.nhs.uk'];

/** Three days from now, as a datetime-local field takes it. */
export const future = () => new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);

/** An app with the shipped frameworks, a programme and its lead, signed in. */
export async function startStory(driver: Driver) {
  const t = await buildTestApp(driver);
  await loadShippedFrameworks(t.app.services.frameworks);
  const lead = await buildUser(t.app);
  const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
  const facilitator = new TestClient(t.app);
  await facilitator.signIn(lead.email, lead.password);
  return { t, facilitator, programmeId: p.id };
}

/** The panellist follows the link in their latest email; their signed-in client is kept in `panellists`. */
export async function enterByEmail(t: TestApp, panellists: Map<string, TestClient>, email: string) {
  const c = new TestClient(t.app);
  const link = linkIn((await liveMessageTo(t.app, email))!.text);
  const res = await c.get(link);
  expect(res.statusCode).toBe(302);
  panellists.set(email, c);
  return { c, link, location: res.headers.location as string };
}

/** A panellist's rating form sent, ratings given by item code; `reason:CODE` in `extra` gives a reason. */
export async function answerTake(
  t: TestApp,
  c: TestClient,
  studyId: string,
  ratings: Record<string, string>,
  action: string,
  extra: Record<string, string>,
) {
  const page = await c.get(`/delphi/${studyId}/take`);
  const roundId = /name="roundId" value="([^"]+)"/.exec(page.body)![1]!;
  const ids = [...page.body.matchAll(/name="itemIds" value="([^"]+)"/g)].map((m) => m[1]!);
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
  const res = await postFields(t, c, `/delphi/${studyId}/take`, body);
  return { res, roundId, itemIds: ids };
}

/** A form with repeated fields (ticked checkboxes), sent as the client. */
function postFields(t: TestApp, c: TestClient, url: string, body: URLSearchParams) {
  return t.app.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
}

interface Story {
  t: TestApp;
  facilitator: TestClient;
  programmeId: string;
  panellists: Map<string, TestClient>;
}

const ROUND_1_CODES = [
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
];
const ROUND_2_CODES = ['CP.1.1', 'CP.1.2', 'CP.2.1', 'CP.2.2', 'LM.1.1', 'LM.2.1', 'RE.1.1', 'RE.2.1', '11', '13'];
const every = (codes: string[], r: string) => Object.fromEntries(codes.map((c) => [c, r]));

async function sure(res: Promise<{ statusCode: number }>) {
  expect((await res).statusCode).toBe(302);
}

/**
 * Replays delphi.test.ts: the study "Transition capabilities" (COMET 70/15, reasons beyond 4 points), twelve items
 * (the advanced practice framework's, one typed, one from a CSV), two clinicians and two patients, round 1 answered
 * by all four and closed. Returns the study's page.
 */
export async function replayRoundOne(s: Story): Promise<string> {
  const { t, facilitator, programmeId } = s;
  const url = `/programmes/${programmeId}/delphi/new`;
  const made = await facilitator.submit(url, url, {
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
  const base = made.headers.location as string;
  const studyId = base.split('/').pop()!;
  const items = `${base}/items`;
  await facilitator.get(items);
  const versionId = /<option value="([0-9a-f-]{36})"[^>]*>\s*Advanced practice framework/.exec(
    facilitator.lastHtml,
  )![1]!;
  await sure(facilitator.submit(items, `${items}/from-framework`, { versionId, stage: '' }));
  await sure(
    facilitator.submit(items, items, { text: 'Leads a regional network', domain: 'Consultancy', stage: 'years-1-3' }),
  );
  await sure(
    facilitator.submit(items, `${items}/import`, {
      csv: 'text,domain,stage\nShares learning across the system,Education,transition\n',
    }),
  );
  const panel = `${base}/panel`;
  await sure(facilitator.submit(panel, panel, { emails: PANEL.slice(0, 2).join('\n'), stakeholderType: 'Clinician' }));
  await sure(
    facilitator.submit(panel, panel, { emails: PANEL.slice(2).join(', '), stakeholderType: 'Patient or citizen' }),
  );
  await facilitator.get(base);
  await sure(facilitator.post(`${base}/rounds/1/open`, { _csrf: facilitator.csrf(), closesAt: future() }));
  await t.app.platform.jobs.runDue();
  const all = (r: string) => every(ROUND_1_CODES, r);
  const ratings: Record<string, Record<string, string>> = {
    [PANEL[0]!]: { ...all('8'), 'CP.1.1': '9', 'LM.1.1': '2' },
    [PANEL[1]!]: { ...all('8'), 'LM.1.1': '5', '12': 'unable' },
    [PANEL[2]!]: { ...all('7'), 'LM.1.1': '5' },
    [PANEL[3]!]: { ...all('9'), 'LM.1.1': '8', 'CP.2.2': '3' },
  };
  for (const email of PANEL) {
    const { c } = await enterByEmail(t, s.panellists, email);
    await sure(answerTake(t, c, studyId, ratings[email]!, 'submit', {}).then((a) => a.res));
  }
  await facilitator.get(base);
  await sure(facilitator.post(`${base}/rounds/1/close`, { _csrf: facilitator.csrf() }));
  return base;
}

/**
 * Replays delphi-rounds.test.ts up to round 2 closed: LM.1.1 reworded, ED.1.1 and ED.2.1 merged, item 12 dropped;
 * round 2 answered by all four (Ann giving a reason for CP.2.1 at 2).
 */
export async function replayRoundTwo(s: Story, base: string): Promise<void> {
  const { t, facilitator } = s;
  const studyId = base.split('/').pop()!;
  await facilitator.get(base);
  await sure(facilitator.post(`${base}/rounds/next`, { _csrf: facilitator.csrf() }));
  const items = await facilitator.get(`${base}/items`);
  const idOf = (code: string) => {
    const row = items.body.split('<tr class="nhsuk-table__row">').find((r) => r.includes(`<strong>${code}</strong>`))!;
    return /id="item-([0-9a-f-]{36})"/.exec(row)![1]!;
  };
  const reword = `${base}/items/${idOf('LM.1.1')}`;
  await sure(
    facilitator.submit(reword, reword, {
      text: 'Leads the team through new or uncertain clinical situations',
      domain: 'Leadership and management',
      stage: 'advanced',
    }),
  );
  await facilitator.get(`${base}/items`);
  const merge = new URLSearchParams({
    _csrf: facilitator.csrf(),
    action: 'merge',
    mergeText: 'Supervises, teaches and records their own development',
  });
  merge.append('items', idOf('ED.1.1'));
  merge.append('items', idOf('ED.2.1'));
  await sure(postFields(t, facilitator, `${base}/items/change`, merge));
  await facilitator.get(`${base}/items`);
  const drop = new URLSearchParams({ _csrf: facilitator.csrf(), action: 'drop' });
  drop.append('items', idOf('12'));
  await sure(postFields(t, facilitator, `${base}/items/change`, drop));
  await facilitator.get(base);
  await sure(facilitator.post(`${base}/rounds/2/open`, { _csrf: facilitator.csrf(), closesAt: future() }));
  const all = (r: string) => every(ROUND_2_CODES, r);
  for (const email of PANEL) {
    const { c } = await enterByEmail(t, s.panellists, email);
    const ann = email === PANEL[0];
    const ratings = ann ? { ...all('8'), 'CP.2.1': '2', 'LM.1.1': '5' } : { ...all('8'), 'LM.1.1': '5' };
    const extra: Record<string, string> = ann ? { 'reason:CP.2.1': 'Not part of my service' } : {};
    await sure(answerTake(t, c, studyId, ratings, 'submit', extra).then((a) => a.res));
  }
  await facilitator.get(base);
  await sure(facilitator.post(`${base}/rounds/2/close`, { _csrf: facilitator.csrf() }));
}
