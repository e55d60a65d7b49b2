import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { setUpWorkshop, type WorkshopScene } from './workshops-scene';
import { analysisCodes, analysisCodings, analysisSources } from '../../src/features/analysis/tables';
import { notes } from '../../src/features/workshops/tables';
import {
  delphiItems,
  delphiPanellists,
  delphiRatings,
  delphiRounds,
  delphiStudies,
  delphiSuggestions,
} from '../../src/features/delphi/tables';

describe.each(DRIVERS)('analysis: sources (%s)', (driver) => {
  let t: TestApp;
  let programmeId: string;
  let workshopId: string;
  let people: TestClient[];
  let note: WorkshopScene['note'];
  let control: WorkshopScene['control'];
  let analyst: TestClient;
  let analysis: string;

  const sourcesOf = async () =>
    t.app.platform.db.select().from(analysisSources).where(eq(analysisSources.programmeId, programmeId));
  const noteId = async (text: string) =>
    (await t.app.platform.db.select().from(notes)).find((n) => n.text === text)!.id;
  const signedIn = async (role?: 'analyst' | 'participant' | 'lead', elsewhere = false) => {
    const user = await buildUser(t.app);
    const p = elsewhere ? (await buildProgramme(t.app)).id : programmeId;
    if (role)
      await t.app.services.programmes.addMember(
        t.app.platform.db,
        { programmeId: p, userId: user.id, role },
        SYSTEM_CONTEXT,
      );
    const c = new TestClient(t.app);
    await c.signIn(user.email, user.password);
    return c;
  };

  beforeAll(async () => {
    const scene = await setUpWorkshop(driver);
    ({ t, workshopId, people, note, control } = scene);
    programmeId = scene.base.split('/')[2]!;
    analysis = `/programmes/${programmeId}/analysis`;
    await scene.join('Ann', 'Clinician');
    await scene.join('Jo', 'Patient or citizen');
    expect((await control('start')).statusCode).toBe(302);
    expect((await note(people[0]!, 'Protected time for research 😀, ŵ and café')).statusCode).toBe(302);
    expect((await note(people[1]!, 'Mentors outside the team <b>matter</b> & more')).statusCode).toBe(302);
    analyst = await signedIn('analyst');
  });
  afterAll(async () => t?.close());

  it('makes a note written in a workshop a source on the next visit, its text exactly as written', async () => {
    const hub = await analyst.get(analysis);
    expect(hub.statusCode).toBe(200);
    const text = textOf(hub.body);
    expect(text).toContain('2 sources to analyse');
    expect(text).toContain('Musculoskeletal');
    expect(text).toContain('Still to come');
    expect(hub.body).toContain(`href="${analysis}/sources"`);
    expect(hub.body).toContain(`href="/programmes/${programmeId}"`);
    const stage = await analyst.get(`/programmes/${programmeId}/stages/analysis`);
    expect(stage.body).toContain(`href="${analysis}"`);
    expect((await analyst.get(`/programmes/${programmeId}`)).body).toContain(`href="${analysis}"`);
    const stored = await t.app.platform.db.select().from(notes);
    const sources = await sourcesOf();
    expect(sources.map((s) => s.text).sort()).toEqual(stored.map((n) => n.text).sort());
    const ann = sources.find((s) => s.text.startsWith('Protected'))!;
    expect(ann).toMatchObject({ kind: 'workshop-note', quotable: false });
    expect(ann.attributes).toMatchObject({
      workshopId,
      workshop: 'MSK research workshop',
      area: 'Musculoskeletal',
      pillar: 'Research and innovation',
      stakeholderType: 'Clinician',
      votes: 0,
    });
    expect(ann.contributorKey).toMatch(/^c-[0-9a-f]{16}$/);
    expect(JSON.stringify(ann)).not.toContain('Ann');

    // Nothing changed: the next visit reads only the fingerprints.
    expect((await t.app.services.analysis.sync(programmeId)).changed).toBe(false);
    expect((await note(people[0]!, 'Written after the first visit')).statusCode).toBe(302);
    const list = textOf((await analyst.get(`${analysis}/sources`)).body);
    expect(list).toContain('Written after the first visit');
    expect(list).toContain('3 sources');
    expect(await sourcesOf()).toHaveLength(3);
  });

  it('updates an edited note until it is coded, then keeps the coded text and says the original changed', async () => {
    const id = await noteId('Written after the first visit');
    const edit = (text: string) =>
      people[0]!.post(`/workshops/${workshopId}/notes/${id}`, { _csrf: people[0]!.csrf(), action: '', text });
    expect((await edit('Written after the first visit, edited')).statusCode).toBe(302);
    await analyst.get(analysis);
    const source = (await sourcesOf()).find((s) => s.originId === id)!;
    expect(source.text).toBe('Written after the first visit, edited');

    const db = t.app.platform.db;
    const [code] = await db.insert(analysisCodes).values({ programmeId, name: 'Time' }).returning();
    const coder = await buildUser(t.app);
    await db
      .insert(analysisCodings)
      .values({ programmeId, sourceId: source.id, codeId: code!.id, coderId: coder.id, startCp: 0, endCp: 7 });
    expect((await edit('Changed after it was coded')).statusCode).toBe(302);
    const page = await analyst.get(`${analysis}/sources/${source.id}`);
    const after = (await sourcesOf()).find((s) => s.originId === id)!;
    expect(after.text).toBe('Written after the first visit, edited');
    expect(after.attributes.originalChanged).toBe(true);
    expect(textOf(page.body)).toContain('The original has changed');
    expect(textOf(page.body)).toContain('1 coding refers to it');

    // Once no coding refers to it, the source takes the original's text again.
    await db.delete(analysisCodings).where(eq(analysisCodings.sourceId, source.id));
    await analyst.get(`${analysis}/sources`);
    const uncoded = (await sourcesOf()).find((s) => s.originId === id)!;
    expect(uncoded.text).toBe('Changed after it was coded');
    expect(uncoded.attributes.originalChanged).toBeUndefined();

    // A note withdrawn by its writer leaves the analysis.
    const jo = await noteId('Mentors outside the team <b>matter</b> & more');
    const withdrawn = await people[1]!.post(`/workshops/${workshopId}/notes/${jo}`, {
      _csrf: people[1]!.csrf(),
      action: 'withdraw',
    });
    expect(withdrawn.statusCode).toBe(302);
    await analyst.get(`${analysis}/sources`);
    expect((await sourcesOf()).some((s) => s.originId === jo)).toBe(false);
    expect((await note(people[1]!, 'Mentors outside the team <b>matter</b> & more')).statusCode).toBe(302);
  });

  it('brings in Delphi comments, reasons and round 0 suggestions with their study, round, item and group', async () => {
    const db = t.app.platform.db;
    const [study] = await db
      .insert(delphiStudies)
      .values({ programmeId, title: 'Capabilities study', scale: {}, rule: {} })
      .returning();
    const [r0, r1] = await db
      .insert(delphiRounds)
      .values([
        { studyId: study!.id, number: 0 },
        { studyId: study!.id, number: 1 },
      ])
      .returning();
    const [item] = await db
      .insert(delphiItems)
      .values({ roundId: r1!.id, code: 'C1', text: 'Leads research', position: 1, area: 'Musculoskeletal' })
      .returning();
    const [panellist] = await db
      .insert(delphiPanellists)
      .values({ studyId: study!.id, email: 'pan@example.nhs.uk', name: 'Pat Panel', stakeholderType: 'Educator' })
      .returning();
    await db
      .insert(delphiRatings)
      .values({ itemId: item!.id, panellistId: panellist!.id, rating: 8, comment: 'Vital', reason: 'Seen it work' });
    await db.insert(delphiSuggestions).values(
      Array.from({ length: 22 }, (_, i) => ({
        roundId: r0!.id,
        panellistId: panellist!.id,
        text: `Suggestion number ${i + 1} about supervision`,
      })),
    );
    const list = await analyst.get(`${analysis}/sources?kind=delphi-comment`);
    expect(textOf(list.body)).toContain('1 source matching the filters');
    expect(textOf(list.body)).toContain('Vital');
    const sources = await sourcesOf();
    expect(sources.filter((s) => s.kind === 'delphi-suggestion')).toHaveLength(22);
    const reason = sources.find((s) => s.kind === 'delphi-reason')!;
    expect(reason).toMatchObject({ text: 'Seen it work', quotable: true });
    expect(reason.attributes).toMatchObject({
      studyId: study!.id,
      round: 1,
      item: 'C1 Leads research',
      stakeholderGroup: 'Educator',
      area: 'Musculoskeletal',
    });
    expect(JSON.stringify(sources)).not.toContain('Pat Panel');
    const page = await analyst.get(`${analysis}/sources/${reason.id}`);
    expect(page.body).toContain(`href="/programmes/${programmeId}/delphi/${study!.id}"`);
    expect(textOf(page.body)).toContain('A reason by a panellist in round 1');

    // 22 suggestions and 5 other sources: two pages of 20, the other filters kept in the links.
    const first = await analyst.get(`${analysis}/sources?q=supervision`);
    expect(textOf(first.body)).toContain('22 sources matching “supervision”');
    expect(first.body).toContain('page=2');
    expect(first.body).toContain('q=supervision');
    const second = textOf((await analyst.get(`${analysis}/sources?q=supervision&page=2`)).body);
    expect(second).toContain('Page 2 of 2');
  });

  it('filters by every attribute and searches the text, marking the words found safely', async () => {
    const get = async (query: string) => analyst.get(`${analysis}/sources?${query}`);
    const clinician = textOf((await get('stakeholderType=Clinician')).body);
    expect(clinician).toContain('Protected time for research');
    expect(clinician).not.toContain('Mentors outside the team');
    const area = textOf((await get('area=Musculoskeletal&kind=workshop-note&pillar=Research+and+innovation')).body);
    expect(area).toContain('3 sources matching the filters');
    expect(textOf((await get(`workshop=${workshopId}&activity=`)).body)).toContain('3 sources matching the filters');

    // Stemmed English search: "mentor" finds "Mentors"; the note's own markup is shown as text, the match marked.
    const found = await get('q=mentor');
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('<mark>Mentors</mark> outside the team &lt;b&gt;matter&lt;/b&gt; &amp; more');
    expect(found.body).not.toContain('<b>matter</b>');
    expect(textOf(found.body)).toContain('1 source matching “mentor”');
    const phrase = textOf((await get('q=%22protected+time%22+-mentors')).body);
    expect(phrase).toContain('Protected time for research 😀, ŵ and café');
    expect(textOf((await get('q=the')).body)).toContain('No sources match');
  });

  it('answers a bad filter or search with a clear message', async () => {
    const cases: [string, string][] = [
      ['area=Cardiology', 'There are no sources from that area. Choose one from the list'],
      ['kind=emails', 'Choose a kind of source from the list'],
      ['workshop=not-a-workshop', 'Choose a workshop from the list'],
      [`workshop=${crypto.randomUUID()}`, 'There are no sources from that workshop'],
      ['cluster=Nowhere&stakeholderType=Robots', 'There are no sources in that cluster'],
      [`q=${'x'.repeat(201)}`, 'Search for 200 characters or fewer'],
      ['page=abc', 'The page must be a whole number, 1 or more'],
      ['page=9', 'There are not that many pages of sources'],
    ];
    for (const [query, message] of cases) {
      const res = await analyst.get(`${analysis}/sources?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(textOf(res.body), query).toContain('There is a problem');
      expect(textOf(res.body), query).toContain(message);
    }
  });

  it('shows one source exactly, with its attributes and a link back to where it came from', async () => {
    const ann = (await sourcesOf()).find((s) => s.text.startsWith('Protected'))!;
    const page = await analyst.get(`${analysis}/sources/${ann.id}?q=research`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Protected time for <mark>research</mark> 😀, ŵ and café');
    const text = textOf(page.body);
    for (const s of ['Musculoskeletal', 'Research and innovation', 'Clinician', 'MSK research workshop', 'No'])
      expect(text).toContain(s);
    expect(page.body).toContain(`href="/programmes/${programmeId}/workshops/${workshopId}"`);
    expect(page.body).toContain(`href="/programmes/${programmeId}"`);
    const other = await buildProgramme(t.app);
    expect((await analyst.get(`/programmes/${other.id}/analysis/sources/${ann.id}`)).statusCode).toBe(403);
    expect((await analyst.get(`${analysis}/sources/${crypto.randomUUID()}`)).statusCode).toBe(404);
  });

  it('keeps a source’s attributes current: a vote given since the last visit is counted', async () => {
    expect((await control('voting-open', { votesPerPerson: '1' })).statusCode).toBe(302);
    const p = people[1]!;
    await p.get(`/workshops/${workshopId}/board`);
    const noteId = /name="target" value="note:([0-9a-f-]{36})"/.exec(p.lastHtml)![1]!;
    const activityId = /name="activityId" value="([^"]+)"/.exec(p.lastHtml)![1]!;
    const vote = await p.post(`/workshops/${workshopId}/votes`, {
      _csrf: p.csrf(),
      activityId,
      target: `note:${noteId}`,
    });
    expect(vote.statusCode).toBe(302);
    await analyst.get(`${analysis}/sources`);
    expect((await sourcesOf()).find((s) => s.originId === noteId)!.attributes.votes).toBe(1);
  });

  it('lets only the programme’s lead and analysts (and admins, to look) in', async () => {
    const ann = (await sourcesOf())[0]!;
    const pages = [analysis, `${analysis}/sources`, `${analysis}/sources/${ann.id}`];
    const outsiders = [await signedIn('analyst', true), await signedIn('participant'), await signedIn()];
    for (const c of outsiders) for (const url of pages) expect((await c.get(url)).statusCode, url).toBe(403);
    const lead = await signedIn('lead');
    const adminUser = await buildUser(t.app, { roles: ['admin'] });
    const admin = new TestClient(t.app);
    await admin.signIn(adminUser.email, adminUser.password);
    for (const c of [lead, admin]) for (const url of pages) expect((await c.get(url)).statusCode, url).toBe(200);
    expect(textOf((await admin.get(analysis)).body)).toContain('You can look at the analysis');
    const anonymous = await t.app.inject({ method: 'GET', url: analysis });
    expect([302, 303]).toContain(anonymous.statusCode);
  });
});
