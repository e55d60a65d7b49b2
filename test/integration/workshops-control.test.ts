import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';
import { readEvents } from '../helpers/sse';
import { createApp } from '../../src/app';
import { openDatabase } from '../../src/platform/db/database';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { cookieOf, setUpWorkshop, type WorkshopScene } from './workshops-scene';

describe.each(DRIVERS)('workshops: running it, and its event stream (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let base: string;
  let code: string;
  let workshopId: string;
  let people: TestClient[];
  let join: WorkshopScene['join'];
  let board: WorkshopScene['board'];
  let note: WorkshopScene['note'];
  let control: WorkshopScene['control'];

  beforeAll(async () => {
    ({ t, facilitator, base, code, workshopId, people, join, board, note, control } = await setUpWorkshop(driver));
    // Two people have joined and the first activity has started.
    await join('Ann', 'Clinician');
    await join('Jo', 'Patient or citizen');
    await control('start');
  });
  afterAll(async () => t?.close());

  it('stops notes while paused, with a message that keeps what was written', async () => {
    await control('pause');
    const paused = await note(people[0]!, 'Written during the pause');
    expect(paused.statusCode).toBe(400);
    expect(textOf(paused.body)).toContain('paused the board');
    expect(paused.body).toContain('Written during the pause');
    await control('resume');
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
