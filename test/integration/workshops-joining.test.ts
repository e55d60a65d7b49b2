import { queryRows } from '../../src/platform/db/database';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { countRows } from '../helpers/factories';
import { setUpWorkshop, type WorkshopScene } from './workshops-scene';

describe.each(DRIVERS)('workshops: joining and invitations (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let base: string;
  let code: string;
  let people: TestClient[];
  let join: WorkshopScene['join'];
  let board: WorkshopScene['board'];

  beforeAll(async () => {
    ({ t, facilitator, base, code, people, join, board } = await setUpWorkshop(driver));
  });
  afterAll(async () => t?.close());

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
});
