import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMultiCodes } from '../../src/cli/irr';
import { multiCodeReport } from '../../src/stats/reliability-report';
import {
  analysisAdjudications,
  analysisCoderProgress,
  analysisCodes,
  analysisCodings,
  analysisSources,
} from '../../src/features/analysis/tables';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';

/*
 * Two coders, Ann and Ben, code five sources with two codes, X and Y (C marks later tests' third coder):
 *   s1: Ann {X}, Ben {X}        agree
 *   s2: Ann {X: "😊 byr"}, Ben {} disagree on X
 *   s3: Ann {Y}, Ben {Y}        agree
 *   s4: Ann {}, Ben {Y}         disagree on Y
 *   s5: Ann {X} marked done; Ben coded {Y} but has not marked it done: not compared, Ben's coding not counted
 *
 * Cohen's κ by hand, code X over s1–s4 (1 = applied): Ann 1,1,0,0; Ben 1,0,0,0. pₒ = 3/4.
 *   pₑ = P(Ann 1)·P(Ben 1) + P(Ann 0)·P(Ben 0) = (2/4)(1/4) + (2/4)(3/4) = 1/8 + 3/8 = 1/2.
 *   κ = (3/4 − 1/2) / (1 − 1/2) = 1/2. Code Y is the mirror image: κ = 1/2.
 * Pooled over the 8 source × code pairs: pₒ = 6/8; each coder applied 3 of 8, so pₑ = (3/8)² + (5/8)² = 34/64,
 *   κ = (48/64 − 34/64) / (30/64) = 14/30 = 7/15. Fleiss' κ with two coders per unit has the same pₑ from the
 *   pooled marginals: code X: P̄ = 3/4, pₑ = (3/8)² + (5/8)² = 34/64, κ = 7/15.
 * Krippendorff's α, code X: 8 values (five 0s, three 1s); the one disagreeing unit gives o₀₁ = o₁₀ = 1;
 *   α = 1 − (n − 1)·Σo δ / Σ n_c n_k δ = 1 − 7·2 / (2·5·3) = 16/30 = 8/15.
 */
