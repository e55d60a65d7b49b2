import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { addEvidenceAs, setUpPractitioner, statementId } from './pathway-scene';
import { type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows, lastEmailTo } from '../helpers/factories';

/** The development plan, teams and cohorts, on both databases. */
describe.each(DRIVERS)('development plan, teams and cohorts (%s)', (driver) => {
  let t: TestApp;
  let me: TestClient;
  let meUser: Awaited<ReturnType<typeof buildUser>>;
  let path: string;
  let versionId: string;
  const items: string[] = [];

  const addEvidence = (title: string) => addEvidenceAs(me, path, title);

  beforeAll(async () => {
    ({ t, me, meUser, versionId, path } = await setUpPractitioner(driver));
    // What the rules test made in pathway-portfolio.test.ts and the team test relies on: three pieces of evidence,
    // the second linked to a statement (so it shows in the matrix).
    for (const title of ['Service evaluation one', 'Service evaluation two', 'Service evaluation three']) {
      items.push((await addEvidence(title)).headers.location as string);
    }
    const s2 = await statementId(me, items[1]!, '2.1.1');
    await me.post(`${items[1]}/links`, { _csrf: me.csrf(), statement: s2 });
  });
  afterAll(async () => t?.close());

  it('builds a development plan from the learning needs, and reminds once before an action is due', async () => {
    await me.get(path);
    const seeded = await me.post(`${path}/plan/seed`, { _csrf: me.csrf() });
    expect(seeded.statusCode).toBe(302);
    const goals = await countRows(t.app, 'plan_goals');
    expect(goals).toBeGreaterThan(5); // nothing assessed yet: every statement for the stage is a need
    await me.get(path);
    await me.post(`${path}/plan/seed`, { _csrf: me.csrf() });
    expect(await countRows(t.app, 'plan_goals')).toBe(goals); // not twice

    const plan = await me.get(`${path}/plan`);
    const goalId = /id="goal-([0-9a-f-]{36})"/.exec(plan.body)![1]!;
    const noText = await me.post(`${path}/plan/goals/${goalId}/actions`, {
      _csrf: me.csrf(),
      text: '',
      dueOn: '2026-13-40',
    });
    expect(noText.statusCode).toBe(400);
    expect(textOf(noText.body)).toContain('Enter the action');
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const later = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await me.get(`${path}/plan`);
    expect(
      (
        await me.post(`${path}/plan/goals/${goalId}/actions`, {
          _csrf: me.csrf(),
          text: 'Book the shadowing day',
          dueOn: soon,
        })
      ).statusCode,
    ).toBe(302);
    expect(
      (
        await me.post(`${path}/plan/goals/${goalId}/actions`, {
          _csrf: me.csrf(),
          text: 'Write up the audit',
          dueOn: later,
        })
      ).statusCode,
    ).toBe(302);
    expect(await t.app.services.plans.sendReminders()).toBe(1);
    const mail = (await lastEmailTo(t.app, meUser.email))!;
    expect(mail.subject).toBe('An action in your development plan is due soon');
    expect(mail.text).toContain('Book the shadowing day');
    expect(mail.text).not.toContain('Write up the audit');
    expect(await t.app.services.plans.sendReminders()).toBe(0); // once only

    await me.post(`${path}/plan/goals/${goalId}/status`, { _csrf: me.csrf(), status: 'in-progress' });
    expect(textOf((await me.get(`${path}/plan`)).body)).toContain('In progress');
  });

  it('shares team evidence and goals with every member who accepted, and nobody else', async () => {
    const mate = await buildUser(t.app, { name: 'Tess Teammate', roles: ['practitioner'] });
    const mc = new TestClient(t.app);
    await mc.signIn(mate.email, mate.password);
    await mc.get('/pathway');
    const matePath = (await mc.post('/pathway/start', { _csrf: mc.csrf(), versionId })).headers.location as string;

    const made = await me.submit(`${path}/teams`, `${path}/teams`, { name: 'North MSK' });
    const team = made.headers.location as string;
    const invite = await me.submit(team, `${team}/invite`, { email: 'nobody@example.com' });
    expect(textOf(invite.body)).toContain('There is no practitioner with that email');
    expect((await me.submit(team, `${team}/invite`, { email: mate.email })).statusCode).toBe(302);
    expect((await mc.get(team)).statusCode).toBe(404); // not a member until they accept
    await mc.get('/pathway');
    expect(textOf(mc.lastHtml)).toContain('Team: North MSK');
    await mc.post(`/pathway/groups/${team.split('/').pop()}/accept`, { _csrf: mc.csrf() });
    expect((await mc.get(team)).statusCode).toBe(200);

    // Rhys shares a piece of evidence with the team: it is credited to Tess too.
    const groupId = team.split('/').pop()!;
    await me.get(items[1]!);
    await me.post(`${items[1]}/edit`, {
      _csrf: me.csrf(),
      kind: 'inquiry',
      title: 'Service evaluation two',
      template: 'gibbs',
      reflection: 'Shared work',
      groupId,
    });
    const theirs = textOf((await mc.get(`${matePath}/evidence`)).body);
    expect(theirs).toContain('Shared with you by your team');
    expect(theirs).toContain('Service evaluation two');
    expect(theirs).not.toContain('Shared work'); // titles, not reflections
    const matrix = textOf((await mc.get(`${matePath}/matrix?stage=all`)).body);
    expect(matrix).toContain('Service evaluation two (shared by your team)'); // credited to Tess's matrix too
    // A goal shared with the team is in both plans, and its actions remind every member.
    await me.get(`${path}/plan`);
    expect(
      (await me.post(`${path}/plan/goals`, { _csrf: me.csrf(), title: 'Run the team journal club', shared: groupId }))
        .statusCode,
    ).toBe(302);
    const matePlan = await mc.get(`${matePath}/plan`);
    expect(textOf(matePlan.body)).toContain('Run the team journal club');
    const sharedGoal = /id="goal-([0-9a-f-]{36})"[\s\S]*?Run the team journal club/.exec(matePlan.body)![1]!;
    const soon = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(
      (
        await mc.post(`${matePath}/plan/goals/${sharedGoal}/actions`, {
          _csrf: mc.csrf(),
          text: 'Choose the first paper',
          dueOn: soon,
        })
      ).statusCode,
    ).toBe(302);
    await t.app.services.plans.sendReminders();
    expect((await lastEmailTo(t.app, mate.email))!.text).toContain('Choose the first paper');
    expect((await lastEmailTo(t.app, meUser.email))!.text).toContain('Choose the first paper');
    // When Rhys leaves, what he shared is his alone again.
    await me.get('/pathway');
    await me.post(`/pathway/groups/${groupId}/leave`, { _csrf: me.csrf() });
    expect(textOf((await mc.get(`${matePath}/evidence`)).body)).not.toContain('Service evaluation two');
  });

  it('shows a cohort only to whoever runs it and the programme’s leads, with anonymised programme figures', async () => {
    const educator = await buildUser(t.app, { roles: ['supervisor'] });
    const lead = await buildUser(t.app);
    const analyst = await buildUser(t.app);
    const programme = await buildProgramme(t.app, {
      members: [
        { userId: lead.id, role: 'lead' },
        { userId: analyst.id, role: 'analyst' },
        { userId: educator.id, role: 'facilitator' },
      ],
    });
    const ed = new TestClient(t.app);
    await ed.signIn(educator.email, educator.password);
    const noName = await ed.submit('/cohorts', '/cohorts', { name: '', versionId });
    expect(textOf(noName.body)).toContain('Enter a name for the cohort');
    const made = await ed.submit('/cohorts', '/cohorts', { name: '2026 cohort', versionId, programmeId: programme.id });
    const cohort = made.headers.location as string;
    await ed.submit(cohort, `${cohort}/invite`, { email: meUser.email });
    expect(textOf((await ed.get(cohort)).body)).toContain('No one has joined yet');
    await me.get('/pathway');
    await me.post(`/pathway/groups/${cohort.split('/').pop()}/accept`, { _csrf: me.csrf() });
    const view = textOf((await ed.get(cohort)).body);
    expect(view).toContain('Rhys Practitioner');
    expect(view).not.toContain('Reflection on'); // figures, never reflections
    expect(view).toMatch(/Rhys Practitioner Transition from advanced to consultant practice/);

    const lc = new TestClient(t.app);
    await lc.signIn(lead.email, lead.password);
    expect((await lc.get(cohort)).statusCode).toBe(200);
    const ac = new TestClient(t.app);
    await ac.signIn(analyst.email, analyst.password);
    expect((await ac.get(cohort)).statusCode).toBe(403);
    expect((await me.get(cohort)).statusCode).toBe(403);
    const figures = textOf((await ac.get(`/programmes/${programme.id}/pathway-figures`)).body);
    expect(figures).toContain('Withheld (fewer than 5)'); // one person: nothing that could point at them
    expect(figures).not.toContain('Rhys');
    expect((await ed.get(`/programmes/${programme.id}/pathway-figures`)).statusCode).toBe(403);
  });
});
