import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows, lastEmailTo } from '../helpers/factories';
import { loadShippedFrameworks } from '../../src/features/demo/seed';
import { queryRows } from '../../src/platform/db/database';
import { extractText } from '../../src/exports/extract-text';
import { ukDate } from '../../src/platform/forms/dates';
import { portfolioSchema } from '../../src/features/pathway/portfolio-service';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** Rules, attachments, the plan, portable records, teams and cohorts, on both databases. */
describe.each(DRIVERS)('portfolio, plan, rules, teams and cohorts (%s)', (driver) => {
  let t: TestApp;
  let me: TestClient;
  let meUser: Awaited<ReturnType<typeof buildUser>>;
  let path: string;
  let versionId: string;
  const items: string[] = [];

  async function addEvidence(title: string) {
    return me.submit(`${path}/evidence`, `${path}/evidence`, {
      kind: 'inquiry',
      title,
      template: 'gibbs',
      reflection: `Reflection on ${title}`,
    });
  }
  async function statementId(c: TestClient, item: string, q: string) {
    const found = await c.get(`${item}?q=${encodeURIComponent(q)}`);
    return /name="statement" value="([0-9a-f-]{36})"/.exec(found.body)![1]!;
  }

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await loadShippedFrameworks(t.app.services.frameworks);
    meUser = await buildUser(t.app, { name: 'Rhys Practitioner', roles: ['practitioner'] });
    me = new TestClient(t.app);
    await me.signIn(meUser.email, meUser.password);
    await me.get('/pathway');
    versionId = /<option value="([0-9a-f-]{36})"[^>]*>\s*Consultant practice capability/.exec(me.lastHtml)![1]!;
    path = (await me.post('/pathway/start', { _csrf: me.csrf(), versionId })).headers.location as string;
  });
  afterAll(async () => t?.close());

  it('checks each evidence rule as the practitioner works, with a clear message and nothing changed', async () => {
    const rules = `${path}/rules`;
    const nonsense = await me.submit(rules, rules, { minPerCapability: '3', maxPerCapability: '2' });
    expect(nonsense.statusCode).toBe(400);
    expect(textOf(nonsense.body)).toContain('The most per capability (2) must be at least the fewest (3)');
    const notNumber = await me.submit(rules, rules, { maxItems: 'lots' });
    expect(textOf(notNumber.body)).toContain('Enter a whole number');
    const sameWords = await me.submit(rules, rules, {
      minPerCapability: '1',
      'level-not-yet': 'Starting',
      'level-developing': 'Developing',
      'level-confident': 'developing',
      'level-evidenced': 'Shown',
    });
    expect(textOf(sameWords.body)).toContain('“developing” is already the name of another level');
    expect(
      (
        await me.submit(rules, rules, {
          minPerCapability: '1',
          maxPerCapability: '2',
          maxItems: '3',
          maxAttachments: '1',
          'level-not-yet': 'Starting',
          'level-developing': 'Emerging',
          'level-confident': 'Secure',
          'level-evidenced': 'Shown in practice',
        })
      ).statusCode,
    ).toBe(302);
    const assess = textOf((await me.get(path)).body);
    expect(assess).toContain('Emerging');
    expect(assess).toContain('Shown in practice');
    expect(assess).not.toContain('Not yet');

    for (const title of ['Service evaluation one', 'Service evaluation two', 'Service evaluation three']) {
      const r = await addEvidence(title);
      expect(r.statusCode).toBe(302);
      items.push(r.headers.location as string);
    }
    const fourth = await addEvidence('One too many');
    expect(fourth.statusCode).toBe(400);
    expect(textOf(fourth.body)).toContain('Your pathway allows at most 3 pieces of evidence and you have 3');
    expect(await countRows(t.app, 'evidence')).toBe(3);

    // Two statements of capability 2.1 are one capability: the third distinct piece is refused.
    const s1 = await statementId(me, items[0]!, '2.1.3');
    const s2 = await statementId(me, items[0]!, '2.1.1');
    expect((await me.post(`${items[0]}/links`, { _csrf: me.csrf(), statement: s1 })).statusCode).toBe(302);
    expect((await me.post(`${items[0]}/links`, { _csrf: me.csrf(), statement: s2 })).statusCode).toBe(302);
    await me.get(items[1]!);
    expect((await me.post(`${items[1]}/links`, { _csrf: me.csrf(), statement: s2 })).statusCode).toBe(302);
    await me.get(items[2]!);
    const over = await me.post(`${items[2]}/links`, { _csrf: me.csrf(), statement: s1 });
    expect(over.statusCode).toBe(400);
    expect(textOf(over.body)).toMatch(
      /Capability 2\.1 .* already has 2 pieces of evidence, the most your pathway allows \(2\)/,
    );
    expect(await countRows(t.app, 'evidence_links')).toBe(3);

    const matrix = textOf((await me.get(`${path}/matrix?stage=all`)).body);
    expect(matrix).toContain('Gap analysis');
    expect(matrix).toMatch(/1\.1 .*: no evidence yet; your pathway asks for at least 1/);
  });

  it('stores attachments under the data folder, refuses wrong types, sizes and counts, and never serves them inline', async () => {
    const item = items[0]!;
    const html = await me.upload(
      item,
      `${item}/attachments`,
      {},
      { field: 'file', filename: 'notes.txt', content: '<html><script>alert(1)</script></html>' },
    );
    expect(html.statusCode).toBe(400);
    expect(textOf(html.body)).toContain('“notes.txt” looks like a web page');
    const exe = await me.upload(
      item,
      `${item}/attachments`,
      {},
      { field: 'file', filename: 'tool.exe', content: Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]) },
    );
    expect(textOf(exe.body)).toContain('is not a type we accept');
    const big = await me.upload(
      item,
      `${item}/attachments`,
      {},
      { field: 'file', filename: 'big.pdf', content: Buffer.concat([PDF, Buffer.alloc(t.config.attachmentMaxBytes)]) },
    );
    expect(textOf(big.body)).toMatch(/Files must be 10 MB or smaller|just over 10 MB/);
    expect(await countRows(t.app, 'evidence_attachments')).toBe(0);

    const ok = await me.upload(
      item,
      `${item}/attachments`,
      {},
      { field: 'file', filename: 'evaluation.pdf', content: PDF },
    );
    expect(ok.statusCode).toBe(302);
    const second = await me.upload(
      item,
      `${item}/attachments`,
      {},
      { field: 'file', filename: 'more.pdf', content: PDF },
    );
    expect(textOf(second.body)).toContain('Each piece of evidence can have at most 1 attachment');
    expect(await countRows(t.app, 'evidence_attachments')).toBe(1);

    const page = await me.get(item);
    const href = /href="(\/pathway\/[^"]+\/attachments\/[0-9a-f-]{36})"/.exec(page.body)![1]!;
    const file = await me.get(href);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="evaluation.pdf"');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.rawPayload.equals(PDF)).toBe(true);
    const stranger = await buildUser(t.app, { roles: ['practitioner'] });
    const other = new TestClient(t.app);
    await other.signIn(stranger.email, stranger.password);
    expect((await other.get(href)).statusCode).toBe(404);
  });

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

  it('exports the portfolio as PDF and as JSON that follows its schema and re-imports elsewhere, once', async () => {
    const pdf = await me.get(`${path}/portfolio.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await extractText('p.pdf', pdf.rawPayload);
    expect(text.ok && text.text).toContain('Rhys Practitioner');
    expect(text.ok && text.text).toContain('Service evaluation one');
    // The long UK date used on every page ("2 December 2026"), not "2026-12-02".
    expect(text.ok && text.text.replace(/\s+/g, ' ')).toContain(`Exported ${ukDate(new Date())} from Waymark`);
    expect(text.ok && text.text).not.toMatch(/Exported \d{4}-\d\d-\d\d/);

    const json = await me.get(`${path}/portfolio.json`);
    const doc = portfolioSchema.parse(JSON.parse(json.body));
    expect(doc.evidence).toHaveLength(3);
    expect(doc.evidence.find((e) => e.title === 'Service evaluation one')!.attachments[0]!.base64).toBe(
      PDF.toString('base64'),
    );
    const schema = JSON.parse((await me.get('/pathway/portfolio.schema.json')).body);
    expect(schema.properties.format.const).toBe('waymark-portfolio');

    const mover = await buildUser(t.app, { roles: ['practitioner'] });
    const c = new TestClient(t.app);
    await c.signIn(mover.email, mover.password);
    const garbage = await c.upload(
      '/pathway/import',
      '/pathway/import',
      {},
      { field: 'file', filename: 'p.json', content: '{"format":"something else"}' },
    );
    expect(garbage.statusCode).toBe(400);
    expect(textOf(garbage.body)).toContain('This is not a Waymark portfolio we can read');
    const notJson = await c.upload(
      '/pathway/import',
      '/pathway/import',
      {},
      { field: 'file', filename: 'p.json', content: 'hello' },
    );
    expect(textOf(notJson.body)).toContain('p.json is not JSON');
    const unknownFw = JSON.stringify({
      ...doc,
      framework: {
        ...doc.framework,
        versionId: '00000000-0000-4000-8000-000000000000',
        identifier: '00000000-0000-4000-8000-000000000001',
      },
    });
    expect(
      textOf(
        (
          await c.upload(
            '/pathway/import',
            '/pathway/import',
            {},
            { field: 'file', filename: 'p.json', content: unknownFw },
          )
        ).body,
      ),
    ).toContain('which this Waymark does not have');
    const before = await countRows(t.app, 'evidence');
    // Someone edits their file to claim a confirmation: it comes in as history, never as confirmed here.
    const claimed = {
      ...doc,
      evidence: doc.evidence.map((e, i) =>
        i === 0
          ? {
              ...e,
              status: 'confirmed' as const,
              confirmations: [
                {
                  method: 'link' as const,
                  outcome: 'confirmed' as const,
                  confirmerName: 'Dr Made Up',
                  confirmerRole: 'Consultant',
                  confirmerRegistration: '',
                  confirmerOrganisation: '',
                  statement: 'Trust me',
                  requestedAt: e.createdAt,
                  decidedAt: e.createdAt,
                },
              ],
            }
          : e,
      ),
    };
    // Rhys's file in another account: a warning, and nothing added until the importer says it is theirs.
    const warned = await c.upload(
      '/pathway/import',
      '/pathway/import',
      {},
      { field: 'file', filename: 'p.json', content: JSON.stringify(claimed) },
    );
    expect(warned.statusCode).toBe(400);
    expect(textOf(warned.body)).toMatch(
      /This portfolio was made for Rhys Practitioner \(u\*\*\*@example\.nhs\.uk\), not for you/,
    );
    expect(await countRows(t.app, 'evidence')).toBe(before);
    const imported = await c.upload(
      '/pathway/import',
      '/pathway/import',
      { confirmOther: 'yes' },
      { field: 'file', filename: 'p.json', content: JSON.stringify(claimed) },
    );
    expect(imported.statusCode).toBe(302);
    expect(await countRows(t.app, 'evidence')).toBe(before + 3);
    expect(await countRows(t.app, 'evidence_attachments')).toBe(2);
    await c.upload(
      '/pathway/import',
      '/pathway/import',
      { confirmOther: 'yes' },
      { field: 'file', filename: 'p.json', content: json.body },
    );
    expect(await countRows(t.app, 'evidence')).toBe(before + 3); // the same file adds nothing twice
    const theirs = textOf((await c.get(`${imported.headers.location}/evidence`)).body);
    expect(theirs).toContain('Service evaluation two');
    const statuses = await queryRows<{ status: string }>(
      t.app.platform.db,
      sql`select e.status from evidence e join pathways p on p.id = e.pathway_id where p.user_id = ${mover.id}`,
    );
    expect(statuses.map((r) => r.status)).toEqual(['draft', 'draft', 'draft']);
    const claimedId = (
      await queryRows<{ id: string }>(
        t.app.platform.db,
        sql`select e.id from evidence e join pathways p on p.id = e.pathway_id where p.user_id = ${mover.id} and e.title = ${doc.evidence[0]!.title}`,
      )
    )[0]!.id;
    const claimedPage = textOf((await c.get(`${imported.headers.location}/evidence/${claimedId}`)).body);
    expect(claimedPage).toContain('Imported from another Waymark, not checked here: confirmed by Dr Made Up');
    expect(claimedPage).not.toContain('Confirmed by Dr Made Up');
  });

  it('shares a read-only portfolio through a link that expires and can be stopped', async () => {
    const page = `${path}/portfolio`;
    const bad = await me.submit(page, `${page}/share`, { label: '', days: '400' });
    expect(textOf(bad.body)).toContain('Say who the link is for');
    expect(textOf(bad.body)).toContain('at most 90 days');
    for (const days of ['abc', '', '2.5']) {
      const notNumber = await me.submit(page, `${page}/share`, { label: 'Consultant panel', days });
      expect(notNumber.statusCode).toBe(400);
      expect(textOf(notNumber.body)).toContain('Enter the number of days as a whole number from 1 to 90');
    }
    expect((await me.submit(page, `${page}/share`, { label: 'For my interview panel', days: '14' })).statusCode).toBe(
      302,
    );
    const shown = await me.get(page);
    // The label is quoted, not joined into the sentence ("made for For my interview panel").
    expect(textOf(shown.body)).toContain('Share link “For my interview panel” made. Copy it now');
    // The whole link, in a full-width readonly box, with the same Copy button as new access tokens.
    expect(shown.body).toMatch(/<input class="nhsuk-input nhsuk-u-width-full" id="new-link" type="text" readonly/);
    expect(shown.body).toContain('data-copy-target="new-link"');
    expect(shown.body).toContain('id="new-link-status"');
    const link = /value="http:\/\/localhost:3000(\/shared\/[^"]+)"/.exec(shown.body)![1]!;
    expect((await me.get(page)).body).not.toContain(link); // shown once only
    const panel = new TestClient(t.app);
    const view = await panel.get(link);
    expect(view.statusCode).toBe(200);
    expect(textOf(view.body)).toContain('Reflection on Service evaluation one');
    expect(view.body).not.toContain('action="/pathway'); // nothing can be changed from here
    const tokenId = /\/portfolio\/share\/([0-9a-f-]{36})\/revoke/.exec((await me.get(page)).body)![1]!;
    await me.post(`${page}/share/${tokenId}/revoke`, { _csrf: me.csrf() });
    expect((await panel.get(link)).statusCode).toBe(410);
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

  it('includes the portfolio in “download your data”, and deletes stored files with the account', async () => {
    const data = JSON.parse((await me.get('/account/export')).body);
    expect(data.pathwayPortfolios[0].evidence.map((e: { title: string }) => e.title)).toContain(
      'Service evaluation one',
    );
    const keys = await queryRows<{ key: string }>(
      t.app.platform.db,
      sql`select a.storage_key as key from evidence_attachments a join evidence e on e.id = a.evidence_id join pathways p on p.id = e.pathway_id where p.user_id = ${meUser.id}`,
    );
    expect(keys).toHaveLength(1);
    const files = t.app.services.plans.files;
    await expect(files.read(keys[0]!.key)).resolves.toBeInstanceOf(Buffer);
    await me.submit('/account/delete', '/account/delete', { password: meUser.password });
    await expect(files.read(keys[0]!.key)).rejects.toThrow();
    expect(
      (
        await queryRows<{ n: number }>(
          t.app.platform.db,
          sql`select count(*)::int as n from pathways where user_id = ${meUser.id}`,
        )
      )[0]!.n,
    ).toBe(0);
  });
});
