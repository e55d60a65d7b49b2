import { queryRows } from '../../src/platform/db/database';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { Document, Packer, Paragraph } from 'docx';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows } from '../helpers/factories';
import { readEvents } from '../helpers/sse';
import { toPdf } from '../../src/exports/pdf';
import { createApp } from '../../src/app';
import { openDatabase } from '../../src/platform/db/database';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';

const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

describe.each(DRIVERS)('workshops (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let base: string;
  let code: string;
  let workshopId: string;
  const people: TestClient[] = [];

  async function join(name: string, type: string) {
    const c = new TestClient(t.app);
    const res = await c.submit(`/join/${code}`, `/join/${code}`, { name, stakeholderType: type });
    expect(res.statusCode).toBe(302);
    people.push(c);
    return c;
  }
  const board = (c: TestClient) => c.get(`/workshops/${workshopId}/board`);
  async function note(c: TestClient, text: string, clientKey = `key-${Math.random().toString(36).slice(2, 12)}`) {
    const page = await board(c);
    const activityId = /name="activityId" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return c.post(`/workshops/${workshopId}/notes`, { _csrf: c.csrf(), activityId, text, clientKey });
  }
  async function control(action: string, extra: Record<string, string> = {}) {
    await facilitator.get(base);
    const activityId = /<input type="hidden" name="activityId" value="([^"]+)">/.exec(facilitator.lastHtml)![1]!;
    return facilitator.post(`${base}/control`, { _csrf: facilitator.csrf(), action, activityId, ...extra });
  }

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    facilitator = new TestClient(t.app);
    await facilitator.signIn(lead.email, lead.password);
    const url = `/programmes/${p.id}/workshops/new`;
    const bad = await facilitator.submit(url, url, { kind: 'area', title: '', onlineUrl: 'http://insecure' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Enter a title');
    expect(textOf(bad.body)).toContain('starting with https://');
    const ok = await facilitator.submit(url, url, {
      kind: 'area',
      title: 'MSK research workshop',
      area: 'Musculoskeletal',
      pillar: 'Research and innovation',
      anonymous: 'yes',
      facilitatorsSeeIdentity: 'no',
    });
    base = ok.headers.location as string;
    workshopId = base.split('/').pop()!;
    const page = await facilitator.get(base);
    code = /class="wm-code">([A-Z0-9]{6})</.exec(page.body)![1]!;
    expect(textOf(page.body)).toContain('What is the ultimate purpose of the developmental framework?');
  });
  afterAll(async () => t?.close());

  it('refuses a question whose timer is not 1 to 240 minutes, adding nothing', async () => {
    const before = await countRows(t.app, 'workshop_activities');
    for (const timerMinutes of ['abc', '-5', '999']) {
      const bad = await facilitator.submit(base, `${base}/activities`, { prompt: 'An extra question', timerMinutes });
      expect(bad.statusCode, timerMinutes).toBe(400);
      expect(textOf(bad.body)).toContain('Set a timer from 1 to 240 minutes, or none');
    }
    expect(await countRows(t.app, 'workshop_activities')).toBe(before);
  });

  it('an area workshop needs its area and pillar, an expert practice workshop its area: every missing field at once, nothing created', async () => {
    const url = `${base.split('/workshops/')[0]}/workshops/new`;
    const before = await countRows(t.app, 'workshops');
    const area = await facilitator.submit(url, url, { kind: 'area', title: 'No area or pillar' });
    expect(area.statusCode).toBe(400);
    const text = textOf(area.body);
    expect(text).toContain('Choose the clinical area this workshop is for');
    expect(text).toContain('Choose the pillar this workshop is about');
    expect(area.body).toContain('href="#area"');
    expect(area.body).toContain('href="#pillar"');
    const expert = await facilitator.submit(url, url, { kind: 'expert-practice', title: 'Expert practice, no area' });
    expect(textOf(expert.body)).toContain('Choose the clinical area whose expert practice this workshop is about');
    expect(textOf(expert.body)).not.toContain('Choose the pillar');
    const elsewhere = await facilitator.submit(url, url, {
      kind: 'area',
      title: 'Unknown area',
      area: 'Dermatology',
      pillar: 'Consultancy',
    });
    expect(textOf(elsewhere.body)).toContain('Choose a clinical area of this programme from the list');
    const again = await facilitator.submit(url, url, { kind: 'cross-area', title: 'msk RESEARCH workshop' });
    expect(textOf(again.body)).toContain(
      'There is already a workshop called "msk RESEARCH workshop" in this programme',
    );
    expect(await countRows(t.app, 'workshops')).toBe(before);
    expect(textOf((await facilitator.get(base)).body)).toContain('Status Not started yet');
  });

  it('joins by code typed in any case, and refuses a wrong code', async () => {
    const c = new TestClient(t.app);
    const wrong = await c.submit('/join', '/join', { code: 'ZZZZZZ' });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('There is no workshop with that code');
    const typed = await c.submit('/join', '/join', { code: ` ${code.slice(0, 3).toLowerCase()}-${code.slice(3)} ` });
    expect(typed.headers.location).toBe(`/join/${code}`);
    const noType = await c.submit(`/join/${code}`, `/join/${code}`, {});
    expect(textOf(noType.body)).toContain('Choose which of these describes you');
    // Every wrong field at once: a type and an area that are not the programme's (no name is asked for here: it is anonymous).
    const joinedBefore0 = await countRows(t.app, 'workshop_participants');
    const wrong3 = await c.submit(`/join/${code}`, `/join/${code}`, {
      name: 'n'.repeat(101),
      stakeholderType: 'Wizard',
      area: 'Atlantis',
    });
    expect(wrong3.statusCode).toBe(400);
    const said = textOf(wrong3.body);
    expect(said).not.toContain('Name must be');
    expect(said).toContain('Choose which of these describes you, from the list');
    expect(said).toContain('Choose a clinical area from the list');
    expect(await countRows(t.app, 'workshop_participants')).toBe(joinedBefore0);
    await join('Ann', 'Clinician');
    await join('Jo', 'Patient or citizen');
    // A guest's join form sent twice (a double click) joins once.
    const twice = new TestClient(t.app);
    await twice.get(`/join/${code}`);
    const joinForm = {
      _csrf: twice.csrf(),
      _submission: twice.hidden('_submission')!,
      name: 'Twice',
      stakeholderType: 'Educator',
    };
    const joinedBefore = await countRows(t.app, 'workshop_participants');
    expect((await twice.post(`/join/${code}`, joinForm)).statusCode).toBe(302);
    expect((await twice.post(`/join/${code}`, joinForm)).statusCode).toBe(302);
    expect(await countRows(t.app, 'workshop_participants')).toBe(joinedBefore + 1);
    expect(textOf((await board(people[0]!)).body)).toContain('has not started an activity yet');
  });

  it('takes notes only for the current, open activity; a retry with the same key adds nothing', async () => {
    expect(await countRows(t.app, 'workshop_notes')).toBe(0);
    expect((await control('start')).statusCode).toBe(302);
    const empty = await note(people[0]!, '   ');
    expect(empty.statusCode).toBe(400);
    expect(textOf(empty.body)).toContain('Write your note before adding it');
    const nhs = await note(people[0]!, 'Patient 943 476 5919 waited a year');
    expect(nhs.statusCode).toBe(400);
    expect(textOf(nhs.body)).toContain('looks like an NHS number (943 476 5919)');
    const long = await note(people[0]!, 'x'.repeat(501));
    expect(textOf(long.body)).toContain('A note must be 500 characters or fewer (this one is 501)');
    expect((await note(people[0]!, 'Protected time for research', 'same-key-123')).statusCode).toBe(302);
    expect((await note(people[0]!, 'Protected time for research', 'same-key-123')).statusCode).toBe(302);
    expect(await countRows(t.app, 'workshop_notes')).toBe(1);
    const json = await t.app.inject({
      method: 'POST',
      url: `/workshops/${workshopId}/notes`,
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookieOf(people[1]!),
      },
      payload: new URLSearchParams({
        _csrf: people[1]!.csrf(),
        activityId: /name="activityId" value="([^"]+)"/.exec((await board(people[1]!)).body)![1]!,
        text: 'Mentors outside the team',
        clientKey: 'json-key-1',
      }).toString(),
    });
    expect(json.json()).toMatchObject({ ok: true, data: { text: 'Mentors outside the team' } });
    const seen = textOf((await board(people[1]!)).body);
    expect(seen).toContain('Protected time for research');
    expect(seen).not.toContain('Ann');
  });

  it("gives a very long note the note's own limit, not the shared guard's generic one, and adds nothing", async () => {
    const before = await countRows(t.app, 'workshop_notes');
    const long = await note(people[0]!, 'x'.repeat(25_000));
    expect(long.statusCode).toBe(400);
    const said = textOf(long.body);
    expect(said).toContain('A note must be 500 characters or fewer (this one is 25,000)');
    expect(said).not.toContain('20,000 characters or fewer');
    expect(await countRows(t.app, 'workshop_notes')).toBe(before);
  });

  it('stops notes while paused, with a message that keeps what was written', async () => {
    await control('pause');
    const paused = await note(people[0]!, 'Written during the pause');
    expect(paused.statusCode).toBe(400);
    expect(textOf(paused.body)).toContain('paused the board');
    expect(paused.body).toContain('Written during the pause');
    await control('resume');
  });

  it("keeps notes private until revealed, and lets nobody change another person's note", async () => {
    await control('private-on');
    await note(people[0]!, 'A private thought');
    expect(textOf((await board(people[1]!)).body)).not.toContain('A private thought');
    expect(textOf((await board(people[0]!)).body)).toContain('A private thought');
    expect(textOf((await facilitator.get(base)).body)).toContain('A private thought');
    await control('reveal');
    expect(textOf((await board(people[1]!)).body)).toContain('A private thought');
    const other = people[1]!;
    await board(other);
    const noteId = /id="note-([0-9a-f-]{36})"/.exec(other.lastHtml)![1]!;
    // Jo's board lists Ann's note first; Jo may not withdraw it.
    expect(other.lastHtml.indexOf(`id="note-${noteId}"`)).toBeLessThan(
      other.lastHtml.indexOf('Mentors outside the team'),
    );
    const res = await other.post(`/workshops/${workshopId}/notes/${noteId}`, {
      _csrf: other.csrf(),
      action: 'withdraw',
    });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('You can only change your own notes');
  });

  it('clusters, merges duplicates and hides notes by keyboard-friendly selection', async () => {
    await facilitator.get(base);
    const activityId = /<input type="hidden" name="activityId" value="([^"]+)">/.exec(facilitator.lastHtml)![1]!;
    // Cluster names, script names and questions go through the shared free-text guard, every field at once.
    const clustersBefore = await countRows(t.app, 'workshop_clusters');
    const nhs = await facilitator.post(`${base}/clusters`, {
      _csrf: facilitator.csrf(),
      activityId,
      clusterName: 'Patient 943 476 5919',
    });
    expect(nhs.statusCode).toBe(400);
    expect(textOf(nhs.body)).toContain('looks like an NHS number (943 476 5919)');
    const long = await facilitator.post(`${base}/template`, {
      _csrf: facilitator.csrf(),
      templateName: 'x'.repeat(20_001),
      prompt: 'Note 943 476 5919',
    });
    expect(long.statusCode).toBe(400);
    expect(textOf(long.body)).toContain('This must be 20,000 characters or fewer (it has 20,001)');
    expect(textOf(long.body)).toContain('looks like an NHS number');
    expect(await countRows(t.app, 'workshop_clusters')).toBe(clustersBefore);
    await facilitator.get(base);
    expect(
      (
        await facilitator.post(`${base}/clusters`, {
          _csrf: facilitator.csrf(),
          activityId,
          clusterName: 'Time and support',
        })
      ).statusCode,
    ).toBe(302);
    // The same name again (a retry) is the same cluster.
    await facilitator.post(`${base}/clusters`, {
      _csrf: facilitator.csrf(),
      activityId,
      clusterName: 'time and support',
    });
    expect(await countRows(t.app, 'workshop_clusters')).toBe(clustersBefore + 1);
    await facilitator.get(base);
    const ids = [...facilitator.lastHtml.matchAll(/name="notes" type="checkbox" value="([0-9a-f-]{36})"/g)].map(
      (m) => m[1]!,
    );
    const clusterId = /<option value="([0-9a-f-]{36})">Time and support<\/option>/.exec(facilitator.lastHtml)![1]!;
    const none = await facilitator.post(`${base}/organise`, {
      _csrf: facilitator.csrf(),
      activityId,
      action: 'move',
      clusterId,
    });
    expect(textOf(none.body)).toContain('Select one or more notes first');
    const move = new URLSearchParams({ _csrf: facilitator.csrf(), activityId, action: 'move', clusterId });
    ids.slice(0, 2).forEach((id) => move.append('notes', id));
    const moved = await t.app.inject({
      method: 'POST',
      url: `${base}/organise`,
      payload: move.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(facilitator) },
    });
    expect(moved.statusCode).toBe(302);
    const summary = textOf((await facilitator.get(`${base}/summary`)).body);
    expect(summary).toMatch(/Time and support .*Protected time for research/);
  });

  it("runs a vote within each person's allowance and shows results when the facilitator chooses", async () => {
    await control('voting-open', { votesPerPerson: '1' });
    const p = people[1]!;
    await board(p);
    const noteId = /name="target" value="note:([0-9a-f-]{36})"/.exec(p.lastHtml)![1]!;
    const activityId = /name="activityId" value="([^"]+)"/.exec(p.lastHtml)![1]!;
    expect(
      (await p.post(`/workshops/${workshopId}/votes`, { _csrf: p.csrf(), activityId, target: `note:${noteId}` }))
        .statusCode,
    ).toBe(302);
    const over = await p.post(`/workshops/${workshopId}/votes`, {
      _csrf: p.csrf(),
      activityId,
      target: `note:${noteId}`,
    });
    expect(over.statusCode).toBe(400);
    expect(textOf(over.body)).toContain('You have used all 1 of your votes');
    expect(textOf((await board(p)).body)).not.toMatch(/1 vote\b/);
    await control('votes-reveal');
    expect(textOf((await board(p)).body)).toMatch(/1 vote\b/);
    const bad = await control('voting-open', { votesPerPerson: '50' });
    expect(textOf(bad.body)).toContain('Give each person from 1 to 20 votes');
  });

  it('a vote for a cluster counts once however often its button is sent', async () => {
    const p = people[0]!;
    await board(p);
    const form =
      /<input type="hidden" name="_csrf" value="([^"]+)"><input type="hidden" name="_submission" value="([^"]+)"><input type="hidden" name="activityId" value="([^"]+)"><input type="hidden" name="target" value="(cluster:[^"]+)">/.exec(
        p.lastHtml,
      )!;
    const vote = { _csrf: form[1]!, _submission: form[2]!, activityId: form[3]!, target: form[4]! };
    const before = await countRows(t.app, 'workshop_votes');
    expect((await p.post(`/workshops/${workshopId}/votes`, vote)).statusCode).toBe(302);
    expect((await p.post(`/workshops/${workshopId}/votes`, vote)).statusCode).toBe(302);
    expect(await countRows(t.app, 'workshop_votes')).toBe(before + 1);
  });

  it('takes transcripts as TXT, DOCX and PDF, and refuses other files', async () => {
    const up = async (filename: string, content: Buffer) => {
      const { multipart } = await import('../helpers/client');
      await facilitator.get(base);
      const { payload, contentType } = multipart({ _csrf: facilitator.csrf() }, { field: 'file', filename, content });
      return t.app.inject({
        method: 'POST',
        url: `${base}/sources`,
        payload,
        headers: { 'content-type': contentType, cookie: cookieOf(facilitator) },
      });
    };
    expect((await up('notes.txt', Buffer.from('We talked about protected time.'))).statusCode).toBe(302);
    const docx = await Packer.toBuffer(
      new Document({ sections: [{ children: [new Paragraph('Flipchart: mentoring across trusts')] }] }),
    );
    expect((await up('flipchart.docx', docx)).statusCode).toBe(302);
    expect(
      (
        await up(
          'minutes.pdf',
          await toPdf({ title: 'Minutes', blocks: [{ kind: 'paragraph', text: 'Agreed: shared research posts' }] }),
        )
      ).statusCode,
    ).toBe(302);
    const sourcesBefore = await countRows(t.app, 'workshop_sources');
    const identifying = await up('notes-2.txt', Buffer.from('Ann mentioned patient 943 476 5919 by number.'));
    expect(identifying.statusCode).toBe(400);
    expect(textOf(identifying.body)).toContain('Notes-2.txt contains what looks like an NHS number (943 476 5919)');
    expect(await countRows(t.app, 'workshop_sources')).toBe(sourcesBefore);
    const bad = await up('photo.png', Buffer.from([0x89, 0x50]));
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Upload a TXT, DOCX or PDF file');
    expect(textOf((await facilitator.get(base)).body)).toMatch(/minutes\.pdf \(PDF, \d+ characters\)/);
  });

  it("puts multipart forms through the free-text guard too: text fields and an uploaded file's name", async () => {
    const { multipart } = await import('../helpers/client');
    const send = async (
      url: string,
      fields: Record<string, string>,
      file?: { field: string; filename: string; content: string },
    ) => {
      await facilitator.get(base);
      const { payload, contentType } = multipart({ _csrf: facilitator.csrf(), ...fields }, file);
      return t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': contentType, cookie: cookieOf(facilitator) },
      });
    };
    const activities = await countRows(t.app, 'workshop_activities');
    const nhs = await send(`${base}/activities`, { prompt: 'What happened to patient 943 476 5919?' });
    expect(nhs.statusCode).toBe(400);
    expect(textOf(nhs.body)).toContain('This contains what looks like an NHS number (943 476 5919)');
    const long = await send(`${base}/activities`, { prompt: 'x'.repeat(20_001) });
    expect(long.statusCode).toBe(400);
    expect(textOf(long.body)).toContain('This must be 20,000 characters or fewer (it has 20,001)');
    expect(await countRows(t.app, 'workshop_activities')).toBe(activities);
    const sources = await countRows(t.app, 'workshop_sources');
    const named = await send(
      `${base}/sources`,
      {},
      { field: 'file', filename: 'patient 9434765919.txt', content: 'We talked about protected time.' },
    );
    expect(named.statusCode).toBe(400);
    expect(named.body).toMatch(/id="file-error"[^]*looks like an NHS number \(9434765919\)/);
    expect(await countRows(t.app, 'workshop_sources')).toBe(sources);
  });

  it('exports the record (CSV, Excel) with stakeholder types but no names in an anonymous workshop', async () => {
    const csv = await facilitator.get(`${base}/record.csv`);
    expect(csv.headers['content-disposition']).toContain('attachment');
    const body = csv.body.replace(/^\uFEFF/, '');
    expect(body.split('\r\n')[0]).toBe(
      'workshop,kind,area,pillar,activity,prompt,cluster,note,votes,cluster votes,stakeholder type,participant area,participant,author,status,created,updated',
    );
    expect(body).toContain('Protected time for research');
    // Votes given to a cluster are in the record beside its notes; kinds and statuses are in words.
    const row = body.split('\r\n').find((r) => r.includes('Protected time for research'))!;
    expect(row).toContain('Area workshop (one pillar)');
    expect(row).toMatch(/,Time and support,Protected time for research,\d+,1,Clinician,/);
    expect(row).toContain(',Shown,');
    expect(body).toContain('Clinician');
    expect(body).not.toContain('Ann');
    const xlsx = await facilitator.get(`${base}/record.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Notes')!.rowCount).toBe(body.trim().split('\r\n').length);
  });

  it('streams events that a reconnecting screen catches up on, without repeats', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}/workshops/${workshopId}/events`;
    const p = people[0]!;
    const first = await readEvents(url, { cookie: cookieOf(p), count: 3 });
    expect(first.map((e) => e.id)).toEqual([1, 2, 3]);
    const last = first[first.length - 1]!.id;
    const total = await t.app.platform.events.lastSeq(`workshop:${workshopId}`);
    const rest = await readEvents(url, { cookie: cookieOf(p), lastEventId: String(last), count: total - last });
    expect(rest.map((e) => e.id)).toEqual(Array.from({ length: total - last }, (_, i) => last + 1 + i));
    // A new note arrives on an open stream.
    const live = readEvents(url, { cookie: cookieOf(p), lastEventId: String(total), count: 1 });
    await new Promise((r) => setTimeout(r, 200));
    await note(people[1]!, 'Arrives live');
    const [arrived] = await live;
    expect(arrived).toMatchObject({ id: total + 1, event: 'note.added', data: { noteId: expect.any(String) } });
    // Events never carry note text: a note withdrawn or hidden later is not kept in the stream.
    expect(JSON.stringify(arrived)).not.toContain('Arrives live');
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(302);
  });

  it('emails the join link, refusing a bad address', async () => {
    await facilitator.get(base);
    const bad = await facilitator.post(`${base}/invite`, {
      _csrf: facilitator.csrf(),
      emails: 'ok@example.nhs.uk, nope',
    });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('"nope" is not an email address');
    expect(
      (await facilitator.post(`${base}/invite`, { _csrf: facilitator.csrf(), emails: 'guest@example.nhs.uk' }))
        .statusCode,
    ).toBe(302);
    const { lastEmailTo } = await import('../helpers/factories');
    expect((await lastEmailTo(t.app, 'guest@example.nhs.uk'))!.text).toContain(`/join/${code}`);
    // The same invitation form sent twice emails once.
    await facilitator.get(base);
    const twice = {
      _csrf: facilitator.csrf(),
      _submission: facilitator.hidden('_submission'),
      emails: 'twice@example.nhs.uk',
    };
    await facilitator.post(`${base}/invite`, twice);
    await facilitator.post(`${base}/invite`, twice);
    expect(
      (
        await queryRows<{ n: number }>(
          t.app.platform.db,
          sql`select count(*)::int as n from outbox where "to" = 'twice@example.nhs.uk'`,
        )
      )[0]!.n,
    ).toBe(1);
    // A fresh form naming someone already invited emails only the new address, and says so.
    await facilitator.get(base);
    const again = await facilitator.post(`${base}/invite`, {
      _csrf: facilitator.csrf(),
      _submission: facilitator.hidden('_submission'),
      emails: 'twice@example.nhs.uk, third@example.nhs.uk',
    });
    expect(again.statusCode).toBe(302);
    expect(textOf((await facilitator.get(base)).body)).toContain(
      'Join link emailed to 1 person. 1 person already had it (twice@example.nhs.uk)',
    );
    expect(
      (
        await queryRows<{ n: number }>(
          t.app.platform.db,
          sql`select count(*)::int as n from outbox where "to" in ('twice@example.nhs.uk', 'third@example.nhs.uk')`,
        )
      )[0]!.n,
    ).toBe(2);
  });

  it('works through the API with the same rules', async () => {
    const lead = (await t.app.services.accounts.listUsers({ limit: 10, offset: 0 })).rows.find((u) =>
      u.email.startsWith('user-'),
    )!;
    const token = (
      await t.app.services.accounts.createApiToken(
        lead.id,
        { name: 'api', expiresInDays: 30, scopes: ['write'] },
        SYSTEM_CONTEXT,
      )
    ).token;
    const auth = { authorization: `Bearer ${token}` };
    const programmeId = base.split('/')[2]!;
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}`,
      headers: auth,
    });
    expect(detail.statusCode).toBe(200);
    const current = detail.json().activities.find((a: { current: boolean }) => a.current);
    expect(current.clusters[0]).toMatchObject({ name: 'Time and support' });
    const body = { activityId: current.id, text: 'From the flipchart', clientKey: 'api-flipchart-1' };
    const first = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}/notes`,
      headers: auth,
      payload: body,
    });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}/notes`,
      headers: auth,
      payload: body,
    });
    expect(first.json()).toMatchObject({ created: true, text: 'From the flipchart' });
    expect(again.json()).toMatchObject({ created: false, id: first.json().id });
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}/control`,
      headers: auth,
      payload: { action: 'reveal' },
    });
    expect(bad.json().error.fields.activityId).toBe('Give the activity this applies to');
    const other = await buildUser(t.app);
    const otherToken = (
      await t.app.services.accounts.createApiToken(
        other.id,
        { name: 'api', expiresInDays: 30, scopes: ['write'] },
        SYSTEM_CONTEXT,
      )
    ).token;
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}`,
          headers: { authorization: `Bearer ${otherToken}` },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('ends: no timer counts down any more, and new participants are refused', async () => {
    expect((await facilitator.get(base)).body).toContain('data-countdown=');
    expect((await board(people[0]!)).body).toContain('data-countdown=');
    await control('end');
    const console = await facilitator.get(base);
    expect(console.body).not.toContain('data-countdown=');
    expect(textOf(console.body)).toContain('Status Ended');
    expect(textOf((await facilitator.get(`${base}/projector`)).body)).not.toContain('minutes left');
    expect((await board(people[0]!)).body).not.toContain('data-countdown=');
    const c = new TestClient(t.app);
    const res = await c.submit('/join', '/join', { code });
    expect(textOf(res.body)).toContain('That workshop has ended');
  });
});

describe.runIf(!!process.env.TEST_DATABASE_URL)('workshop events across two instances on one PostgreSQL', () => {
  it('fans a note out to a screen connected to the other instance', async () => {
    const a = await buildTestApp('postgres');
    const dbB = await openDatabase({ url: a.database.url!, poolSize: 2 });
    const b = await createApp(a.config, { database: dbB, logger: false });
    try {
      const lead = await buildUser(a.app);
      const p = await buildProgramme(a.app, { members: [{ userId: lead.id, role: 'lead' }] });
      const id = await a.app.services.workshops.create(
        p.id,
        {
          kind: 'cross-area',
          title: 'Two instances',
          area: null,
          pillar: null,
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
      const w = (await a.app.services.workshops.get(id))!;
      const [first] = await a.app.services.workshops.activities(id);
      await a.app.services.workshops.start(w, first!.id, SYSTEM_CONTEXT);
      const participant = await a.app.services.workshops.join((await a.app.services.workshops.get(id))!, {
        name: 'Sam',
        stakeholderType: 'Clinician',
        area: null,
        userId: null,
      });
      const viewer = new TestClient(b);
      await viewer.signIn(lead.email, lead.password);
      await b.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(b.server.address() as { port: number }).port}/programmes/${p.id}/workshops/${id}/events`;
      const since = await a.app.platform.events.lastSeq(`workshop:${id}`);
      const got = readEvents(url, { cookie: cookieOf(viewer), lastEventId: String(since), count: 1, ms: 8000 });
      await new Promise((r) => setTimeout(r, 300));
      await a.app.services.workshops.addNote(
        (await a.app.services.workshops.get(id))!,
        { activityId: first!.id, text: 'From instance A', clientKey: 'two-instances-1', participant, enteredBy: null },
        SYSTEM_CONTEXT,
      );
      const [event] = await got;
      expect(event).toMatchObject({ id: since + 1, event: 'note.added' });
    } finally {
      await b.close();
      await dbB.close();
      await a.close();
    }
  });
});
