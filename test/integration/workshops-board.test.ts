import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { textOf, type TestClient } from '../helpers/client';
import { countRows } from '../helpers/factories';
import { cookieOf, setUpWorkshop, type WorkshopScene } from './workshops-scene';

describe.each(DRIVERS)('workshops: notes, clusters and votes (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let base: string;
  let workshopId: string;
  let people: TestClient[];
  let join: WorkshopScene['join'];
  let board: WorkshopScene['board'];
  let note: WorkshopScene['note'];
  let control: WorkshopScene['control'];

  beforeAll(async () => {
    ({ t, facilitator, base, workshopId, people, join, board, note, control } = await setUpWorkshop(driver));
    // Two people have joined; the workshop has not started.
    await join('Ann', 'Clinician');
    await join('Jo', 'Patient or citizen');
  });
  afterAll(async () => t?.close());

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
});
