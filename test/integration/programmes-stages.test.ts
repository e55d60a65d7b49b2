import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { GRADE_9, parseRule } from '../../src/stats/consensus';

describe.each(DRIVERS)('programmes (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(async () => t?.close());

  it('a lead records the state of a stage; a bad state is refused', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    const url = `/programmes/${p.id}/stages/delphi`;
    const bad = await c.submit(url, url, { state: 'finished-ish' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Choose the state of this stage');
    expect((await c.submit(url, url, { state: 'done', note: 'Three rounds completed' })).statusCode).toBe(302);
    const home = textOf((await c.get(`/programmes/${p.id}`)).body);
    expect(home).toContain('1 of 8 stages done');
    expect(textOf((await c.get(url)).body)).toContain('Three rounds completed');
  });

  it('the programme page shows the stages as the Delphi study and workshops records show them', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    expect(textOf((await c.get(`/programmes/${p.id}`)).body)).toMatch(/1\. Delphi study .*Not started/);

    const { delphi, workshops } = t.app.services;
    const studyId = await delphi.createStudy(
      p.id,
      {
        title: 'Transition capabilities',
        purpose: 'Agree them',
        scale: GRADE_9,
        allowUnable: true,
        rule: parseRule('comet'),
        quartileMethod: 7,
        everyGroup: false,
        reasonDistance: 4,
        namesInExports: false,
        withSuggestions: false,
      },
      lead.id,
      SYSTEM_CONTEXT,
    );
    const [round] = await delphi.rounds(studyId);
    await delphi.addItems(
      round!,
      [{ text: 'Leads research across the system', domain: 'Research and innovation', stage: null, area: null }],
      SYSTEM_CONTEXT,
    );
    await delphi.invite((await delphi.getStudy(studyId))!, ['panel@example.nhs.uk'], 'Clinician', null, SYSTEM_CONTEXT);
    await delphi.openRound((await delphi.getRound(round!.id))!, new Date(Date.now() + 86_400_000), SYSTEM_CONTEXT);
    const w = await workshops.create(
      p.id,
      {
        kind: 'area',
        title: 'MSK consultancy',
        area: 'Musculoskeletal',
        pillar: 'Consultancy',
        startsAt: null,
        place: '',
        onlineUrl: '',
        anonymous: false,
        facilitatorsSeeIdentity: false,
        templateId: null,
      },
      lead.id,
      SYSTEM_CONTEXT,
    );
    await workshops.end((await workshops.get(w))!, SYSTEM_CONTEXT);

    const home = textOf((await c.get(`/programmes/${p.id}`)).body);
    expect(home).toMatch(/1\. Delphi study Round 1 of Transition capabilities is open\. .*In progress/);
    expect(home).toMatch(/2\. Area workshops 1 workshop held\. .*Done/);
    expect(home).toContain('1 of 8 stages done');
    expect(home).not.toMatch(/\b(in-progress|not-started)\b/);
    expect(textOf((await c.get(`/programmes/${p.id}/stages/delphi`)).body)).toContain(
      'From the records: Round 1 of Transition capabilities is open.',
    );
    const api = await c.json('GET', `/api/v1/programmes/${p.id}`);
    expect(
      api
        .json()
        .stages.slice(0, 2)
        .map((s: { state: string }) => s.state),
    ).toEqual(['in-progress', 'done']);
  });
});
