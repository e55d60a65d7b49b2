import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { cookieOf, setUpWorkshop } from './workshops-scene';
import { analysisCodes, analysisCodings, analysisSources } from '../../src/features/analysis/tables';
import { sliceCp, splitText } from '../../src/features/analysis/spans';

const NOTE = 'Protected time for research 😀, ŵ and café';
const LONG = 'Mae’r amser yn brin 👩‍👩‍👧. Dŵr a thân: we need mentors! Café chats help.';

describe.each(DRIVERS)('analysis: coding, by whole source and by span, blind (%s)', (driver) => {
  let t: TestApp;
  let programmeId: string;
  let analysis: string;
  let ana: TestClient;
  let bea: TestClient;
  let anaId: string;
  let note: string;
  let long: string;
  const code: Record<string, string> = {};

  const db = () => t.app.platform.db;
  const codings = () => db().select().from(analysisCodings).where(eq(analysisCodings.programmeId, programmeId));
  const coding = (sourceId: string) => `${analysis}/sources/${sourceId}/coding`;
  /** A signed-in member of the programme (or of a new programme of their own, `elsewhere`). */
  async function member(role: 'analyst' | 'participant' | 'lead' | null, name?: string, elsewhere = false) {
    const user = await buildUser(t.app, name ? { name } : {});
    const p = elsewhere ? (await buildProgramme(t.app)).id : programmeId;
    if (role)
      await t.app.services.programmes.addMember(db(), { programmeId: p, userId: user.id, role }, SYSTEM_CONTEXT);
    const c = new TestClient(t.app);
    await c.signIn(user.email, user.password);
    return { c, id: user.id, programmeId: p };
  }

  beforeAll(async () => {
    const scene = await setUpWorkshop(driver);
    ({ t } = scene);
    programmeId = scene.base.split('/')[2]!;
    analysis = `/programmes/${programmeId}/analysis`;
    await scene.join('Ann', 'Clinician');
    expect((await scene.control('start')).statusCode).toBe(302);
    expect((await scene.note(scene.people[0]!, NOTE)).statusCode).toBe(302);
    expect((await scene.note(scene.people[0]!, LONG)).statusCode).toBe(302);
    const a = await member('analyst', 'Ana Coder');
    ({ c: ana, id: anaId } = a);
    bea = (await member('analyst', 'Bea Coder')).c;
    expect((await ana.get(analysis)).statusCode).toBe(200); // brings the notes in
    const sources = await db().select().from(analysisSources).where(eq(analysisSources.programmeId, programmeId));
    note = sources.find((s) => s.text === NOTE)!.id;
    long = sources.find((s) => s.text === LONG)!.id;
    for (const name of ['Time', 'Mentors', 'Old']) {
      const res = await ana.submit(`${analysis}/codebook/new`, `${analysis}/codebook`, { name, colour: '#007f3b' });
      expect(res.statusCode).toBe(302);
      code[name] = String(res.headers.location).split('/').pop()!;
    }
    await db().update(analysisCodes).set({ mergedIntoId: code.Time }).where(eq(analysisCodes.id, code.Old!));
  });
  afterAll(async () => t?.close());

  it('codes a whole note: the ticked codes apply, a doubled submit codes once, unticking removes', async () => {
    const page = await ana.get(coding(note));
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('Codes for the whole source');
    expect(page.body).not.toContain('>Old'); // a merged code is not offered
    const key = ana.hidden('_submission')!;
    // Two boxes ticked: the field comes twice (the test client sends one value a field).
    const payload = new URLSearchParams([
      ['_csrf', ana.csrf()],
      ['_submission', key],
      ['codeIds', code.Time!],
      ['codeIds', code.Mentors!],
    ]).toString();
    const post = () =>
      t.app.inject({
        method: 'POST',
        url: `${coding(note)}/whole`,
        payload,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(ana) },
      });
    expect((await post()).statusCode).toBe(302);
    expect((await post()).statusCode).toBe(302);
    let rows = (await codings()).filter((c) => c.sourceId === note);
    expect(rows.map((r) => [r.startCp, r.endCp, r.coderId]).sort()).toEqual([
      [null, null, anaId],
      [null, null, anaId],
    ]);
    expect((await ana.submit(coding(note), `${coding(note)}/whole`, { codeIds: code.Time! })).statusCode).toBe(302);
    rows = (await codings()).filter((c) => c.sourceId === note);
    expect(rows.map((r) => r.codeId)).toEqual([code.Time]);
    const after = textOf((await ana.get(coding(note))).body);
    expect(after).toContain('Time');
    expect(after).toContain('The whole source');
  });

  it('codes a span chosen by pieces and the fine adjuster; offsets are code points into the exact text', async () => {
    const { sentences } = splitText(LONG);
    const second = sentences.findIndex((s) => s.text.includes('Dŵr'));
    const picked = await ana.get(`${coding(long)}/span?pieces=${second}`);
    expect(picked.statusCode).toBe(200);
    expect(picked.body).toContain('<mark>Dŵr a thân: we need mentors!</mark>');
    const start = Array.from(LONG).findIndex((_, i, cps) => cps.slice(i).join('').startsWith('Dŵr'));
    expect(start).not.toBe(LONG.indexOf('Dŵr')); // the family emoji is 5 code points, 8 UTF-16 units
    const end = start + Array.from('Dŵr a thân: we need mentors!').length;
    expect(picked.body).toContain(`characters ${start + 1} to ${end} of ${Array.from(LONG).length}`);
    const moved = await ana.get(`${coding(long)}/span?start=${start}&end=${end}&move=end-word-earlier`);
    expect(moved.body).toContain('<mark>Dŵr a thân: we need mentors</mark>');
    const back = await ana.get(`${coding(long)}/span?start=${start}&end=${end - 1}&move=start-character-earlier`);
    expect(back.body).toContain('<mark> Dŵr a thân: we need mentors</mark>');
    const run = await ana.get(`${coding(long)}/span?pieces=0&pieces=${sentences.length - 1}`);
    expect(run.body).toContain(`<mark>${LONG.replace('&', '&amp;')}</mark>`);

    // Saved twice with the form's one key (a double click): coded once.
    await ana.get(`${coding(long)}/span?start=${start}&end=${end - 1}`);
    const form = {
      _csrf: ana.csrf(),
      _submission: ana.hidden('_submission')!,
      start: String(start),
      end: String(end - 1),
      codeId: code.Mentors!,
    };
    expect((await ana.post(`${coding(long)}/span`, form)).statusCode).toBe(302);
    expect((await ana.post(`${coding(long)}/span`, form)).statusCode).toBe(302);
    const rows = (await codings()).filter((c) => c.sourceId === long);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect([row!.startCp, row!.endCp, row!.coderId]).toEqual([start, end - 1, anaId]);
    expect(sliceCp(LONG, row!.startCp!, row!.endCp!)).toBe('Dŵr a thân: we need mentors');
    const page = textOf((await ana.get(coding(long))).body);
    expect(page).toContain('Dŵr a thân: we need mentors (characters 28 to 54)');
  });

  it('refuses bad spans and codes with a clear message, and changes nothing', async () => {
    const before = await codings();
    const [row] = before.filter((c) => c.sourceId === long);
    const post = (form: Record<string, string>) =>
      ana.submit(`${coding(long)}/span?start=0&end=3`, `${coding(long)}/span`, form);
    const cases: [Record<string, string>, string][] = [
      [{ start: '5', end: '5', codeId: code.Mentors! }, 'The span is empty'],
      [
        { start: '0', end: '9999', codeId: code.Mentors! },
        'The span ends after the end of the text, which has 72 characters',
      ],
      [{ start: '3', end: '1', codeId: code.Mentors! }, 'The span starts after it ends'],
      [{ start: '-1', end: '4', codeId: code.Mentors! }, 'The start must be 0 or more'],
      [{ start: '1', end: '4', codeId: '' }, 'Choose a code for the span'],
      [{ start: '1', end: '4', codeId: crypto.randomUUID() }, 'not in the codebook any more'],
      [{ start: '1', end: '4', codeId: code.Old! }, 'not in the codebook any more'],
      [
        { start: String(row!.startCp! + 2), end: String(row!.endCp! + 1), codeId: code.Mentors! },
        'This span overlaps one you already coded with “Mentors”: “Dŵr a thân: we need mentors”',
      ],
    ];
    for (const [form, message] of cases) {
      const res = await post(form);
      expect(res.statusCode, JSON.stringify(form)).toBe(400);
      expect(textOf(res.body), JSON.stringify(form)).toContain(message);
    }
    // The service checks offsets itself too (a request that passed the form could still run past the text).
    await expect(
      t.app.services.analysis.addSpanCoding(
        programmeId,
        long,
        anaId,
        { start: 60, end: 999, codeId: code.Time! },
        SYSTEM_CONTEXT,
      ),
    ).rejects.toThrow(/ends after the end of the text, which has \d+ characters/);
    const whole = await ana.submit(coding(long), `${coding(long)}/whole`, { codeIds: code.Mentors! });
    expect(whole.statusCode).toBe(400);
    expect(textOf(whole.body)).toContain('You have coded part of this source with “Mentors”');
    const merged = await ana.submit(coding(long), `${coding(long)}/whole`, { codeIds: code.Old! });
    expect(textOf(merged.body)).toContain('not in the codebook any more');
    const picker = await ana.get(`${coding(long)}/span?pieces=99`);
    expect(picker.statusCode).toBe(400);
    expect(textOf(picker.body)).toContain('Choose pieces of the text from the list');
    expect(textOf((await ana.get(`${coding(long)}/span`)).body)).toContain('Choose at least one piece');
    expect(await codings()).toEqual(before);
  });

  it('keeps coding blind: B sees none of A’s codings until B marks the source done, and not after undoing', async () => {
    const [aCoding] = (await codings()).filter((c) => c.sourceId === long);
    const hidden = async () => {
      const page = textOf((await bea.get(coding(long))).body);
      expect(page).not.toContain('Ana Coder');
      expect(page).not.toContain('we need mentors”');
      expect(page).toContain('You have not coded this source yet');
      expect((await bea.get(`${coding(long)}/${aCoding!.id}/remove`)).statusCode).toBe(404);
      // Nor on the source's page or the codebook.
      for (const url of [`${analysis}/sources/${long}`, `${analysis}/codebook`]) {
        const res = await bea.get(url);
        expect(res.statusCode, url).toBe(200);
        expect(textOf(res.body), url).not.toContain('Ana Coder');
      }
    };
    await hidden();
    const removal = await bea.submit(coding(long), `${coding(long)}/${aCoding!.id}/remove`, {});
    expect(removal.statusCode).toBe(404);
    // B codes the whole note, then says they have finished: now A's codings show, with A's name.
    expect((await bea.submit(coding(long), `${coding(long)}/whole`, { codeIds: code.Time! })).statusCode).toBe(302);
    expect((await bea.submit(coding(long), `${coding(long)}/done`, { done: 'yes' })).statusCode).toBe(302);
    const after = textOf((await bea.get(coding(long))).body);
    expect(after).toContain('Other coders’ codings');
    expect(after).toContain('Ana Coder');
    expect(after).toContain('Ana Coder Mentors (colour: Green) : Dŵr a thân: we need mentors (characters 28 to 54)');
    // A has not finished: A still sees only A's own.
    const anaPage = textOf((await ana.get(coding(long))).body);
    expect(anaPage).not.toContain('Bea Coder');
    expect(anaPage).toContain('stay hidden from you until you say you have finished');
    // B undoes "finished": hidden again.
    expect((await bea.submit(coding(long), `${coding(long)}/done`, { done: 'no' })).statusCode).toBe(302);
    const again = textOf((await bea.get(coding(long))).body);
    expect(again).not.toContain('Ana Coder');
    expect(again).toContain('The whole source');
  });

  it('lets a coder remove their own coding after a confirmation', async () => {
    const [mine] = (await codings()).filter((c) => c.sourceId === long && c.coderId === anaId);
    const confirm = await ana.get(`${coding(long)}/${mine!.id}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(textOf(confirm.body)).toContain('Remove this coding?');
    const res = await ana.submit(`${coding(long)}/${mine!.id}/remove`, `${coding(long)}/${mine!.id}/remove`, {});
    expect(res.statusCode).toBe(302);
    expect((await codings()).some((c) => c.id === mine!.id)).toBe(false);
  });

  it('lists a coder’s progress and marks several sources finished at once', async () => {
    const progress = `${analysis}/coding`;
    const page = await ana.get(progress);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="${note}"`);
    const none = await ana.submit(progress, `${progress}/done`, {});
    expect(none.statusCode).toBe(400);
    expect(textOf(none.body)).toContain('Choose at least one source to mark as finished');
    const foreign = await ana.submit(progress, `${progress}/done`, { sourceIds: crypto.randomUUID() });
    expect(foreign.statusCode).toBe(400);
    expect(textOf(foreign.body)).toContain('One of those sources is not in this programme');
    expect((await ana.submit(progress, `${progress}/done`, { sourceIds: note })).statusCode).toBe(302);
    const after = await ana.get(progress);
    expect(textOf(after.body)).toContain('1 source marked as finished');
    expect(after.body).not.toContain(`value="${note}"`);
    expect(textOf((await ana.get(coding(note))).body)).toContain('You have finished coding this source');
  });

  it('refuses a participant, an admin and another programme’s analyst (403), and another programme’s source (404)', async () => {
    const before = await codings();
    const participant = (await member('participant')).c;
    const admin = new TestClient(t.app);
    const adminUser = await buildUser(t.app, { roles: ['admin'] });
    await admin.signIn(adminUser.email, adminUser.password);
    const elsewhere = await member('analyst', undefined, true);
    for (const c of [participant, admin, elsewhere.c]) {
      expect((await c.get(coding(note))).statusCode).toBe(403);
      expect((await c.get(`${analysis}/coding`)).statusCode).toBe(403);
      await c.get('/account');
      const res = await c.post(`${coding(note)}/whole`, { _csrf: c.csrf(), codeIds: code.Time! });
      expect(res.statusCode).toBe(403);
    }
    expect((await new TestClient(t.app).get(coding(note))).statusCode).toBe(302);
    const foreign = `/programmes/${elsewhere.programmeId}/analysis/sources/${note}/coding`;
    expect((await elsewhere.c.get(foreign)).statusCode).toBe(404);
    expect((await elsewhere.c.get(`${foreign}/span?pieces=0`)).statusCode).toBe(404);
    expect(await codings()).toEqual(before);
  });
});
