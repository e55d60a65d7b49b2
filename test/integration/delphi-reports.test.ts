import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser } from '../helpers/factories';
import { queryRows } from '../../src/platform/db/database';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { PANEL, replayRoundOne, replayRoundTwo, startStory } from './delphi-story';

// The last chapter of one study (see delphi-story.ts): after two rounds, its report, exports and feedback.
describe.each(DRIVERS)('Delphi study, reports (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let base: string;
  const panel = PANEL;
  const panellists = new Map<string, TestClient>();

  beforeAll(async () => {
    const story = await startStory(driver);
    ({ t, facilitator } = story);
    base = await replayRoundOne({ ...story, panellists });
    await replayRoundTwo({ ...story, panellists }, base);
  });
  afterAll(async () => t?.close());

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

  it('limits the study pages to the programme lead, facilitators and analysts', async () => {
    const outsider = await buildUser(t.app);
    const c = new TestClient(t.app);
    await c.signIn(outsider.email, outsider.password);
    expect((await c.get(base)).statusCode).toBe(403);
    expect((await c.get(`/delphi/${base.split('/').pop()}/take`)).statusCode).toBe(403);
  });
});
