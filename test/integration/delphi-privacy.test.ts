import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildDelphiStudy } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import type { Panellist, Round, Study } from '../../src/features/delphi/repository';
import { personalReportDoc } from '../../src/features/delphi/report';
import { extractText } from '../../src/exports/extract-text';

/**
 * Nine panellists: three clinicians (North), three patients (East), one
 * professional body (South) and two commissioners (West). The lone
 * professional body member's ratings must not be readable from any group
 * figure or export row.
 */
describe.each(DRIVERS)('Delphi: figures of small stakeholder groups are withheld (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let study: Study;
  let base: string;
  let r1: Round;
  let panel: Panellist[];
  const groups: [string, string, string[]][] = [
    ['Clinician', 'North', ['c1', 'c2', 'c3']],
    ['Patient or citizen', 'East', ['p1', 'p2', 'p3']],
    ['Professional body', 'South', ['b1']],
    ['Commissioner', 'West', ['m1', 'm2']],
  ];
  // A: clinicians 7, 8, 9; patients 7; the professional body 3; commissioners 2 and 4. B: everyone 8.
  const ratingOf: Record<string, Record<string, number>> = {
    A: { c1: 7, c2: 8, c3: 9, p1: 7, p2: 7, p3: 7, b1: 3, m1: 2, m2: 4 },
    B: Object.fromEntries(['c1', 'c2', 'c3', 'p1', 'p2', 'p3', 'b1', 'm1', 'm2'].map((k) => [k, 8])),
  };
  const who = (p: Panellist) => p.email.split('@')[0]!;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const made = await buildDelphiStudy(t.app, { title: 'Small groups', everyGroup: true, reasonDistance: 4 });
    const { lead } = made;
    study = made.study;
    const id = study.id;
    const delphi = t.app.services.delphi;
    facilitator = new TestClient(t.app);
    await facilitator.signIn(lead.email, lead.password);
    base = made.base;
    r1 = (await delphi.rounds(id)).find((r) => r.number === 1)!;
    await delphi.addItems(
      r1,
      [
        { code: 'A', text: 'Alpha: leads clinical practice', domain: 'Clinical practice', stage: null, area: null },
        { code: 'B', text: 'Beta: develops others', domain: 'Education', stage: null, area: null },
      ],
      SYSTEM_CONTEXT,
    );
    for (const [group, area, names] of groups)
      await delphi.invite(
        study,
        names.map((n) => `${n}@example.nhs.uk`),
        group,
        area,
        SYSTEM_CONTEXT,
      );
    await delphi.openRound(r1, new Date(Date.now() + 86_400_000), SYSTEM_CONTEXT);
    panel = await delphi.panel(study.id);
    const items = await delphi.items(r1.id);
    for (const person of panel) {
      const inputs = items.map((i) => ({
        itemId: i.id,
        value: ratingOf[i.code]![who(person)]!,
        comment: `${who(person)} on ${i.code}`,
        reason: '',
      }));
      expect((await delphi.saveRatings(study, person, r1.id, inputs, true)).errors).toEqual({});
    }
    await delphi.closeRound(r1, SYSTEM_CONTEXT);
  });
  afterAll(async () => t?.close());

  it('round results show a three-person group and withhold the one- and two-person groups, whose real figures still count for "every group"', async () => {
    const page = textOf((await facilitator.get(`${base}/rounds/1`)).body);
    // Groups in order: Clinician, Commissioner, Patient or citizen, Professional body.
    expect(page).toMatch(
      /A Alpha: leads clinical practice 9 \(0\) 7 \(.*?\) .*?8, 100% Withheld: fewer than 3 people 7, 100% Withheld: fewer than 3 people No consensus/,
    );
    // The commissioners' and the professional body's median (3) with 0% high is nowhere.
    expect(page).not.toContain('3, 0%');
    // B: every group agrees, the withheld ones included.
    expect(page).toMatch(
      /B Beta: develops others .*?8, 100% Withheld: fewer than 3 people 8, 100% Withheld: fewer than 3 people In/,
    );
    expect(page).toContain('Consensus in every group still counts such a group, with its real figures.');
  });

  it('feedback compares a lone panellist with the panel, not their group, and shows their group as withheld', async () => {
    const delphi = t.app.services.delphi;
    await delphi.prepareNextRound(study, SYSTEM_CONTEXT);
    const r2 = (await delphi.rounds(study.id)).find((r) => r.number === 2)!;
    await delphi.openRound(r2, new Date(Date.now() + 86_400_000), SYSTEM_CONTEXT);
    const body = panel.find((p) => who(p) === 'b1')!;
    const clinician = panel.find((p) => who(p) === 'c1')!;
    const [forBody] = await delphi.feedbackFor(study, r1, r2, body);
    expect(forBody!.groups.find((g) => g.name === 'Professional body')!.stats).toEqual({ withheld: true });
    expect(forBody!.groups.find((g) => g.name === 'Clinician')!.stats).toMatchObject({ withheld: false, median: 8 });
    expect(forBody).toMatchObject({ compareWith: 'panel', compareMedian: 7 });
    expect(JSON.stringify(forBody)).not.toContain('"median":3');
    expect((await delphi.feedbackFor(study, r1, r2, clinician))[0]).toMatchObject({
      compareWith: 'group',
      compareMedian: 8,
    });
    // 2 is five points from the panel's median (7), and only one from the body's own withheld median (3).
    const a = (await delphi.items(r2.id)).find((i) => i.code === 'A')!;
    const far = await delphi.saveRatings(
      study,
      body,
      r2.id,
      [{ itemId: a.id, value: 2, comment: '', reason: '' }],
      false,
    );
    expect(far.errors[`reason-${a.id}`]).toBe(
      "Your rating for item A is 4 or more points from the panel's median last round. Say briefly why",
    );
  });

  it('personal feedback withholds the median of a group too small to show', async () => {
    const delphi = t.app.services.delphi;
    const body = panel.find((p) => who(p) === 'b1')!;
    const doc = personalReportDoc(study, body, await delphi.personalReport(study, body));
    const table = doc.blocks.find((b) => b.kind === 'table');
    expect(table && table.kind === 'table' ? table.rows.map((r) => r[4]) : []).toEqual([
      'Withheld: fewer than 3 people',
      'Withheld: fewer than 3 people',
    ]);
  });

  it('the report states the rule; the anonymised export names no group or area of fewer than three', async () => {
    const docx = await facilitator.get(`${base}/report.docx`);
    const extracted = await extractText('report.docx', docx.rawPayload);
    const text = extracted.ok ? extracted.text : '';
    expect(text).toContain(
      "A group's figures are withheld when fewer than 3 of its panellists rated an item, but the group still counts towards this rule with its real figures.",
    );
    expect(text).toContain('1 item reached consensus in, 0 consensus out, 1 no consensus.');
    const csv = (await facilitator.get(`${base}/responses.csv`)).body;
    for (const hidden of ['Professional body', 'Commissioner', 'South', 'West', '@example.nhs.uk'])
      expect(csv).not.toContain(hidden);
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('round,panellist,group,area,item,rating,comment,reason');
    expect(lines.find((l) => l.includes('b1 on A'))).toMatch(
      /^1,P00\d,Other \(fewer than 3\),Other \(fewer than 3\),A,3,b1 on A,$/,
    );
    expect(lines.filter((l) => l.includes(',Clinician,North,'))).toHaveLength(6);
    expect(lines.filter((l) => l.includes(',Patient or citizen,East,'))).toHaveLength(6);
  });
});
