import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildDelphiStudy } from '../helpers/factories';
import { loadShippedFrameworks } from '../../src/features/demo/seed';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import type { Round, Study } from '../../src/features/delphi/repository';
import { extractText } from '../../src/exports/extract-text';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/database';

/**
 * A hand-built two-round study. Round 1: A, C and D reach consensus in, B does
 * not. Round 2 is prepared by retiring A as agreed, dropping C and rewording D;
 * in round 2, B reaches consensus in and the reworded D does not.
 */
describe.each(DRIVERS)('Delphi final list across rounds (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let study: Study;
  let base: string;
  let draftId: string;
  const ids: Record<string, string> = {};

  const rate = async (round: Round, ratings: Record<string, number[]>) => {
    const delphi = t.app.services.delphi;
    const panel = await delphi.panel(study.id);
    const items = await delphi.items(round.id);
    for (const [n, p] of panel.entries()) {
      const inputs = items.map((i) => ({ itemId: i.id, value: ratings[i.code]![n]!, comment: '', reason: '' }));
      expect((await delphi.saveRatings(study, p, round.id, inputs, true)).errors).toEqual({});
    }
  };
  const round = async (n: number) => (await t.app.services.delphi.rounds(study.id)).find((r) => r.number === n)!;
  const itemsPage = () => facilitator.get(`${base}/items`);
  const change = async (action: string, itemId: string) => {
    await itemsPage();
    return facilitator.post(`${base}/items/change`, { _csrf: facilitator.csrf(), action, items: itemId });
  };

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await loadShippedFrameworks(t.app.services.frameworks);
    const made = await buildDelphiStudy(t.app, { title: 'Across rounds' });
    const { lead } = made;
    study = made.study;
    const delphi = t.app.services.delphi;
    facilitator = new TestClient(t.app);
    await facilitator.signIn(lead.email, lead.password);
    base = made.base;
    const r1 = await round(1);
    // E comes from a framework statement; the panel agrees it only once reworded, in round 2.
    const fw = t.app.services.frameworks;
    const statement = (await fw.itemsOf((await fw.find('WM-ADVANCED', '1.0', true))!.version.id)).find(
      (i) => i.code === 'CP.1.1',
    )!;
    await delphi.addItems(
      r1,
      [
        {
          code: 'A',
          text: 'Alpha: leads clinical practice across a system',
          domain: 'Clinical practice',
          stage: 'advanced',
          area: null,
        },
        {
          code: 'B',
          text: 'Beta: develops leadership in others',
          domain: 'Leadership and management',
          stage: 'advanced',
          area: null,
        },
        { code: 'C', text: 'Gamma: teaches on a programme', domain: 'Education', stage: 'advanced', area: null },
        {
          code: 'D',
          text: 'Delta: publishes research in the agreed wording',
          domain: 'Research',
          stage: 'advanced',
          area: null,
        },
        {
          code: 'E',
          text: statement.text,
          domain: 'Clinical practice',
          stage: 'advanced',
          area: null,
          sourceIdentifier: statement.identifier,
        },
      ],
      SYSTEM_CONTEXT,
    );
    await delphi.invite(
      study,
      ['p1@example.nhs.uk', 'p2@example.nhs.uk', 'p3@example.nhs.uk', 'p4@example.nhs.uk'],
      'Clinician',
      null,
      SYSTEM_CONTEXT,
    );
    await delphi.openRound(r1, new Date(Date.now() + 86_400_000), SYSTEM_CONTEXT);
    await rate(r1, { A: [8, 8, 9, 9], B: [2, 5, 8, 5], C: [7, 8, 8, 9], D: [9, 9, 8, 8], E: [2, 5, 8, 5] });
    await delphi.closeRound(r1, SYSTEM_CONTEXT);
    for (const i of await delphi.items(r1.id)) ids[i.code] = i.id;
  });
  afterAll(async () => t?.close());

  it('retires an agreed item as agreed, refuses to retire one without consensus, and drops and rewords others', async () => {
    const delphi = t.app.services.delphi;
    await delphi.prepareNextRound(study, SYSTEM_CONTEXT);
    const draft = await round(2);
    draftId = draft.id;
    const copy = async (code: string) => (await delphi.items(draft.id)).find((i) => i.code === code)!;
    const refused = await change('retire', (await copy('B')).id);
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Item B did not reach consensus "in" in round 1');
    expect((await delphi.items(draft.id)).map((i) => i.code)).toEqual(['A', 'B', 'C', 'D', 'E']);
    const retired = await change('retire', (await copy('A')).id);
    expect(retired.statusCode).toBe(302);
    expect((await change('drop', (await copy('C')).id)).statusCode).toBe(302);
    await delphi.editItem(
      await copy('D'),
      { text: 'Delta: publishes and shares research (reworded)', domain: 'Research', stage: 'advanced', area: null },
      SYSTEM_CONTEXT,
    );
    const e = await copy('E');
    await delphi.editItem(
      e,
      {
        text: 'Takes a history that includes what matters to the person',
        domain: e.domain,
        stage: e.stage,
        area: null,
      },
      SYSTEM_CONTEXT,
    );
    expect((await delphi.items(draft.id)).map((i) => i.code)).toEqual(['B', 'D', 'E']);
  });

  it('lists A (round 1 figures), B (round 2 figures) and D in its agreed wording on the final list, not C', async () => {
    const delphi = t.app.services.delphi;
    const r2 = (await delphi.getRound(draftId))!;
    await delphi.openRound(r2, new Date(Date.now() + 86_400_000), SYSTEM_CONTEXT);
    await rate(r2, { B: [8, 8, 9, 7], D: [2, 5, 8, 5], E: [9, 9, 8, 8] });
    await delphi.closeRound(r2, SYSTEM_CONTEXT);
    const report = await delphi.report(study);
    expect(report.final.map((f) => [f.item.code, f.round.number, f.item.text.split(':')[0]])).toEqual([
      ['A', 1, 'Alpha'],
      ['D', 1, 'Delta'],
      ['B', 2, 'Beta'],
      ['E', 2, 'Takes a history that includes what matters to the person'],
    ]);
    expect(report.final.find((f) => f.item.code === 'D')!.item.text).toBe(
      'Delta: publishes research in the agreed wording',
    );
    expect(report.final.find((f) => f.item.code === 'A')!.retired).toBe(true);
    expect(report.changes[0]).toMatchObject({ retired: ['A'], dropped: ['C'], reworded: ['D', 'E'] });
    expect(textOf((await facilitator.get(base)).body)).toContain(
      'Final list so far: 4 items agreed across the closed rounds, 1 of them retired as agreed',
    );
    // The Word report carries the same list, with stage labels and each item's agreeing figures.
    const docx = await facilitator.get(`${base}/report.docx`);
    const extracted = await extractText('report.docx', docx.rawPayload);
    const text = extracted.ok ? extracted.text : '';
    expect(text).toContain(
      'A. Alpha: leads clinical practice across a system (stage: Advanced practice level) – agreed in round 1: n = 4; 100% rated 7–9',
    );
    expect(text).toContain('retired as agreed after round 1');
    expect(text).toContain(
      'B. Beta: develops leadership in others (stage: Advanced practice level) – agreed in round 2: n = 4; 100% rated 7–9',
    );
    expect(text).toContain(
      'D. Delta: publishes research in the agreed wording (stage: Advanced practice level) – agreed in round 1',
    );
    expect(text).toContain('rated again in round 2 without consensus');
    expect(text).not.toMatch(/C\. Gamma[^<]*agreed in round/);
    expect(text).not.toContain('stage: advanced');
  });

  it('sends A, B and D (agreed wording) to a draft framework; a second send says already sent and adds nothing', async () => {
    const fw = t.app.services.frameworks;
    const published = (await fw.find('WM-ADVANCED', '1.0', true))!.version;
    const draft = await fw.newDraft(published, '1.1-across', study.createdBy!, SYSTEM_CONTEXT);
    const before = (await fw.itemsOf(draft.id)).length;
    const url = `${base}/to-framework`;
    expect((await facilitator.submit(url, url, { versionId: draft.id })).statusCode).toBe(302);
    const first = textOf((await facilitator.get(base)).body);
    expect(first).toContain('Linked 1 statement to the study and added 3 new statements');
    const items = await fw.itemsOf(draft.id);
    expect(items.length).toBe(before + 3);
    const texts = items.map((i) => i.text);
    expect(texts).toContain('Alpha: leads clinical practice across a system');
    expect(texts).toContain('Beta: develops leadership in others');
    expect(texts).toContain('Delta: publishes research in the agreed wording');
    expect(texts).not.toContain('Delta: publishes and shares research (reworded)');
    expect(texts).not.toContain('Gamma: teaches on a programme');
    const alpha = items.find((i) => i.text.startsWith('Alpha'))!;
    const page = textOf(
      (await facilitator.get(`/frameworks/WM-ADVANCED/versions/1.1-across/statements/${alpha.code}`)).body,
    );
    expect(page).toMatch(/Across rounds, round 1, item A – n = 4; 100% rated 7–9/);
    // A statement the panel agreed in other words keeps its own; the editor sees both.
    const linked = textOf(
      (await facilitator.get('/frameworks/WM-ADVANCED/versions/1.1-across/statements/CP.1.1')).body,
    );
    expect(linked).toContain('Across rounds, round 2, item E');
    expect(linked).toContain(
      'the panel agreed this wording: "Takes a history that includes what matters to the person"',
    );

    expect((await facilitator.submit(url, url, { versionId: draft.id })).statusCode).toBe(302);
    const again = textOf((await facilitator.get(base)).body);
    expect(again).toContain(
      'Nothing new was sent. Already sent to this version, so not sent again: A (round 1), D (round 1), B (round 2), E (round 2)',
    );
    expect(again).not.toContain('no domain of the same name');
    expect((await fw.itemsOf(draft.id)).length).toBe(before + 3);
  });
  /** Provenance links from this study's items to statements of a version, per statement and Delphi item. */
  const linksIn = (versionId: string) =>
    queryRows<{ item_id: string; source_id: string; n: number }>(
      t.app.platform.db,
      sql`select p.item_id, p.source_id, count(*)::int as n from provenance_links p join framework_items i on i.id = p.item_id where i.version_id = ${versionId} and p.source_type = 'delphi-item' group by p.item_id, p.source_id`,
    );

  it('two sends at once (a double click with two keys) leave one link per item and no error', async () => {
    const fw = t.app.services.frameworks;
    const published = (await fw.find('WM-ADVANCED', '1.0', true))!.version;
    const draft = await fw.newDraft(published, '1.2-race', study.createdBy!, SYSTEM_CONTEXT);
    const before = (await fw.itemsOf(draft.id)).length;
    const url = `${base}/to-framework`;
    await facilitator.get(url);
    const csrf = facilitator.csrf();
    const sends = await Promise.all(
      ['a', 'b'].map(() =>
        facilitator.post(url, { _csrf: csrf, _submission: crypto.randomUUID(), versionId: draft.id }),
      ),
    );
    expect(sends.map((r) => r.statusCode)).toEqual([302, 302]);
    const links = await linksIn(draft.id);
    expect(links.length).toBe(4);
    expect(links.every((l) => l.n === 1)).toBe(true);
    expect((await fw.itemsOf(draft.id)).length).toBe(before + 3);
  });

  it('the same form sent twice (one submission key) sends once and says what the first send did', async () => {
    const fw = t.app.services.frameworks;
    const published = (await fw.find('WM-ADVANCED', '1.0', true))!.version;
    const draft = await fw.newDraft(published, '1.3-twice', study.createdBy!, SYSTEM_CONTEXT);
    const before = (await fw.itemsOf(draft.id)).length;
    const url = `${base}/to-framework`;
    await facilitator.get(url);
    const key = facilitator.hidden('_submission');
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    const csrf = facilitator.csrf();
    const audits = async () =>
      (
        await queryRows<{ n: number }>(
          t.app.platform.db,
          sql`select count(*)::int as n from audit_events where action = 'delphi.sent-to-framework' and details->>'versionId' = ${draft.id}`,
        )
      )[0]!.n;
    for (let n = 0; n < 2; n++) {
      expect((await facilitator.post(url, { _csrf: csrf, _submission: key, versionId: draft.id })).statusCode).toBe(
        302,
      );
      expect(textOf((await facilitator.get(base)).body)).toContain(
        'Linked 1 statement to the study and added 3 new statements',
      );
    }
    expect((await fw.itemsOf(draft.id)).length).toBe(before + 3);
    expect((await linksIn(draft.id)).length).toBe(4);
    expect(await audits()).toBe(1);
  });
});