describe.each(DRIVERS)('analysis: compare coders, adjudicate, reliability (%s)', (driver) => {
  let t: TestApp;
  let base: string;
  let programmeId: string;
  let otherId: string;
  let ann: TestClient, ben: TestClient, participant: TestClient, outsider: TestClient, admin: TestClient;
  let annId: string, benId: string, carlId: string;
  let X: string, Y: string, Z: string;
  const s: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const [annU, benU, carlU, partU, outU, adminU] = await Promise.all([
      buildUser(t.app, { name: 'Ann Coder' }),
      buildUser(t.app, { name: 'Ben Coder' }),
      buildUser(t.app, { name: 'Carl Coder' }),
      buildUser(t.app),
      buildUser(t.app),
      buildUser(t.app, { roles: ['admin'] }),
    ]);
    [annId, benId, carlId] = [annU.id, benU.id, carlU.id];
    programmeId = (
      await buildProgramme(t.app, {
        members: [
          { userId: annU.id, role: 'analyst' },
          { userId: benU.id, role: 'analyst' },
          { userId: carlU.id, role: 'analyst' },
          { userId: partU.id, role: 'participant' },
        ],
      })
    ).id;
    otherId = (await buildProgramme(t.app, { members: [{ userId: outU.id, role: 'analyst' }] })).id;
    const signedIn = async (u: { email: string; password: string }) => {
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      return c;
    };
    [ann, ben, participant, outsider, admin] = (await Promise.all([annU, benU, partU, outU, adminU].map(signedIn))) as [
      TestClient,
      TestClient,
      TestClient,
      TestClient,
      TestClient,
    ];
    base = `/programmes/${programmeId}/analysis`;
    const db = t.app.platform.db;
    const code = async (name: string, colour: string) =>
      (await db.insert(analysisCodes).values({ programmeId, name, colour }).returning())[0]!.id;
    [X, Y, Z] = [await code('X', '#d5281b'), await code('Y', '#007f3b'), await code('Z', '#005eb8')];
    for (let i = 1; i <= 5; i++) {
      const text = i === 2 ? 'Amser 😊 byr iawn ŵ' : `Source ${i} text`;
      const [row] = await db
        .insert(analysisSources)
        .values({ programmeId, kind: 'workshop-note', originId: crypto.randomUUID(), title: `Note ${i}`, text })
        .returning();
      s.push(row!.id);
    }
    const codings: [number, string, string, [number, number]?][] = [
      [0, annId, X],
      [0, benId, X],
      [1, annId, X, [6, 11]],
      [2, annId, Y],
      [2, benId, Y],
      [3, benId, Y],
      [4, annId, X],
      [4, benId, Y],
    ];
    for (const [i, coderId, codeId, span] of codings)
      await db.insert(analysisCodings).values({
        programmeId,
        sourceId: s[i]!,
        codeId,
        coderId,
        startCp: span?.[0] ?? null,
        endCp: span?.[1] ?? null,
      });
    for (const i of [0, 1, 2, 3]) for (const coderId of [annId, benId]) await done(i, coderId);
    await done(4, annId);
  });
  afterAll(async () => t?.close());

  const done = (i: number, coderId: string) =>
    t.app.platform.db.insert(analysisCoderProgress).values({ sourceId: s[i]!, coderId });
  const adjudications = () =>
    t.app.platform.db.select().from(analysisAdjudications).where(eq(analysisAdjudications.programmeId, programmeId));

  it('lists exactly the two coders’ disagreements, side by side, sliced by code points; a source one coder marked done is not shown', async () => {
    const res = await ann.get(`${base}/compare`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('The unit is a source');
    expect(text).toContain('4 sources compared; 1 source marked done by one coder only');
    expect(text).toContain('2 disagreements, 0 adjudicated');
    expect(res.body).toContain(`id="d-${s[1]}-${X}"`);
    expect(res.body).toContain(`id="d-${s[3]}-${Y}"`);
    expect(res.body.match(/id="d-/g)).toHaveLength(2);
    expect(text).toContain('Ann Coder: applied');
    expect(text).toContain('Ben Coder: not applied');
    expect(text).toContain('Code points 6–11: “😊 byr”');
    expect(text).toContain('The whole source: “Source 4 text”');
    for (const hidden of ['Note 1', 'Note 3', 'Note 5']) expect(text).not.toContain(hidden);

    const byX = await ann.get(`${base}/compare?code=${X}&by=source`);
    expect(byX.body.match(/id="d-/g)).toHaveLength(1);
    expect(byX.body).toContain(`id="d-${s[1]}-${X}"`);
    const bad = await ann.get(`${base}/compare?code=${crypto.randomUUID()}&a=${annId}`);
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Choose two coders to compare, or neither');
  });

  it('shows the hand-computed figures, null as "not defined" with the reason, and the unit of analysis', async () => {
    const report = await t.app.services.analysis.reliabilityReport(programmeId);
    expect(report.units).toBe(5);
    expect(report.coders).toBe(2);
    expect(report.codes!.X!.cohenKappa).toBeCloseTo(0.5, 10);
    expect(report.codes!.Y!.cohenKappa).toBeCloseTo(0.5, 10);
    expect(report.codes!.X!.percentAgreement).toBeCloseTo(0.75, 10);
    expect(report.codes!.X!.fleissKappa).toBeCloseTo(7 / 15, 10);
    expect(report.codes!.X!.krippendorffAlpha).toBeCloseTo(8 / 15, 10);
    expect(report.overall.cohenKappa).toBeCloseTo(7 / 15, 10);
    expect(report.overall.percentAgreement).toBeCloseTo(0.75, 10);
    const res = await ben.get(`${base}/reliability`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('Unit of analysis: a source');
    expect(text).toContain('0.500');
    expect(text).toContain('0.467');
    expect(text).toContain('1 unit coded by one coder only left out');
    expect(text).not.toContain('not defined (');
  });

  it('shows a figure the data does not define as "not defined", with the reason from the report', async () => {
    const res = await outsider.get(`/programmes/${otherId}/analysis/reliability`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('0 sources marked done, by 0 coders');
    expect(text).toContain('not defined (no code was applied to any unit)');
    expect(text).not.toMatch(/NaN|null/);
    const compare = textOf((await outsider.get(`/programmes/${otherId}/analysis/compare`)).body);
    expect(compare).toContain('No source has been marked done by two coders yet.');
  });

  it('gives a CSV that `waymark irr --multi` turns into the same figures', async () => {
    const res = await ann.get(`${base}/reliability.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body).toContain('unit,coder,code');
    expect(res.body).toContain(`${s[3]},Ann Coder,\r\n`);
    expect(res.body).not.toContain(`${s[4]},Ben Coder`);
    const parsed = parseMultiCodes(res.body);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(multiCodeReport(parsed.data)).toEqual(await t.app.services.analysis.reliabilityReport(programmeId));
  });

  it('requires a reason, records an adjudication once with who and when, and shows it', async () => {
    const page = `${base}/compare/adjudicate?source=${s[1]}&code=${X}`;
    const form = { sourceId: s[1]!, codeId: X, decision: `keep:${annId}` };
    const missing = await ben.submit(page, `${base}/compare/adjudicate`, { ...form, reason: '  ' });
    expect(missing.statusCode).toBe(400);
    expect(textOf(missing.body)).toContain('Give the reason for this decision');
    expect(await adjudications()).toHaveLength(0);

    await ben.get(page);
    const body = {
      _csrf: ben.csrf(),
      _submission: ben.hidden('_submission')!,
      ...form,
      reason: 'The emoji is the point',
    };
    const [a, b] = await Promise.all([
      ben.post(`${base}/compare/adjudicate`, body),
      ben.post(`${base}/compare/adjudicate`, body),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([302, 302]);
    const rows = await adjudications();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      decision: 'keep',
      keptCoderId: annId,
      decidedBy: benId,
      reason: 'The emoji is the point',
    });
    expect(rows[0]!.decidedAt).toBeInstanceOf(Date);
    const text = textOf((await ann.get(`${base}/compare`)).body);
    expect(text).toContain('2 disagreements, 1 adjudicated');
    expect(text).toContain('Adjudicated: Keep Ann Coder’s coding. Reason: The emoji is the point (Ben Coder');

    const recode = await ann.submit(
      `${base}/compare/adjudicate?source=${s[3]}&code=${Y}`,
      `${base}/compare/adjudicate`,
      {
        sourceId: s[3]!,
        codeId: Y,
        decision: 'recode',
        reason: 'It is about X',
      },
    );
    expect(recode.statusCode).toBe(400);
    expect(textOf(recode.body)).toContain('Choose the code to use instead');
    expect(await adjudications()).toHaveLength(1);
  });

  it('the agreed set: codes all done coders applied, and adjudicated decisions; open disagreements left out', async () => {
    const agreed = await t.app.services.analysis.agreedCodings(programmeId);
    const key = (a: { sourceId: string; codeId: string; startCp: number | null; basis: string }) =>
      `${s.indexOf(a.sourceId) + 1}:${a.codeId === X ? 'X' : a.codeId === Y ? 'Y' : 'Z'}:${a.startCp}:${a.basis}`;
    expect(agreed.map(key).sort()).toEqual(['1:X:null:agreement', '2:X:6:adjudication', '3:Y:null:agreement']);

    const res = await ann.submit(`${base}/compare/adjudicate?source=${s[3]}&code=${Y}`, `${base}/compare/adjudicate`, {
      sourceId: s[3]!,
      codeId: Y,
      decision: 'recode',
      recodeId: Z,
      reason: 'It is about Z',
    });
    expect(res.statusCode).toBe(302);
    const after = await t.app.services.analysis.agreedCodings(programmeId);
    expect(after.map(key).sort()).toEqual([
      '1:X:null:agreement',
      '2:X:6:adjudication',
      '3:Y:null:agreement',
      '4:Z:null:adjudication',
    ]);

    // Z merged into X: the recode follows it to X.
    const merge = (into: string | null) =>
      t.app.platform.db.update(analysisCodes).set({ mergedIntoId: into }).where(eq(analysisCodes.id, Z));
    await merge(X);
    const merged = await t.app.services.analysis.agreedCodings(programmeId);
    expect(merged.map(key).sort()).toContain('4:X:null:adjudication');
    expect(merged.map(key).sort()).not.toContain('4:Z:null:adjudication');
    await merge(null);
  });

  it('filters by coder pair: a third coder’s disagreements appear among every coder, and only for their pair', async () => {
    await t.app.platform.db
      .insert(analysisCodings)
      .values({ programmeId, sourceId: s[0]!, codeId: Y, coderId: carlId });
    await done(0, carlId);
    const all = await ann.get(`${base}/compare`);
    expect(all.body).toContain(`id="d-${s[0]}-${X}"`);
    expect(all.body).toContain(`id="d-${s[0]}-${Y}"`);
    const annBen = await ann.get(`${base}/compare?a=${annId}&b=${benId}`);
    expect(annBen.body.match(/id="d-/g)).toHaveLength(2);
    expect(annBen.body).not.toContain(`id="d-${s[0]}-`);
    const annCarl = await ann.get(`${base}/compare?a=${annId}&b=${carlId}`);
    expect(textOf(annCarl.body)).toContain('1 source compared');
    expect(annCarl.body.match(/id="d-/g)).toHaveLength(2);
    // Three coders now: Cohen's κ is for two only, and the page says so where the figure would be.
    expect(textOf((await ann.get(`${base}/reliability`)).body)).toContain(
      'not defined (it needs exactly two coders; this data has 3)',
    );
  });

  it('refuses a participant and another programme’s analyst; an admin may look but not adjudicate', async () => {
    for (const path of [
      '/compare',
      '/reliability',
      '/reliability.csv',
      `/compare/adjudicate?source=${s[1]}&code=${X}`,
    ]) {
      expect((await participant.get(`${base}${path}`)).statusCode, path).toBe(403);
      expect((await outsider.get(`${base}${path}`)).statusCode, path).toBe(403);
    }
    expect((await admin.get(`${base}/compare`)).statusCode).toBe(200);
    expect((await admin.get(`${base}/reliability`)).statusCode).toBe(200);
    expect((await admin.get(`${base}/compare/adjudicate?source=${s[1]}&code=${X}`)).statusCode).toBe(403);
    await participant.get('/');
    const post = await participant.post(`${base}/compare/adjudicate`, {
      _csrf: participant.csrf(),
      sourceId: s[1]!,
      codeId: X,
      decision: 'both',
      reason: 'no',
    });
    expect(post.statusCode).toBe(403);
    expect(await adjudications()).toHaveLength(2);
  });
});
