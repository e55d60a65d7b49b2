import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { users } from '../../src/platform/auth/tables';
import { programmeMembers } from '../../src/features/programmes/tables';
import { setUpWorkshop, cookieOf } from './workshops-scene';
import {
  analysisCoderProgress,
  analysisCodes,
  analysisCodings,
  analysisSources,
} from '../../src/features/analysis/tables';

const STAFFING = [
  'Staffing shortages on the ward make rota gaps',
  'Rota gaps and staffing shortages every winter',
  'Staffing shortages stop training; rota gaps too',
];
const PARKING = [
  'Car parking at the hospital is too expensive',
  'Hospital car parking costs too much for visitors',
  'Expensive car parking at the hospital puts people off',
];

/*
 * Seven workshop notes: three about staffing written in an anonymous workshop (not quotable), three about car
 * parking (quotable; stored as imported, so the workshop sync leaves them be) and one unlike the rest. Ann, an
 * analyst, has coded the first staffing note "Workforce" and marked it and the second done.
 */
describe.each(DRIVERS)('analysis: suggested codes (%s)', (driver) => {
  let t: TestApp;
  let programmeId: string;
  let base: string;
  let ann: TestClient, participant: TestClient, facilitator: TestClient, admin: TestClient;
  let annId: string;
  let workforce: string;
  const sourceIds = new Map<string, string>();

  const db = () => t.app.platform.db;
  const signedIn = async (role?: 'analyst' | 'participant' | 'facilitator', roles: 'admin'[] = [], name?: string) => {
    const user = await buildUser(t.app, { roles, ...(name ? { name } : {}) });
    if (role) await t.app.services.programmes.addMember(db(), { programmeId, userId: user.id, role }, SYSTEM_CONTEXT);
    const c = new TestClient(t.app);
    await c.signIn(user.email, user.password);
    return { c, id: user.id };
  };
  /** Posts the page's form with repeated fields (ticked boxes), as a browser does. */
  const postForm = (c: TestClient, pairs: [string, string][]) =>
    t.app.inject({
      method: 'POST',
      url: `${base}/suggestions`,
      payload: new URLSearchParams(pairs).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(c) },
    });
  /** The key of the group whose heading names this term, from the page last loaded. */
  const groupKey = (html: string, term: string) =>
    [...html.matchAll(/id="group-([0-9a-f]{16})"[\s\S]*?<h2[^>]*>([^<]*)<\/h2>/g)].find((m) =>
      m[2]!.includes(term),
    )![1]!;
  const coder = async () => (await db().select().from(users).where(eq(users.email, 'system:suggested-codes')))[0];
  const codingsBy = async (coderId: string) =>
    db().select().from(analysisCodings).where(eq(analysisCodings.coderId, coderId));

  beforeAll(async () => {
    const scene = await setUpWorkshop(driver);
    t = scene.t;
    programmeId = scene.base.split('/')[2]!;
    base = `/programmes/${programmeId}/analysis`;
    await scene.join('Ann', 'Clinician');
    await scene.join('Jo', 'Patient or citizen');
    expect((await scene.control('start')).statusCode).toBe(302);
    for (const [i, text] of [...STAFFING, 'Mentors outside the team matter'].entries())
      expect((await scene.note(scene.people[i % 2]!, text)).statusCode).toBe(302);
    for (const text of PARKING)
      await db()
        .insert(analysisSources)
        .values({
          programmeId,
          kind: 'workshop-note',
          originId: crypto.randomUUID(),
          title: `Note: ${text.slice(0, 20)}`,
          text,
          quotable: true,
          attributes: { importedFrom: 'notes.qdpx' },
        });
    ({ c: ann, id: annId } = await signedIn('analyst', [], 'Ann Coder'));
    ({ c: participant } = await signedIn('participant'));
    ({ c: facilitator } = await signedIn('facilitator'));
    ({ c: admin } = await signedIn(undefined, ['admin']));
    await t.app.services.analysis.sync(programmeId);
    for (const s of await db().select().from(analysisSources).where(eq(analysisSources.programmeId, programmeId)))
      sourceIds.set(s.text, s.id);
    workforce = (
      await db().insert(analysisCodes).values({ programmeId, name: 'Workforce', colour: '#005eb8' }).returning()
    )[0]!.id;
    const [first, second] = [sourceIds.get(STAFFING[0]!)!, sourceIds.get(STAFFING[1]!)!];
    await db().insert(analysisCodings).values({ programmeId, sourceId: first, codeId: workforce, coderId: annId });
    for (const sourceId of [first, second])
      await db().insert(analysisCoderProgress).values({ sourceId, coderId: annId });
  });
  afterAll(async () => t?.close());

  it('lists the groups with key terms, sizes and quotable examples only, and codes nothing by itself', async () => {
    const res = await ann.get(`${base}/suggestions`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('7 workshop notes; 2 groups found; 1 note in no group');
    expect(text).toMatch(/Group \d: gaps, rota, shortages, staffing, ward/);
    expect(text).toMatch(/Group \d: car, hospital, parking, expensive, costs/);
    for (const p of PARKING) expect(text).toContain(`“${p}”`);
    for (const s of STAFFING) expect(text).not.toContain(s);
    expect(text.match(/An example is not quotable/g)).toHaveLength(3);
    expect(res.body).toContain('value="Car, hospital, parking"');
    expect(await coder()).toBeUndefined();
    expect((await admin.get(`${base}/suggestions`)).statusCode).toBe(200);
  });

  it('accepts one group into a new code: whole-note codings by "Suggested codes", done for it, once per submission', async () => {
    const page = await ann.get(`${base}/suggestions`);
    const key = groupKey(page.body, 'parking');
    const form: [string, string][] = [
      ['_csrf', ann.csrf()],
      ['_submission', ann.hidden('_submission')!],
      [`code-${key}`, 'new'],
      [`name-${key}`, 'Car parking'],
      ['only', key],
    ];
    const res = await postForm(ann, form);
    expect(res.statusCode).toBe(302);
    expect((await postForm(ann, form)).statusCode).toBe(302);
    const system = (await coder())!;
    expect(system).toMatchObject({ name: 'Suggested codes', passwordHash: null });
    const [code] = await db().select().from(analysisCodes).where(eq(analysisCodes.name, 'Car parking'));
    const codings = await codingsBy(system.id);
    expect(codings).toHaveLength(3);
    expect(codings.every((c) => c.codeId === code!.id && c.startCp === null && c.endCp === null)).toBe(true);
    expect(new Set(codings.map((c) => c.sourceId))).toEqual(new Set(PARKING.map((p) => sourceIds.get(p))));
    const done = await db().select().from(analysisCoderProgress).where(eq(analysisCoderProgress.coderId, system.id));
    expect(done).toHaveLength(3);
    expect(await codingsBy(annId)).toHaveLength(1);
    expect(await db().select().from(analysisCodings)).toHaveLength(4);
    const after = textOf((await ann.get(`${base}/suggestions`)).body);
    expect(after).toContain('1 group accepted: 3 notes coded by “Suggested codes”.');
    expect(after).toContain('Accepted: 3 of 3 notes coded by “Suggested codes” as “Car parking”');
  });

  it('accepts ticked groups in bulk, each with its own code; a name already used is refused and nothing changes', async () => {
    const page = await ann.get(`${base}/suggestions`);
    const [staffing, parking] = [groupKey(page.body, 'staffing'), groupKey(page.body, 'parking')];
    const form = (parkingName: string): [string, string][] => [
      ['_csrf', ann.csrf()],
      ['_submission', crypto.randomUUID()],
      ['groups', staffing],
      ['groups', parking],
      [`code-${staffing}`, workforce],
      [`name-${staffing}`, 'Unused'],
      [`code-${parking}`, 'new'],
      [`name-${parking}`, parkingName],
    ];
    const before = (await db().select().from(analysisCodings)).length;
    const taken = await postForm(ann, form('car PARKING'));
    expect(taken.statusCode).toBe(400);
    expect(textOf(taken.body)).toContain('There is already a top-level code called “car PARKING”');
    expect(await db().select().from(analysisCodings)).toHaveLength(before);
    const none = await postForm(ann, [['_csrf', ann.csrf()]]);
    expect(none.statusCode).toBe(400);
    expect(textOf(none.body)).toContain('Tick the groups to accept');

    expect((await postForm(ann, form('Parking costs'))).statusCode).toBe(302);
    const system = (await coder())!;
    const codings = await codingsBy(system.id);
    expect(codings.filter((c) => c.codeId === workforce)).toHaveLength(3);
    const [costs] = await db().select().from(analysisCodes).where(eq(analysisCodes.name, 'Parking costs'));
    expect(codings.filter((c) => c.codeId === costs!.id)).toHaveLength(3);
    expect(codings).toHaveLength(9);
    expect(await codingsBy(annId)).toHaveLength(1);
  });

  it('measures the suggestions like any coder: compare view, adjudication, the agreed set and reliability', async () => {
    const compare = textOf((await ann.get(`${base}/compare`)).body);
    expect(compare).toContain('2 sources compared');
    expect(compare).toContain('Suggested codes: applied');
    expect(compare).toContain('Ann Coder: not applied');
    const second = sourceIds.get(STAFFING[1]!)!;
    const page = `${base}/compare/adjudicate?source=${second}&code=${workforce}`;
    expect(textOf((await ann.get(page)).body)).toContain('Keep Suggested codes’s coding (applied it)');
    const system = (await coder())!;
    const kept = await ann.submit(page, `${base}/compare/adjudicate`, {
      sourceId: second,
      codeId: workforce,
      decision: `keep:${system.id}`,
      reason: 'The note is about staffing',
    });
    expect(kept.statusCode).toBe(302);
    const agreed = await t.app.services.analysis.agreedCodings(programmeId);
    expect(
      agreed
        .filter((a) => a.codeId === workforce)
        .map((a) => a.basis)
        .sort(),
    ).toEqual(['adjudication', 'agreement']);
    const reliability = await ann.get(`${base}/reliability`);
    expect(reliability.statusCode).toBe(200);
    // The page counts the coders without naming them; its codings CSV names each.
    expect(textOf(reliability.body)).toContain('6 sources marked done, by 2 coders');
    const report = await t.app.services.analysis.reliabilityReport(programmeId);
    expect(report.coders).toBe(2);
    const csv = (await ann.get(`${base}/reliability.csv`)).body;
    expect(csv).toContain('Suggested codes,Workforce');
  });

  it('does not let the suggestions veto what two people agree on', async () => {
    const { id: boId } = await signedIn('analyst', [], 'Bo Coder');
    const third = sourceIds.get(STAFFING[2]!)!; // "Suggested codes" applied Workforce here, and nothing else
    const [mentoring] = await db()
      .insert(analysisCodes)
      .values({ programmeId, name: 'Mentoring', colour: '#330072' })
      .returning();
    for (const coderId of [annId, boId]) {
      await db().insert(analysisCodings).values({ programmeId, sourceId: third, codeId: mentoring!.id, coderId });
      await db().insert(analysisCoderProgress).values({ sourceId: third, coderId }).onConflictDoNothing();
    }
    const agreed = await t.app.services.analysis.agreedCodings(programmeId);
    expect(agreed.filter((a) => a.sourceId === third && a.codeId === mentoring!.id)).toEqual([
      expect.objectContaining({ basis: 'agreement', startCp: null, endCp: null }),
    ]);
  });

  it('keeps the system account out of signing in and out of the programme’s members', async () => {
    const system = (await coder())!;
    const members = await db()
      .select()
      .from(programmeMembers)
      .where(and(eq(programmeMembers.programmeId, programmeId), eq(programmeMembers.userId, system.id)));
    expect(members).toHaveLength(0);
    const c = new TestClient(t.app);
    const res = await c.submit('/sign-in', '/sign-in', { email: 'system:suggested-codes', password: 'x'.repeat(12) });
    expect(res.statusCode).not.toBe(302);
  });

  it('refuses a participant, and a facilitator or an admin the accepting', async () => {
    const page = await ann.get(`${base}/suggestions`);
    const key = groupKey(page.body, 'staffing');
    const before = (await db().select().from(analysisCodings)).length;
    for (const c of [participant, facilitator]) {
      expect((await c.get(`${base}/suggestions`)).statusCode).toBe(403);
      await c.get(`/programmes/${programmeId}`);
    }
    await admin.get(`${base}/suggestions`);
    for (const c of [participant, facilitator, admin]) {
      const res = await postForm(c, [
        ['_csrf', c.csrf()],
        ['only', key],
        [`code-${key}`, 'new'],
        [`name-${key}`, 'Sneaky'],
      ]);
      expect(res.statusCode).toBe(403);
    }
    expect(await db().select().from(analysisCodings)).toHaveLength(before);
  });
});
