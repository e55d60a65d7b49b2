import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows, linkIn, startPractitionerWithSupervisor } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { loadShippedFrameworks } from '../../src/features/demo/seed';
import { queryRows } from '../../src/platform/db/database';
import { extractText } from '../../src/exports/extract-text';

const NHS = '943 476 5919';
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Issue 10 on the pathway: what people see, what they are asked to confirm, and what cannot happen by accident (both databases). */
describe.each(DRIVERS)('pathway hardening (%s)', (driver) => {
  let t: TestApp;
  let me: TestClient;
  let meUser: Awaited<ReturnType<typeof buildUser>>;
  let sup: TestClient;
  let path: string;
  let pid: string;

  async function addEvidence(title: string, reflection = `About ${title}`) {
    const r = await me.submit(`${path}/evidence`, `${path}/evidence`, {
      kind: 'leadership',
      title,
      template: 'none',
      reflection,
    });
    expect(r.statusCode).toBe(302);
    return r.headers.location as string;
  }
  /** The link in the latest email to `to`, as the recipient gets it (the outbox may show secret links hidden). */
  async function linkSentTo(to: string) {
    return linkIn((await liveMessageTo(t.app, to))!.text);
  }
  const n = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(t.app.platform.db, query))[0]!.n;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await loadShippedFrameworks(t.app.services.frameworks);
    let supUser: Awaited<ReturnType<typeof buildUser>>;
    ({ meUser, supUser, me, sup, path } = await startPractitionerWithSupervisor(t.app, {
      practitioner: 'Nia Practitioner',
      supervisor: 'Sol Supervisor',
    }));
    pid = path.split('/').pop()!;
    expect((await me.submit('/pathway/profile', '/pathway/supervisors', { email: supUser.email })).statusCode).toBe(
      302,
    );
  });
  afterAll(async () => t?.close());

  it('refuses an NHS number in every pathway form, and over-long text, with every failing field at once', async () => {
    const profile = await me.submit('/pathway/profile', '/pathway/profile', {
      profession: NHS,
      registration: `NMC ${NHS}`,
      employer: 'x'.repeat(201),
    });
    expect(profile.statusCode).toBe(400);
    const page = textOf(profile.body);
    expect(page.match(/contains what looks like an NHS number \(943 476 5919\)/g)!.length).toBeGreaterThanOrEqual(2);
    expect(page).toContain('Employer must be 200 characters or fewer');
    expect(await n(sql`select count(*)::int as n from practitioner_profiles`)).toBe(0);

    const item = await addEvidence('Ran the falls clinic');
    const edit = await me.submit(item, `${item}/edit`, {
      kind: 'leadership',
      title: '',
      template: 'none',
      reflection: `Patient ${NHS}`,
    });
    expect(edit.statusCode).toBe(400);
    expect(textOf(edit.body)).toContain('Give the evidence a title');
    expect(textOf(edit.body)).toContain('contains what looks like an NHS number');
    const ask = await me.submit(item, `${item}/confirmation`, { name: `Dr ${NHS}`, email: 'not an address' });
    expect(textOf(ask.body)).toContain('contains what looks like an NHS number');
    expect(textOf(ask.body)).toContain('Enter their email address, like name@nhs.net');
    const found = await me.get(`${item}?q=2.1.3`);
    const statement = /name="statement" value="([0-9a-f-]{36})"/.exec(found.body)![1]!;
    const link = await me.post(`${item}/links`, { _csrf: me.csrf(), statement, reason: `Seen with ${NHS}` });
    expect(link.statusCode).toBe(400);
    expect(textOf(link.body)).toContain('contains what looks like an NHS number');
    expect(await countRows(t.app, 'evidence_links')).toBe(0);
    expect(
      await n(sql`select count(*)::int as n from evidence where status <> 'draft' or reflection like ${`%${NHS}%`}`),
    ).toBe(0);

    const goal = await me.submit(`${path}/plan`, `${path}/plan/goals`, { title: `Follow up ${NHS}` });
    expect(textOf(goal.body)).toContain('contains what looks like an NHS number');
    expect(await countRows(t.app, 'plan_goals')).toBe(0);

    const team = await me.submit(`${path}/teams`, `${path}/teams`, { name: `Team ${NHS}` });
    expect(team.statusCode).toBe(400);
    expect(textOf(team.body)).toContain('contains what looks like an NHS number');
    expect(await n(sql`select count(*)::int as n from pathway_groups`)).toBe(0);

    await sup.get(`/supervision/${meUser.id}`);
    const meeting = await sup.post(`/supervision/${meUser.id}/meetings`, {
      _csrf: sup.csrf(),
      heldOn: dayFromNow(0),
      notes: `Discussed ${NHS}`,
      agreedActions: `Call ${NHS}`,
    });
    expect(meeting.statusCode).toBe(400);
    expect(textOf(meeting.body).match(/contains what looks like an NHS number/g)!.length).toBeGreaterThanOrEqual(2);
    expect(await countRows(t.app, 'supervision_meetings')).toBe(0);
  });

  it('keeps plan actions out of the past, with a clear message', async () => {
    await me.submit(`${path}/plan`, `${path}/plan/goals`, { title: 'Present at the regional network' });
    const plan = await me.get(`${path}/plan`);
    const goalId = /id="goal-([0-9a-f-]{36})"/.exec(plan.body)![1]!;
    const past = await me.post(`${path}/plan/goals/${goalId}/actions`, {
      _csrf: me.csrf(),
      text: 'Book the room',
      dueOn: dayFromNow(-1),
    });
    expect(past.statusCode).toBe(400);
    expect(textOf(past.body)).toContain('The due date must be today or later: an action cannot be due in the past');
    expect(await countRows(t.app, 'plan_actions')).toBe(0);
    await me.get(`${path}/plan`);
    expect(
      (
        await me.post(`${path}/plan/goals/${goalId}/actions`, {
          _csrf: me.csrf(),
          text: 'Book the room',
          dueOn: dayFromNow(0),
        })
      ).statusCode,
    ).toBe(302);
    await me.get(`${path}/plan`);
    await me.post(`${path}/plan/goals/${goalId}/status`, { _csrf: me.csrf(), status: 'in-progress' });
  });

  it('shows the area framework’s statements to the colleague confirming, keeps line breaks, and offers no controls that confirmed evidence refuses', async () => {
    const page = await me.get(path);
    const msk = /<option value="([0-9a-f-]{36})"[^>]*>\s*Musculoskeletal area framework/.exec(page.body)![1]!;
    expect((await me.post(`${path}/area`, { _csrf: me.csrf(), areaVersionId: msk })).statusCode).toBe(302);
    const item = await addEvidence(
      'Redesigned the pain pathway',
      'What happened: waits fell.\nSo what: <b>fewer</b> referrals.\n\nNow what: spread it.',
    );
    const evidencePage = await me.get(item);
    expect(evidencePage.body).toContain(
      'What happened: waits fell.<br />\nSo what: &lt;b&gt;fewer&lt;/b&gt; referrals.',
    );
    for (const q of ['MSK.1.1', '2.1.3']) {
      const found = await me.get(`${item}?q=${q}`);
      const statement = /name="statement" value="([0-9a-f-]{36})"/.exec(found.body)![1]!;
      expect((await me.post(`${item}/links`, { _csrf: me.csrf(), statement })).statusCode).toBe(302);
    }
    expect(
      (
        await me.submit(item, `${item}/confirmation`, {
          name: 'Dr Bea Jones',
          email: 'bea@trust.example',
          includeReflection: 'yes',
        })
      ).statusCode,
    ).toBe(302);
    const link = await linkSentTo('bea@trust.example');
    const guest = new TestClient(t.app);
    const asked = await guest.get(link);
    expect(textOf(asked.body)).toContain('MSK.1.1 Manages people with persistent pain');
    expect(asked.body).not.toMatch(/<li>\s*(<br>)?\s*<\/li>|<li>\s+<br>/);
    expect(asked.body).toContain('What happened: waits fell.<br />\nSo what: &lt;b&gt;fewer&lt;/b&gt; referrals.');
    await guest.post(link, {
      _csrf: guest.csrf(),
      decision: 'confirm',
      name: 'Dr Bea Jones',
      role: 'Consultant physiotherapist',
      statement: 'I saw it.',
    });

    const confirmed = await me.get(item);
    expect(textOf(confirmed.body)).toContain('Confirmed by Dr Bea Jones');
    expect(confirmed.body).not.toContain('/edit"');
    expect(confirmed.body).not.toContain('/remove"');
    expect(confirmed.body).not.toContain('Link to a statement');
    expect(confirmed.body).not.toContain('Attach a file');
    expect(confirmed.body).not.toContain('Send the request');

    const superviseePage = await sup.get(`/supervision/${meUser.id}/pathways/${pid}/evidence/${item.split('/').pop()}`);
    expect(superviseePage.body).toContain('What happened: waits fell.<br />');
    expect(textOf(superviseePage.body)).toContain('Confirmed: Dr Bea Jones');
    expect(textOf(superviseePage.body)).not.toMatch(/\bconfirmed: Dr/);

    const pdf = await extractText('p.pdf', (await me.get(`${path}/portfolio.pdf`)).rawPayload);
    expect(pdf.ok).toBe(true);
    const text = pdf.ok ? pdf.text : '';
    expect(text).toMatch(/What happened: waits fell\.\s*\n\s*So what/);
    expect(text).toContain('Status: Confirmed');
    expect(text).toContain('In progress');
    expect(text).not.toMatch(/years-1-3|years-3-5|in-progress|Status: (draft|submitted|confirmed|returned)/);
  });

  it('signs off a stage only after showing the gaps and asking, never an earlier stage by accident, and never pre-selects another stage afterwards', async () => {
    const started = dayFromNow(-400);
    expect((await me.submit('/pathway/profile', '/pathway/profile', { consultantPostStart: started })).statusCode).toBe(
      302,
    );
    const person = await sup.get(`/supervision/${meUser.id}`);
    expect(person.body).toMatch(/<option value="years-1-3" selected/);
    expect(person.body).not.toContain(`action="/supervision/${meUser.id}/pathways/${pid}/signoff" method="post"`);

    const check = await sup.get(`/supervision/${meUser.id}/pathways/${pid}/signoff?stage=years-1-3`);
    expect(check.statusCode).toBe(200);
    const checkText = textOf(check.body);
    expect(checkText).toContain('Sign off “Years 1 to 3 in post”?');
    expect(checkText).toContain('Evidence still missing for this stage');
    expect(checkText.indexOf('no evidence')).toBeLessThan(checkText.indexOf('Sign off and issue the badge'));
    expect(checkText).not.toContain('This is an earlier stage');
    // The supervisor's pages speak about the practitioner; the practitioner's own matrix speaks to them.
    expect(checkText).toContain('their pathway asks for at least 1');
    expect(textOf(person.body)).toContain('their pathway asks for at least 1');
    for (const page of [checkText, textOf(person.body)]) expect(page).not.toMatch(/your pathway (asks|allows)/);
    expect(textOf((await me.get(`/pathway/${pid}/matrix`)).body)).toContain('your pathway asks for at least 1');

    const signoff = `/supervision/${meUser.id}/pathways/${pid}/signoff`;
    const nothing = await sup.post(signoff, { _csrf: sup.csrf(), stage: 'years-1-3', comment: 'x'.repeat(2001) });
    expect(nothing.statusCode).toBe(400);
    expect(textOf(nothing.body)).toContain('Confirm that you have reviewed the evidence for this stage');
    expect(textOf(nothing.body)).toContain('Keep the comment to 2,000 characters or fewer');
    const earlier = await sup.post(signoff, { _csrf: sup.csrf(), stage: 'transition', confirm: 'yes' });
    expect(earlier.statusCode).toBe(400);
    expect(textOf(earlier.body)).toContain(
      'Transition from advanced to consultant practice is earlier than Years 1 to 3 in post',
    );
    expect(await countRows(t.app, 'stage_signoffs')).toBe(0);

    expect(
      (await sup.post(signoff, { _csrf: sup.csrf(), stage: 'years-1-3', confirm: 'yes', comment: 'Well evidenced' }))
        .statusCode,
    ).toBe(302);
    const after = await sup.get(`/supervision/${meUser.id}`);
    expect(after.body).toMatch(/<option value="" selected/);
    expect(after.body).not.toMatch(/<option value="(transition|years-3-5)" selected/);
    const again = await sup.get(`${signoff}?stage=years-1-3`);
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('Years 1 to 3 in post is already signed off');

    await sup.get(`${signoff}?stage=transition`);
    expect(textOf(sup.lastHtml)).toContain('This is an earlier stage');
    expect(
      (await sup.post(signoff, { _csrf: sup.csrf(), stage: 'transition', confirm: 'yes', earlier: 'yes' })).statusCode,
    ).toBe(302);
    expect(await countRows(t.app, 'stage_signoffs')).toBe(2);
  });

  it('lets only the invited account answer a team invitation; anyone else is told, and nothing changes', async () => {
    const mate = await buildUser(t.app, {
      name: 'Ola Teammate',
      email: `ola-${Date.now()}@nhs.net`,
      roles: ['practitioner'],
    });
    const made = await me.submit(`${path}/teams`, `${path}/teams`, { name: 'Pain network' });
    const team = made.headers.location as string;
    expect((await me.submit(team, `${team}/invite`, { email: mate.email })).statusCode).toBe(302);
    const link = await linkSentTo(mate.email);
    expect(link).toMatch(/^\/pathway\/invitations\//);

    const strangerUser = await buildUser(t.app, { roles: ['practitioner'] });
    const stranger = new TestClient(t.app);
    await stranger.signIn(strangerUser.email, strangerUser.password);
    const other = await stranger.get(link);
    expect(other.statusCode).toBe(403);
    expect(textOf(other.body)).toContain('was sent to o***@nhs.net, not to the account you are signed in with');
    expect(other.body).not.toContain(mate.email);
    await stranger.get('/pathway');
    const forced = await stranger.post(link, { _csrf: stranger.csrf(), choice: 'accept' });
    expect(forced.statusCode).toBe(403);
    const groupId = team.split('/').pop()!;
    expect(
      await n(
        sql`select count(*)::int as n from group_members where group_id = ${groupId} and accepted_at is not null`,
      ),
    ).toBe(1); // the founder only
    expect(
      await n(
        sql`select count(*)::int as n from group_members where group_id = ${groupId} and user_id = ${strangerUser.id}`,
      ),
    ).toBe(0);

    const mc = new TestClient(t.app);
    await mc.signIn(mate.email, mate.password);
    expect(textOf((await mc.get(link)).body)).toContain('Team: Pain network');
    expect((await mc.post(link, { _csrf: mc.csrf(), choice: 'accept' })).statusCode).toBe(302);
    expect((await mc.get(team)).statusCode).toBe(200);
    expect((await mc.get(link)).statusCode).toBe(410); // answered: the link is done
  });

  it('makes one share link for a doubled submit, and never keeps the raw token', async () => {
    const page = `${path}/portfolio`;
    await me.get(page);
    const form = { _csrf: me.csrf(), _submission: me.hidden('_submission')!, label: 'Consultant panel', days: '14' };
    expect(form._submission).toBeTruthy();
    expect((await me.post(`${page}/share`, form)).statusCode).toBe(302);
    const first = await me.get(page);
    expect(first.body).toMatch(/id="new-link"[^>]*value="http:\/\/localhost:3000\/shared\//);
    expect((await me.post(`${page}/share`, form)).statusCode).toBe(302);
    const second = await me.get(page);
    expect(textOf(second.body)).toContain(
      'The share link “Consultant panel” was already made, and shown once when it was',
    );
    expect(second.body).not.toContain('id="new-link"');
    expect(await n(sql`select count(*)::int as n from link_tokens where purpose = 'portfolio-share'`)).toBe(1);
    const raw = /\/shared\/([A-Za-z0-9_-]+)/.exec(first.body)![1]!;
    expect(await n(sql`select count(*)::int as n from submissions where result::text like ${`%${raw}%`}`)).toBe(0);
    // The shared page speaks in words, not keys.
    const shared = textOf((await new TestClient(t.app).get(`/shared/${raw}`)).body);
    expect(shared).toContain('Confirmed');
    expect(shared).not.toMatch(/years-1-3|years-3-5| · confirmed| · draft/);
  });

  it('refuses a portfolio file with more items than any real portfolio, before doing any work', async () => {
    const doc = JSON.parse((await me.get(`${path}/portfolio.json`)).body);
    const e = doc.evidence[0];
    const huge = { ...doc, evidence: Array.from({ length: 2001 }, (_, i) => ({ ...e, title: `Item ${i}` })) };
    const before = await countRows(t.app, 'evidence');
    const r = await me.upload(
      '/pathway/import',
      '/pathway/import',
      {},
      { field: 'file', filename: 'p.json', content: JSON.stringify(huge) },
    );
    expect(r.statusCode).toBe(400);
    expect(textOf(r.body)).toContain('This portfolio has 2,001 pieces of evidence; Waymark imports at most 2,000');
    expect(await countRows(t.app, 'evidence')).toBe(before);
  });
});
