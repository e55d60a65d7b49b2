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
import { GRADE_9, parseRule } from '../../src/stats/consensus';

describe.each(DRIVERS)('programmes (%s)', (driver) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    t = await buildTestApp(driver);
    admin = await buildUser(t.app, { roles: ['admin'] });
  });
  afterAll(async () => t?.close());

  it('an admin creates a programme with its areas and stakeholder types, and its stages start not started', async () => {
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const form = await c.get('/programmes/new');
    expect(textOf(form.body)).toContain('Learning Disabilities & Autism');
    const res = await c.submit('/programmes/new', '/programmes', {
      name: 'MSK pathway 2026',
      description: 'Co-creating the pathway',
      areas: 'Musculoskeletal\r\nCancer Care\r\n',
      stakeholderTypes: 'Clinician\nPatient or citizen',
    });
    expect(res.statusCode).toBe(302);
    const home = await c.get(res.headers.location as string);
    const text = textOf(home.body);
    expect(text).toContain('MSK pathway 2026');
    expect(text).toContain('Musculoskeletal, Cancer Care');
    expect(text).toContain('0 of 8 stages done');
    const order = [
      'Delphi study',
      'Area workshops',
      'Analysis',
      'Cross-area synthesis',
      'Findings presented back',
      'Consultation',
      'Engagement group agreement',
      'Submission',
    ];
    const positions = order.map((s) => text.indexOf(s));
    expect(positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
  });

  it('a double-clicked create makes one programme', async () => {
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    await c.get('/programmes/new');
    const key = c.hidden('_submission')!;
    const csrf = c.csrf();
    const before = await countRows(t.app, 'programmes');
    const form = { _csrf: csrf, _submission: key, name: 'Double click', areas: 'A', stakeholderTypes: 'B' };
    const [a, b] = await Promise.all([c.post('/programmes', form), c.post('/programmes', form)]);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await countRows(t.app, 'programmes')).toBe(before + 1);
  });

  it.each([
    [{ name: '', areas: 'A', stakeholderTypes: 'B' }, 'Enter a programme name'],
    [{ name: 'X', areas: '', stakeholderTypes: 'B' }, 'Enter at least one clinical area'],
    [{ name: 'Y', areas: 'A\na', stakeholderTypes: 'B' }, 'Each clinical area must appear only once'],
  ])('refuses %o and saves nothing', async (form, message) => {
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const before = await countRows(t.app, 'programmes');
    const res = await c.submit('/programmes/new', '/programmes', form);
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain(message);
    expect(await countRows(t.app, 'programmes')).toBe(before);
  });

  it('refuses a second programme with the same name', async () => {
    await buildProgramme(t.app, { name: 'Taken name' });
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const res = await c.submit('/programmes/new', '/programmes', {
      name: 'taken NAME',
      areas: 'A',
      stakeholderTypes: 'B',
    });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('A programme with this name already exists');
  });

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

  it('a lead records the state of a stage; a bad state is refused', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    const url = `/programmes/${p.id}/stages/delphi`;
    const bad = await c.submit(url, url, { state: 'finished-ish' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Choose the state of this stage');
    expect((await c.submit(url, url, { state: 'done', note: 'Three rounds completed' })).statusCode).toBe(302);
    const home = textOf((await c.get(`/programmes/${p.id}`)).body);
    expect(home).toContain('1 of 8 stages done');
    expect(textOf((await c.get(url)).body)).toContain('Three rounds completed');
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

  it('answers 404 for a programme that does not exist', async () => {
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    expect((await c.get('/programmes/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await c.get('/programmes/not-a-uuid')).statusCode).toBe(404);
  });

  it('records changes in the audit log, which admins can filter', async () => {
    const p = await buildProgramme(t.app, { name: 'Audited programme' });
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const res = await c.get(`/admin/audit?entityType=programme&entityId=${p.id}`);
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body)).toContain('programme.created');
    const bad = await c.get('/admin/audit?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Enter the start as a date');
    // Days are UK days: half past midnight on 1 June in London (23:30 UTC on 31 May) belongs to 1 June.
    await t.app.platform.db.execute(
      sql`insert into audit_events (at, actor_label, action, entity_type) values ('2026-05-31T23:30:00Z', 'test', 'test.summer-midnight', 'test')`,
    );
    expect(
      textOf((await c.get('/admin/audit?action=test.summer-midnight&from=2026-06-01&to=2026-06-01')).body),
    ).toContain('test.summer-midnight');
    expect(
      textOf((await c.get('/admin/audit?action=test.summer-midnight&from=2026-05-31&to=2026-05-31')).body),
    ).not.toContain('test.summer-midnight');
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

  it('the programme page shows the stages as the Delphi study and workshops records show them', async () => {
    const lead = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(lead.email, lead.password);
    expect(textOf((await c.get(`/programmes/${p.id}`)).body)).toMatch(/1\. Delphi study .*Not started/);

    const { delphi, workshops } = t.app.services;
    const studyId = await delphi.createStudy(
      p.id,
      {
        title: 'Transition capabilities',
        purpose: 'Agree them',
        scale: GRADE_9,
        allowUnable: true,
        rule: parseRule('comet'),
        quartileMethod: 7,
        everyGroup: false,
        reasonDistance: 4,
        namesInExports: false,
        withSuggestions: false,
      },
      lead.id,
      SYSTEM_CONTEXT,
    );
    const [round] = await delphi.rounds(studyId);
    await delphi.addItems(
      round!,
      [{ text: 'Leads research across the system', domain: 'Research and innovation', stage: null, area: null }],
      SYSTEM_CONTEXT,
    );
    await delphi.invite((await delphi.getStudy(studyId))!, ['panel@example.nhs.uk'], 'Clinician', null, SYSTEM_CONTEXT);
    await delphi.openRound((await delphi.getRound(round!.id))!, new Date(Date.now() + 86_400_000), SYSTEM_CONTEXT);
    const w = await workshops.create(
      p.id,
      {
        kind: 'area',
        title: 'MSK consultancy',
        area: 'Musculoskeletal',
        pillar: 'Consultancy',
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
    await workshops.end((await workshops.get(w))!, SYSTEM_CONTEXT);

    const home = textOf((await c.get(`/programmes/${p.id}`)).body);
    expect(home).toMatch(/1\. Delphi study Round 1 of Transition capabilities is open\. .*In progress/);
    expect(home).toMatch(/2\. Area workshops 1 workshop held\. .*Done/);
    expect(home).toContain('1 of 8 stages done');
    expect(home).not.toMatch(/\b(in-progress|not-started)\b/);
    expect(textOf((await c.get(`/programmes/${p.id}/stages/delphi`)).body)).toContain(
      'From the records: Round 1 of Transition capabilities is open.',
    );
    const api = await c.json('GET', `/api/v1/programmes/${p.id}`);
    expect(
      api
        .json()
        .stages.slice(0, 2)
        .map((s: { state: string }) => s.state),
    ).toEqual(['in-progress', 'done']);
  });
});
