import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/exports/csv';
import {
  analysisAdjudications,
  analysisCoderProgress,
  analysisCodes,
  analysisCodings,
  analysisSources,
  analysisThemes,
  type SourceAttributes,
} from '../../src/features/analysis/tables';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';
import { DRIVERS } from '../helpers/database';

const AREAS = ['Cancer Care', 'Learning Disabilities & Autism', 'Musculoskeletal'];

describe.each(DRIVERS)('analysis: themes, the framework matrix and the cross-area view (%s)', (driver) => {
  let t: TestApp;
  let analyst: TestClient;
  let participant: TestClient;
  let base: string;
  let programmeId: string;
  let coderId: string;
  let secondCoderId: string;
  let s2: string;
  const code: Record<string, string> = {};
  let themeId: string;
  let onlyMskId: string;

  async function addSource(text: string, attributes: SourceAttributes, contributorKey: string | null, quotable = true) {
    const db = t.app.platform.db;
    const [row] = await db
      .insert(analysisSources)
      .values({
        programmeId,
        kind: 'workshop-note',
        originId: crypto.randomUUID(),
        title: 'A note',
        text,
        attributes,
        contributorKey,
        quotable,
      })
      .returning();
    for (const id of [coderId, secondCoderId])
      await db.insert(analysisCoderProgress).values({ sourceId: row!.id, coderId: id });
    return row!.id;
  }
  /** Both coders apply the code (the agreed set), or only the one named. */
  async function codeIt(codeId: string, sourceId: string, span: [number, number] | null = null, only?: string) {
    for (const id of only ? [only] : [coderId, secondCoderId])
      await t.app.platform.db.insert(analysisCodings).values({
        programmeId,
        sourceId,
        codeId,
        coderId: id,
        startCp: span?.[0] ?? null,
        endCp: span?.[1] ?? null,
      });
  }

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const [a, p, second] = await Promise.all([
      buildUser(t.app, { name: 'Ana Lyst' }),
      buildUser(t.app, { name: 'Pat Ticipant' }),
      buildUser(t.app, { name: 'Sec Ond' }),
    ]);
    coderId = a.id;
    secondCoderId = second!.id;
    const programme = await buildProgramme(t.app, {
      members: [
        { userId: a.id, role: 'analyst' },
        { userId: second!.id, role: 'analyst' },
        { userId: p.id, role: 'participant' },
      ],
    });
    programmeId = programme.id;
    base = `/programmes/${programmeId}/analysis`;
    analyst = new TestClient(t.app);
    await analyst.signIn(a.email, a.password);
    participant = new TestClient(t.app);
    await participant.signIn(p.email, p.password);
    const db = t.app.platform.db;
    for (const name of ['Time', 'Rota', 'Funding']) {
      const [row] = await db.insert(analysisCodes).values({ programmeId, name, createdBy: a.id }).returning();
      code[name] = row!.id;
    }
    // Time: in every area; two notes from one contributor in Cancer Care; one unquotable note.
    const s1 = await addSource(
      'No time 😊 to study at all',
      { area: AREAS[0], stakeholderType: 'Clinician', pillar: 'Education' },
      'k1',
    );
    s2 = await addSource(
      'Still no protected time',
      { area: AREAS[0], stakeholderType: 'Clinician', pillar: 'Education' },
      'k1',
    );
    const s3 = await addSource(
      'Secret: my manager Jo refuses',
      { area: AREAS[1], stakeholderType: 'Manager' },
      'k2',
      false,
    );
    const s4 = await addSource(
      'Time is the barrier',
      { area: AREAS[2], stakeholderType: 'Educator', pillar: 'Research' },
      'k3',
    );
    await codeIt(code.Time!, s1, [0, 9]);
    await codeIt(code.Time!, s2);
    await codeIt(code.Time!, s3);
    await codeIt(code.Time!, s4);
    await codeIt(code.Rota!, s1, [0, 9]); // the same span under a second code of the theme: one segment
    const s5 = await addSource(
      'Money only for Musculoskeletal posts',
      { area: AREAS[2], stakeholderType: 'Manager' },
      'k4',
    );
    await codeIt(code.Funding!, s5);
    // One coder only: a disagreement, left out of the agreed set until adjudicated.
    await codeIt(code.Funding!, s2, null, secondCoderId);
  });
  afterAll(async () => t?.close());

  it('an analyst creates a theme from a code; "defined" is refused until representatives have reviewed it', async () => {
    const form = {
      name: 'Protected time',
      definition: 'Time set aside to learn',
      memo: 'Strong everywhere',
      codeIds: code.Time!,
    };
    const defined = await analyst.submit(`${base}/themes/new`, `${base}/themes`, { ...form, status: 'defined' });
    expect(defined.statusCode).toBe(400);
    expect(textOf(defined.body)).toContain(
      'only be marked defined after representatives from the areas have reviewed it',
    );
    const made = await analyst.submit(`${base}/themes/new`, `${base}/themes`, { ...form, status: 'candidate' });
    expect(made.statusCode).toBe(302);
    themeId = String(made.headers.location).split('/').pop()!;
    const again = await analyst.submit(`${base}/themes/new`, `${base}/themes`, {
      ...form,
      name: 'protected  TIME',
      status: 'candidate',
    });
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('There is already a theme called');

    await analyst.get(`${base}/themes/${themeId}`);
    const add = await analyst.post(`${base}/themes/${themeId}/codes`, { _csrf: analyst.csrf(), codeIds: code.Rota! });
    expect(add.statusCode).toBe(302);
    const page = textOf((await analyst.get(`${base}/themes/${themeId}`)).body);
    expect(page).toContain('Time set aside to learn');
    expect(page).toContain('No time 😊');
    expect(page).toContain('a clinician in Cancer Care');
    expect(page).toContain('an educator in Musculoskeletal');
    expect(page).toContain('1 segment is not quoted');
    expect(page).not.toContain('Secret');
    expect(page.slice(page.indexOf('Codes and coded text'))).not.toContain('Ana Lyst');

    const other = await analyst.submit(`${base}/themes/new`, `${base}/themes`, {
      name: 'Money',
      status: 'reviewed',
      codeIds: code.Funding!,
    });
    onlyMskId = String(other.headers.location).split('/').pop()!;
    const rows = await t.app.platform.db
      .select()
      .from(analysisThemes)
      .where(eq(analysisThemes.programmeId, programmeId));
    expect(rows.map((r) => r.status).sort()).toEqual(['candidate', 'reviewed']);
  });

  it('the matrix by area counts segments and distinct contributors, with an example quote and charts', async () => {
    const res = await analyst.get(`${base}/matrix?by=area`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toMatch(/Protected time\s+2 segments[^“]*1 contributor\s+“No time 😊” — a clinician in Cancer Care/);
    expect(text).toContain('4 segments 3 contributors'); // the row: the span under two codes counts once
    expect(text).not.toContain('Secret');
    expect(res.body).toContain('<svg');
    expect(res.body).toContain('The figures as a table');
    const byStakeholder = textOf((await analyst.get(`${base}/matrix?by=stakeholder`)).body);
    expect(byStakeholder).toContain('Educator');
    const byPillar = textOf((await analyst.get(`${base}/matrix?by=pillar`)).body);
    expect(byPillar).toContain('No pillar recorded');
  });

  it('a cell lists every segment behind it, an unquotable one marked, and no names', async () => {
    const cell = await analyst.get(
      `${base}/matrix/cell?by=area&theme=${themeId}&value=${encodeURIComponent(AREAS[1]!)}`,
    );
    expect(cell.statusCode).toBe(200);
    const text = textOf(cell.body);
    expect(text).toContain('1 coded segment');
    expect(text).toContain('Not to be quoted');
    const cc = textOf((await analyst.get(`${base}/matrix/cell?by=area&theme=${themeId}&value=Cancer%20Care`)).body);
    expect(cc).toContain('2 coded segments');
    expect(cc).toContain('No time 😊');
    expect(cc).toContain('Still no protected time');
  });

  it('the cross-area view: a theme common to every area, and one particular to Musculoskeletal', async () => {
    const text = textOf((await analyst.get(`${base}/common`)).body);
    expect(text).toMatch(/Common to every area[\s\S]*Protected time\s+2\s+1\s+1[\s\S]*Particular to one area/);
    expect(text).toMatch(/Money\s*: only in Musculoskeletal \(1 segment\)/);
    expect(onlyMskId).toBeTruthy();
  });

  it('uses the agreed set: a disagreement counts once adjudicated', async () => {
    await t.app.platform.db.insert(analysisAdjudications).values({
      programmeId,
      sourceId: s2,
      codeId: code.Funding!,
      decision: 'both',
      reason: 'Money is named too',
      decidedBy: coderId,
    });
    const text = textOf((await analyst.get(`${base}/common`)).body);
    expect(text).toContain('No theme is particular to one area');
    expect(text).toMatch(/In some areas[\s\S]*Money\s+1\s+0\s+1/);
  });

  it('downloads the matrix as CSV and XLSX', async () => {
    const csv = await analyst.get(`${base}/matrix.csv?by=area`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const read = readCsv(csv.body);
    if (!read.ok) throw new Error(read.message);
    const records = read.records.map((r) => r.record);
    const cc = records.find((r) => r.theme === 'Protected time' && r.area === 'Cancer Care')!;
    expect(cc).toMatchObject({ coded_segments: '2', contributors: '1', quoted_from: 'a clinician in Cancer Care' });
    expect(records.find((r) => r.area === AREAS[1] && r.theme === 'Protected time')!.example_quote).toBe('');
    const xlsx = await analyst.get(`${base}/matrix.xlsx?by=pillar`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('an analyst edits a theme and takes a code out of it; the codings stay', async () => {
    const edit = `${base}/themes/${themeId}/edit`;
    const fields = { name: 'Protected time', definition: 'Time to learn', memo: '', status: 'defined' };
    const refused = await analyst.submit(edit, `${base}/themes/${themeId}`, fields);
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('no review of this theme has been recorded yet');
    const saved = await analyst.submit(edit, `${base}/themes/${themeId}`, { ...fields, status: 'reviewed' });
    expect(saved.statusCode).toBe(302);
    const list = textOf((await analyst.get(`${base}/themes`)).body);
    expect(list).toMatch(/Protected time\s+Reviewed\s+Rota, Time\s+4/);

    await analyst.get(`${base}/themes/${themeId}`);
    const out = await analyst.post(`${base}/themes/${themeId}/codes/${code.Rota}/remove`, { _csrf: analyst.csrf() });
    expect(out.statusCode).toBe(302);
    const page = textOf((await analyst.get(`${base}/themes/${themeId}`)).body);
    expect(page).toContain('Code taken out of the theme');
    expect(page).not.toContain('Rota –');
    const again = await analyst.post(`${base}/themes/${themeId}/codes/${code.Rota}/remove`, { _csrf: analyst.csrf() });
    expect(again.statusCode).toBe(404);
    const rota = await t.app.platform.db.select().from(analysisCodings).where(eq(analysisCodings.codeId, code.Rota!));
    expect(rota).toHaveLength(2);
  });

  it('a bad grouping gets a clear message; a participant is refused', async () => {
    const bad = await analyst.get(`${base}/matrix?by=colour`);
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Choose how to group the matrix: area, pillar, stakeholder');
    for (const path of ['themes', 'matrix', 'common', `themes/${themeId}`, 'matrix.csv'])
      expect((await participant.get(`${base}/${path}`)).statusCode).toBe(403);
  });
});
