import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows, linkIn, PASSWORD } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { issueLinkToken } from '../../src/platform/tokens/link-tokens';
import { INVITATION_PURPOSE } from '../../src/features/programmes/service';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';

describe.each(DRIVERS)('programmes (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(async () => t?.close());

  it('a lead invites someone new, who creates an account from the link and joins with that role', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    await c.get(`/programmes/${p.id}/members/invite`);
    const types = [...c.lastHtml.matchAll(/<option value="([0-9a-f-]{36})"[^>]*>\s*Clinician\s*</g)];
    const invited = await c.submit(`/programmes/${p.id}/members/invite`, `/programmes/${p.id}/members/invite`, {
      email: 'New.Person@Example.nhs.uk',
      role: 'participant',
      stakeholderTypeId: types[0]![1],
      areaId: '',
    });
    expect(invited.statusCode).toBe(302);
    expect(textOf((await c.get(`/programmes/${p.id}/members`)).body)).toContain('new.person@example.nhs.uk');

    const email = await liveMessageTo(t.app, 'new.person@example.nhs.uk');
    expect(email?.subject).toContain(p.name);
    const link = linkIn(email!.text);

    const guest = new TestClient(t.app);
    const page = await guest.get(link);
    expect(textOf(page.body)).toContain('participant');
    const weak = await guest.post(`${link}/register`, { _csrf: guest.csrf(), name: 'New Person', password: 'tiny' });
    expect(weak.statusCode).toBe(400);
    expect(textOf(weak.body)).toContain('12 characters or more');
    const joined = await guest.post(`${link}/register`, {
      _csrf: guest.csrf(),
      name: 'New Person',
      password: PASSWORD,
    });
    expect(joined.headers.location).toBe(`/programmes/${p.id}`);
    const home = await guest.get(`/programmes/${p.id}`);
    expect(home.statusCode).toBe(200);
    expect(textOf(home.body)).toContain('Your roles: Participant');
    const members = textOf((await c.get(`/programmes/${p.id}/members`)).body);
    expect(members).toContain('New Person');
    expect(members).toContain('Clinician');

    const reused = await new TestClient(t.app).get(link);
    expect(reused.statusCode).toBe(400);
  });

  it('an existing user accepts an invitation after signing in', async () => {
    const lead = await buildUser(t.app);
    const invitee = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    await t.app.services.programmes.invite(
      p.id,
      { email: invitee.email, role: 'analyst', stakeholderTypeId: null, areaId: null },
      { id: lead.id, name: 'Lead' },
      { actorId: lead.id, actorLabel: lead.email },
    );
    const link = linkIn((await liveMessageTo(t.app, invitee.email))!.text);
    const c = new TestClient(t.app);
    await c.signIn(invitee.email, invitee.password);
    await c.get(link);
    const res = await c.post(`${link}/accept`, { _csrf: c.csrf() });
    expect(res.headers.location).toBe(`/programmes/${p.id}`);
    expect(textOf((await c.get(`/programmes/${p.id}`)).body)).toContain('Your roles: Analyst');
  });

  it('refuses an invitation for a participant without a stakeholder type, and a repeated invitation', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    const before = await countRows(t.app, 'invitations');
    const noType = await c.submit(`/programmes/${p.id}/members/invite`, `/programmes/${p.id}/members/invite`, {
      email: 'x@example.nhs.uk',
      role: 'participant',
      stakeholderTypeId: '',
    });
    expect(noType.statusCode).toBe(400);
    expect(textOf(noType.body)).toContain('Choose the stakeholder type of this participant');
    expect(await countRows(t.app, 'invitations')).toBe(before);

    expect(
      (
        await c.submit(`/programmes/${p.id}/members/invite`, `/programmes/${p.id}/members/invite`, {
          email: 'y@example.nhs.uk',
          role: 'facilitator',
        })
      ).statusCode,
    ).toBe(302);
    const again = await c.submit(`/programmes/${p.id}/members/invite`, `/programmes/${p.id}/members/invite`, {
      email: 'y@example.nhs.uk',
      role: 'facilitator',
    });
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('already has an invitation waiting');
  });

  it('a withdrawn invitation link stops working', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const id = await t.app.services.programmes.invite(
      p.id,
      { email: 'gone@example.nhs.uk', role: 'facilitator', stakeholderTypeId: null, areaId: null },
      { id: lead.id, name: 'Lead' },
      { actorId: lead.id, actorLabel: lead.email },
    );
    const link = linkIn((await liveMessageTo(t.app, 'gone@example.nhs.uk'))!.text);
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    await c.get(`/programmes/${p.id}/members`);
    expect((await c.post(`/programmes/${p.id}/invitations/${id}/revoke`, { _csrf: c.csrf() })).statusCode).toBe(302);
    const res = await new TestClient(t.app).get(link);
    expect(res.statusCode).toBe(400);
  });

  it('keeps at least one lead', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    await c.get(`/programmes/${p.id}/members`);
    const res = await c.post(`/programmes/${p.id}/members/${lead.id}/lead/remove`, { _csrf: c.csrf() });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('must keep at least one programme lead');
  });

  /** A working link for an invitation, made as the email would make it (without reading the outbox). */
  const invitationLink = async (invitationId: string) =>
    `/invitations/${await issueLinkToken(t.app.platform.db, { purpose: INVITATION_PURPOSE, subject: invitationId, ttlMs: 86_400_000 })}`;

  it('an invitation is accepted only by the account it was sent to; another account is told where it went and changes nothing', async () => {
    const lead = await buildUser(t.app);
    const invitee = await buildUser(t.app, { email: 'alex.invitee@nhs.net' });
    const stranger = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const id = await t.app.services.programmes.invite(
      p.id,
      { email: invitee.email, role: 'analyst', stakeholderTypeId: null, areaId: null },
      { id: lead.id, name: 'Lead' },
      SYSTEM_CONTEXT,
    );
    const link = await invitationLink(id);

    const c = new TestClient(t.app);
    await c.signIn(stranger.email, stranger.password);
    const page = await c.get(link);
    expect(page.statusCode).toBe(403);
    const text = textOf(page.body);
    expect(text).toContain('This invitation is for another account');
    expect(text).toContain('a***@nhs.net');
    expect(text).not.toContain('alex.invitee@nhs.net');
    expect(text).toContain(stranger.email);
    const accept = await c.post(`${link}/accept`, { _csrf: c.csrf() });
    expect(accept.statusCode).toBe(403);
    expect(textOf(accept.body)).toContain('a***@nhs.net');
    expect((await c.get(`/programmes/${p.id}`)).statusCode).toBe(403);
    expect(
      (
        await queryRows<{ n: number }>(
          t.app.platform.db,
          sql`select count(*)::int as n from programme_members where user_id = ${stranger.id}`,
        )
      )[0]!.n,
    ).toBe(0);
    expect(
      (
        await queryRows<{ n: number }>(
          t.app.platform.db,
          sql`select count(*)::int as n from invitations where id = ${id} and accepted_at is null`,
        )
      )[0]!.n,
    ).toBe(1);

    // The way on: sign out, and come back to the invitation to sign in as the invited address.
    await c.get(link);
    const out = await c.post(`${link}/switch-account`, { _csrf: c.csrf() });
    expect(out.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(link)}`);
    expect((await c.get('/account')).statusCode).toBe(302);
    await c.signIn(invitee.email, invitee.password);
    await c.get(link);
    expect((await c.post(`${link}/accept`, { _csrf: c.csrf() })).headers.location).toBe(`/programmes/${p.id}`);
    expect(textOf((await c.get(`/programmes/${p.id}`)).body)).toContain('Your roles: Analyst');
  });

  it('one invitation waits per person per programme: another role is refused, and a double-clicked resend sends once', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    const url = `/programmes/${p.id}/members/invite`;
    expect((await c.submit(url, url, { email: 'one.person@example.nhs.uk', role: 'facilitator' })).statusCode).toBe(
      302,
    );
    const other = await c.submit(url, url, { email: 'one.person@example.nhs.uk', role: 'analyst' });
    expect(other.statusCode).toBe(400);
    expect(textOf(other.body)).toContain('already has an invitation waiting, as facilitator');
    const count = async () =>
      (
        await queryRows<{ n: number }>(
          t.app.platform.db,
          sql`select count(*)::int as n from outbox where "to" = 'one.person@example.nhs.uk'`,
        )
      )[0]!.n;
    expect(await count()).toBe(1);

    await c.get(`/programmes/${p.id}/members`);
    const action = /action="(\/programmes\/[^"]+\/resend)"/.exec(c.lastHtml)![1]!;
    const form = {
      _csrf: c.csrf(),
      _submission:
        /action="[^"]+\/resend"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<input type="hidden" name="_submission" value="([^"]+)"/.exec(
          c.lastHtml,
        )![1]!,
    };
    expect((await c.post(action, form)).statusCode).toBe(302);
    expect((await c.post(action, form)).statusCode).toBe(302);
    expect(await count()).toBe(2);
  });
});
