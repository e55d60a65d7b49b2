import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import { addEvidenceAs, setUpPractitioner, statementId } from './pathway-scene';
import { type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows } from '../helpers/factories';
import { queryRows } from '../../src/platform/db/database';
import { extractText } from '../../src/exports/extract-text';
import { ukDate } from '../../src/platform/forms/dates';
import { portfolioSchema } from '../../src/features/pathway/portfolio-service';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** Evidence rules, attachments and the portable record (export, import, share links, your data), on both databases. */
describe.each(DRIVERS)('evidence rules, attachments and the portable record (%s)', (driver) => {
  let t: TestApp;
  let me: TestClient;
  let meUser: Awaited<ReturnType<typeof buildUser>>;
  let path: string;
  const items: string[] = [];

  const addEvidence = (title: string) => addEvidenceAs(me, path, title);

  beforeAll(async () => {
    ({ t, me, meUser, path } = await setUpPractitioner(driver));
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
