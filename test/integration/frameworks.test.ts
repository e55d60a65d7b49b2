import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows } from '../helpers/factories';
import { loadShippedFrameworks } from '../../src/features/demo/seed';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const V = '/frameworks/WM-CONSULTANT/versions/1.0';
const statementCodes = (html: string) =>
  [...html.matchAll(/<li class="wm-statement" id="s-([^"]+)"/g)].map((m) => m[1]);

describe.each(DRIVERS)('frameworks (%s)', (driver) => {
  let t: TestApp;
  let lead: Awaited<ReturnType<typeof buildUser>>;
  let admin: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    t = await buildTestApp(driver);
    expect(await loadShippedFrameworks(t.app.services.frameworks)).toBe(5);
    lead = await buildUser(t.app);
    admin = await buildUser(t.app, { roles: ['admin'] });
    await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
  });
  afterAll(async () => t?.close());

  describe('public browsing', () => {
    it('lists core and area frameworks, saying they are illustrative and how to import the official one', async () => {
      const res = await t.app.inject('/frameworks');
      const text = textOf(res.body);
      expect(res.statusCode).toBe(200);
      expect(text).toContain('Consultant practice capability and impact framework (illustrative)');
      expect(text).toContain('Musculoskeletal area framework (illustrative)');
      expect(text).toContain('Illustrative content');
      expect(res.body).toContain('href="/frameworks/import"');
    });

    it('shows the framework tree: domains, capabilities, statements with stages, impacts', async () => {
      const res = await t.app.inject(V);
      const text = textOf(res.body);
      expect(text).toContain('1 Expert practice');
      expect(text).toContain('1.1 Complex clinical decision-making');
      expect(text).toContain('45 statements');
      expect(text).toContain('People with complex needs get timely care from the right expert.');
      expect(statementCodes(res.body)).toHaveLength(45);
    });

    it('filters by stage', async () => {
      const res = await t.app.inject(`${V}?stage=years-3-5`);
      const codes = statementCodes(res.body);
      expect(codes).toEqual([
        '1.1.4',
        '1.2.4',
        '1.3.3',
        '2.2.3',
        '2.3.3',
        '3.2.3',
        '3.3.3',
        '4.2.3',
        '4.3.2',
        '5.2.3',
        '5.3.2',
      ]);
      expect(textOf(res.body)).toContain('Showing 11 of 45 statements');
    });

    it('filters by area, showing what the area framework adds to each statement', async () => {
      const res = await t.app.inject(`${V}?area=Musculoskeletal`);
      const text = textOf(res.body);
      expect(text).toContain(
        'Musculoskeletal: MSK.1.1 Manages people with persistent pain and several long-term conditions, coordinating care with other services. (extends this statement)',
      );
      expect(text).not.toContain('Cancer Care:');
    });

    it('searches with PostgreSQL text search, stemming words', async () => {
      const res = await t.app.inject(`${V}?q=${encodeURIComponent('researching')}`);
      const codes = statementCodes(res.body);
      expect(codes).toEqual(expect.arrayContaining(['4.1.1', '4.2.1', '4.2.3', '4.1.3']));
      expect(codes.every((c) => c!.startsWith('4.') || c === '3.3.3' || c === '5.2.3')).toBe(true);
      const none = await t.app.inject(`${V}?q=zebra`);
      expect(textOf(none.body)).toContain('No statements match');
    });

    it('gives each statement a permalink with its stage, place and mappings', async () => {
      const res = await t.app.inject(`${V}/statements/1.2.2`);
      const text = textOf(res.body);
      expect(res.statusCode).toBe(200);
      expect(text).toContain('Adapts care for people for whom standard approaches do not work');
      expect(text).toContain('Transition from advanced to consultant practice');
      expect(text).toContain('1.2 Person-centred care');
      expect(text).toContain('LDA.1.1');
      expect(text).toContain('Nothing is linked to this statement yet');
      expect((await t.app.inject(`${V}/statements/9.9.9`)).statusCode).toBe(404);
    });

    it('opening Compare on a framework with one version says there is nothing to compare yet, not an error', async () => {
      const res = await t.app.inject('/frameworks/WM-LDA/compare');
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('There is a problem');
      expect(textOf(res.body)).toContain(
        'There is only one version of this framework (1.0), so there is nothing to compare yet',
      );
      expect(res.body).not.toContain('id="from"');
    });

    it('words mappings both ways: "Exact match of WM-CONSULTANT 1.2.2 …" from the area statement, "(an exact match of this statement)" back', async () => {
      const area = textOf((await t.app.inject('/frameworks/WM-LDA/versions/1.0/statements/LDA.1.1')).body);
      expect(area).toContain(
        'Exact match of WM-CONSULTANT 1.2.2 Adapts care for people for whom standard approaches do not work',
      );
      const related = await t.app.inject('/frameworks/WM-LDA/versions/1.0/statements/LDA.1.2');
      expect(textOf(related.body)).toContain('Related to WM-CONSULTANT 1.2.1');
      expect(textOf(related.body)).not.toContain('Related of');
      expect(related.body).toContain('href="/frameworks/WM-CONSULTANT/versions/1.0/statements/1.2.1"');
      expect(textOf((await t.app.inject('/frameworks/WM-LDA/versions/1.0/statements/LDA.2.1')).body)).toContain(
        'Extends WM-CONSULTANT 5.3.2',
      );
      expect(textOf((await t.app.inject(`${V}/statements/1.2.2`)).body)).toContain(
        '(an exact match of this statement)',
      );
    });

    it('shows provenance links added by later features', async () => {
      const item = await t.app.services.frameworks.findItem(
        (await t.app.services.frameworks.find('WM-CONSULTANT', '1.0', false))!.version.id,
        '2.1.2',
      );
      await t.app.services.frameworks.addProvenance(
        item!.id,
        { sourceType: 'delphi-item', sourceId: 'd-17', label: 'Round 2, item 17', detail: '82% rated 7–9' },
        null,
        SYSTEM_CONTEXT,
      );
      const text = textOf((await t.app.inject(`${V}/statements/2.1.2`)).body);
      expect(text).toContain('Delphi item: Round 2, item 17 – 82% rated 7–9');
    });

    it('shows the stage matrix, domains by stages', async () => {
      const res = await t.app.inject(`${V}/matrix`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Years 3 to 5 in post');
      expect(textOf(res.body)).toMatch(/5 Consultancy .*None.*5\.1\.1/);
    });

    it('downloads each format as an attachment that imports again', async () => {
      for (const [format, type] of [
        ['csv', 'text/csv'],
        ['json', 'application/json'],
        ['case', 'application/json'],
      ] as const) {
        const res = await t.app.inject(`${V}/download/${format}`);
        expect(res.headers['content-type']).toContain(type);
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename="WM-CONSULTANT-1\.0\./);
        const back = await t.app.services.frameworks.parse(format, res.body);
        expect(back.ok).toBe(true);
      }
      expect((await t.app.inject(`${V}/download/xml`)).statusCode).toBe(404);
    });
  });

  describe('importing through the page', () => {
    const csv = [
      'code,parent_code,type,text,stage,area,notes',
      'TEST-FW,,framework,Test import framework,,,2026.1',
      'D1,,domain,Clinical leadership,,,',
      'D1.1,D1,capability,Leading teams,,,',
      'D1.1.1,D1.1,statement,Leads a multidisciplinary team through a service change,transition,,',
      'D1.1.2,D1.1,statement,Holds accountability for a service,years-1-3,,',
    ].join('\n');

    it('refuses people who cannot manage frameworks', async () => {
      expect((await t.app.inject('/frameworks/import')).statusCode).toBe(302);
      const someone = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(someone.email, someone.password);
      expect((await c.get('/frameworks/import')).statusCode).toBe(403);
    });

    it('previews, then imports once even when confirmed twice', async () => {
      const c = new TestClient(t.app);
      await c.signIn(lead.email, lead.password);
      const preview = await c.upload(
        '/frameworks/import',
        '/frameworks/import',
        { format: 'auto' },
        { field: 'file', filename: 'test.csv', content: csv, type: 'text/csv' },
      );
      expect(preview.statusCode).toBe(200);
      const text = textOf(preview.body);
      expect(text).toContain('Test import framework (TEST-FW)');
      expect(text).toContain('1 domains, 1 capabilities, 2 statements');
      const before = await countRows(t.app, 'framework_versions');
      const action = /action="(\/frameworks\/import\/[0-9a-f-]{36})"/.exec(preview.body)![1]!;
      const form = { _csrf: c.csrf() };
      const [a, b] = await Promise.all([c.post(action, form), c.post(action, form)]);
      expect(a.headers.location).toBe('/frameworks/TEST-FW/versions/2026.1');
      expect(b.headers.location).toBe(a.headers.location);
      expect(await countRows(t.app, 'framework_versions')).toBe(before + 1);
    });

    it('a second file for the same framework becomes a new version, previewed against the last one', async () => {
      const c = new TestClient(t.app);
      await c.signIn(lead.email, lead.password);
      const next = csv
        .replace('2026.1', '2026.2')
        .replace('through a service change', 'through service change across organisations')
        .replace(
          'D1.1.2,D1.1,statement,Holds accountability for a service,years-1-3',
          'D1.1.2,D1.1,statement,Holds accountability for a service,years-3-5',
        );
      const preview = await c.upload(
        '/frameworks/import',
        '/frameworks/import',
        { format: 'csv' },
        { field: 'file', filename: 'next.csv', content: next },
      );
      const text = textOf(preview.body);
      expect(text).toContain('A new version of an existing framework');
      expect(text).toMatch(/Reworded 1/);
      expect(text).toMatch(/Stage changed 1/);
      const action = /action="(\/frameworks\/import\/[0-9a-f-]{36})"/.exec(preview.body)![1]!;
      expect((await c.post(action, { _csrf: c.csrf() })).statusCode).toBe(302);
      const compare = textOf((await c.get('/frameworks/TEST-FW/compare?from=2026.1&to=2026.2')).body);
      expect(compare).toContain('Leads a multidisciplinary team through a service change');
      expect(compare).toContain('Years 1 to 3 in post → Years 3 to 5 in post');
    });

    it('refuses a malformed file with every problem by line, importing nothing', async () => {
      const c = new TestClient(t.app);
      await c.signIn(lead.email, lead.password);
      const before = await countRows(t.app, 'framework_items');
      const bad = [
        'code,parent_code,type,text,stage,area,notes',
        'BAD-FW,,framework,Bad,,,1',
        'X1,,domain,Domain,,,',
        'X1.1,X9,capability,Orphan,,,',
        'X1,,domain,Again,,,',
        'X1.2,X1,capability,Cap,,,',
        'X1.2.1,X1.2,statement,No stage,,,',
        'X1.2.2,X1.2,statement,Odd stage,year-7,,',
      ].join('\n');
      const res = await c.upload(
        '/frameworks/import',
        '/frameworks/import',
        { format: 'csv' },
        { field: 'file', filename: 'bad.csv', content: bad },
      );
      expect(res.statusCode).toBe(400);
      const text = textOf(res.body);
      expect(text).toContain('line 4 unknown parent "X9"');
      expect(text).toContain('line 5 duplicate code "X1" (also line 3)');
      expect(text).toContain('line 8 unknown stage "year-7"');
      expect(await countRows(t.app, 'framework_items')).toBe(before);
    });

    it('keeps uploaded previews for a day only (housekeeping drops older ones)', async () => {
      const before = await countRows(t.app, 'framework_imports');
      expect(before).toBeGreaterThan(0); // the previews made by the tests above
      await t.app.services.frameworks.prunePendingImports();
      expect(await countRows(t.app, 'framework_imports')).toBe(before); // fresh ones stay
      await t.app.platform.db.execute(sql`update framework_imports set created_at = now() - interval '2 days'`);
      await t.app.services.frameworks.prunePendingImports();
      expect(await countRows(t.app, 'framework_imports')).toBe(0);
    });

    it('refuses a version label that exists, an empty upload, and a file over the size limit', async () => {
      const c = new TestClient(t.app);
      await c.signIn(lead.email, lead.password);
      const again = await c.upload(
        '/frameworks/import',
        '/frameworks/import',
        { format: 'csv' },
        { field: 'file', filename: 'again.csv', content: csv },
      );
      expect(textOf(again.body)).toContain('version 2026.1 of TEST-FW already exists');
      const empty = await c.upload('/frameworks/import', '/frameworks/import', { format: 'auto' });
      expect(empty.statusCode).toBe(400);
      expect(textOf(empty.body)).toContain('Choose a file to upload');
      const big = await c.upload(
        '/frameworks/import',
        '/frameworks/import',
        { format: 'csv' },
        { field: 'file', filename: 'big.csv', content: Buffer.alloc(6 * 1024 * 1024, 'a') },
      );
      expect(big.statusCode).toBe(413);
      expect(textOf(big.body)).toContain('5 MB or less');
    });
  });

  describe('versions', () => {
    it('drafts are edited, hidden from the public, then published; the old version is superseded and never changes', async () => {
      const c = new TestClient(t.app);
      await c.signIn(lead.email, lead.password);
      const history = '/frameworks/WM-ADVANCED/history';
      const draft = await c.submit(history, '/frameworks/WM-ADVANCED/versions/1.0/draft', { label: '1.1' });
      expect(draft.headers.location).toBe('/frameworks/WM-ADVANCED/versions/1.1');
      expect((await t.app.inject('/frameworks/WM-ADVANCED/versions/1.1')).statusCode).toBe(404);

      const edit = '/frameworks/WM-ADVANCED/versions/1.1/statements/CP.1.1/edit';
      const bad = await c.submit(edit, edit, { text: '', stage: 'advanced' });
      expect(bad.statusCode).toBe(400);
      expect(textOf(bad.body)).toContain('Enter the statement');
      expect(
        (
          await c.submit(edit, edit, {
            text: 'Takes a focused history and examination and reaches a working diagnosis.',
            stage: 'advanced',
          })
        ).statusCode,
      ).toBe(302);
      expect((await c.get('/frameworks/WM-ADVANCED/versions/1.0/statements/CP.1.1/edit')).statusCode).toBe(404);

      await c.get('/frameworks/WM-ADVANCED/versions/1.1');
      expect((await c.post('/frameworks/WM-ADVANCED/versions/1.1/publish', { _csrf: c.csrf() })).statusCode).toBe(302);
      const list = textOf((await t.app.inject('/frameworks/WM-ADVANCED/history')).body);
      expect(list).toMatch(/1\.1 Published/);
      expect(list).toMatch(/1\.0 Superseded/);
      const diff = textOf((await t.app.inject('/frameworks/WM-ADVANCED/compare?from=1.0&to=1.1')).body);
      expect(diff).toContain('Reworded (1)');
      const old = textOf((await t.app.inject('/frameworks/WM-ADVANCED/versions/1.0/statements/CP.1.1')).body);
      expect(old).toContain('Takes a comprehensive history');
      const dup = await c.submit(history, '/frameworks/WM-ADVANCED/versions/1.1/draft', { label: '1.0' });
      expect(dup.statusCode).toBe(400);
      expect(textOf(dup.body)).toContain('Version 1.0 already exists');
    });

    it('asks for both versions when a comparison is submitted with one missing, linking to a field on the page', async () => {
      const res = await t.app.inject('/frameworks/WM-ADVANCED/compare?from=1.0&to=');
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('Choose the version to compare with');
      expect(res.body).toContain('href="#to"');
      expect(res.body).toContain('id="to"');
    });

    it('opening Compare with nothing chosen shows the form at previous → latest, without an error', async () => {
      const res = await t.app.inject('/frameworks/WM-ADVANCED/compare');
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('There is a problem');
      expect(res.body).toMatch(/<option value="1\.0" selected>/);
      expect(res.body).toMatch(/<option value="1\.1" selected>/);
    });
  });

  describe('CASE packages from elsewhere, CSV re-imports and labels', () => {
    it('imports a CASE 1.0 package with a deep tree, unstaged statements and every association, and exports it again', async () => {
      const c = new TestClient(t.app);
      await c.signIn(admin.email, admin.password);
      const content = readFileSync(path.resolve(__dirname, '../fixtures/case/science-standards-case-1p0.json'), 'utf8');
      const preview = await c.upload(
        '/frameworks/import',
        '/frameworks/import',
        { format: 'auto' },
        { field: 'file', filename: 'science.json', content },
      );
      expect(preview.statusCode).toBe(200);
      const previewText = textOf(preview.body);
      expect(previewText).toContain('other CASE associations kept');
      expect(previewText).toContain('no stage yet');
      const pending = /action="(\/frameworks\/import\/[^"]+)"/.exec(preview.body)![1]!;
      expect((await c.submit('/frameworks/import', pending, {})).statusCode).toBe(302);
      const base = '/frameworks/Science-Standards-fixture/versions/2019';
      const page = await c.get(base);
      const text = textOf(page.body);
      expect(text).toContain('MS-PS1-1 Develop models');
      expect(text).toContain('MS-PS1-1.2 Component 2');
      expect(text).toContain('Unstaged');
      expect(text).toContain('Published');
      expect(page.body).not.toMatch(/>\s*published\b/);
      expect(statementCodes((await c.get(`${base}?stage=_unstaged`)).body)).toEqual(
        expect.arrayContaining(['MS-PS1-1.1', 'MS-PS2-1', 'LS.1']),
      );
      expect(textOf((await c.get(`${base}/matrix`)).body)).toContain('Unstaged');
      const exported = JSON.parse((await c.get(`${base}/download/case`)).body);
      const original = JSON.parse(content);
      expect(exported.CFAssociations.map((a: { identifier: string }) => a.identifier).sort()).toEqual(
        original.CFAssociations.map((a: { identifier: string }) => a.identifier).sort(),
      );
      expect(
        exported.CFItems.find((i: { listEnumeration?: string }) => i.listEnumeration === 'c').abbreviatedStatement,
      ).toBe('Atomic models c');
    });

    it('a CSV re-import keeps domain descriptions, and Compare calls nothing reworded that was not', async () => {
      const c = new TestClient(t.app);
      await c.signIn(admin.email, admin.password);
      const csv = (await c.get('/frameworks/WM-ADVANCED/versions/1.0/download/csv')).body.replace(
        /(WM-ADVANCED,,framework,[^\n]*,)1\.0\n/,
        '$1' + '1.0-csv\n',
      );
      const preview = await c.upload(
        '/frameworks/import',
        '/frameworks/import',
        { format: 'csv' },
        { field: 'file', filename: 'advanced.csv', content: csv },
      );
      expect(preview.statusCode).toBe(200);
      const pending = /action="(\/frameworks\/import\/[^"]+)"/.exec(preview.body)![1]!;
      expect((await c.submit('/frameworks/import', pending, {})).statusCode).toBe(302);
      const frameworks = t.app.services.frameworks;
      const [a, b] = [
        (await frameworks.find('WM-ADVANCED', '1.0', true))!.version,
        (await frameworks.find('WM-ADVANCED', '1.0-csv', true))!.version,
      ];
      const [before, after] = [await frameworks.docOf(a), await frameworks.docOf(b)];
      const descriptions = (doc: typeof before) => doc.items.map((i) => [i.code, i.description]);
      expect(descriptions(after)).toEqual(descriptions(before));
      expect(before.items.some((i) => i.description)).toBe(true);
      expect((await frameworks.diff(a, b)).reworded).toEqual([]);
      const compare = textOf((await c.get('/frameworks/WM-ADVANCED/compare?from=1.0&to=1.0-csv')).body);
      expect(compare).not.toMatch(/Reworded\s*[1-9]/);
    });
  });

  describe('API', () => {
    it('lists, reads, compares and exports; imports for those who manage frameworks', async () => {
      const token = (
        await t.app.services.accounts.createApiToken(
          admin.id,
          { name: 'api', expiresInDays: 30, scopes: ['write'] },
          SYSTEM_CONTEXT,
        )
      ).token;
      const auth = { authorization: `Bearer ${token}` };
      const list = (await t.app.inject('/api/v1/frameworks')).json();
      expect(list.frameworks.map((f: { shortName: string }) => f.shortName)).toEqual(
        expect.arrayContaining(['WM-CONSULTANT', 'WM-MSK']),
      );
      const doc = (await t.app.inject(`/api/v1${V}`)).json();
      expect(doc.items.filter((i: { type: string }) => i.type === 'statement')).toHaveLength(45);
      const s = (await t.app.inject(`/api/v1${V}/statements/1.1.2`)).json();
      expect(s.ancestors.map((a: { code: string }) => a.code)).toEqual(['1', '1.1']);
      expect(s.mappedFrom).toEqual([{ shortName: 'WM-MSK', code: 'MSK.1.1', kind: 'extends' }]);
      const exported = (await t.app.inject(`/api/v1${V}/export?format=csv`)).json();
      expect(exported.content.split('\n')[0]).toBe('code,parent_code,type,text,stage,area,notes');
      const badFormat = await t.app.inject(`/api/v1${V}/export?format=xml`);
      expect(badFormat.json().error.fields.format).toBe('format must be case, csv or json');

      const denied = await t.app.inject({
        method: 'POST',
        url: '/api/v1/frameworks/import',
        payload: { format: 'csv', content: 'x' },
      });
      expect(denied.statusCode).toBe(401);
      const invalid = await t.app.inject({
        method: 'POST',
        url: '/api/v1/frameworks/import',
        headers: auth,
        payload: {
          format: 'csv',
          content: 'code,parent_code,type,text,stage,area,notes\nA,,domain,A,,,\nA.1,Z,capability,B,,,\n',
        },
      });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.fields['line 3']).toContain('unknown parent "Z"');
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/v1/frameworks/import',
        headers: auth,
        payload: {
          format: 'json',
          content: exported.content.length
            ? (await t.app.inject(`/api/v1${V}/export?format=json`))
                .json()
                .content.replace('"label": "1.0"', '"label": "1.0-copy"')
            : '',
        },
      });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ shortName: 'WM-CONSULTANT', label: '1.0-copy' });
      const diff = (await t.app.inject('/api/v1/frameworks/WM-CONSULTANT/diff?from=1.0&to=1.0-copy')).json();
      expect(diff.unchanged).toBe(doc.items.length);
    });
  });

  describe('role guides', () => {
    it('ships four guides, renders their Markdown safely, and lets admins edit them', async () => {
      await t.app.services.guides.ensureShipped();
      const list = textOf((await t.app.inject('/guides')).body);
      for (const g of [
        'Advanced clinical practitioner',
        'Nurse consultant',
        'Consultant practitioner',
        'Higher specialist scientist training',
      ])
        expect(list).toContain(g);
      const acp = (await t.app.inject('/guides/advanced-clinical-practitioner')).body;
      expect(acp).toContain('<h2>Getting there</h2>');
      expect(textOf(acp)).toContain('up to three years');
      expect(acp).toContain('href="/frameworks/WM-ADVANCED"');

      const c = new TestClient(t.app);
      await c.signIn(admin.email, admin.password);
      const edit = '/guides/nurse-consultant/edit';
      const preview = await c.submit(edit, edit, {
        title: 'Nurse consultant',
        summary: 's',
        body: 'Hello <script>alert(1)</script> **bold**',
        preview: '1',
      });
      expect(preview.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(preview.body).toContain('<strong>bold</strong>');
      const unknown = await c.submit(edit, edit, {
        title: 'Nurse consultant roles',
        summary: 's',
        body: '## New text',
        frameworkShortName: 'NO-SUCH',
      });
      expect(unknown.statusCode).toBe(400);
      expect(textOf(unknown.body)).toContain('There is no published framework with the short name NO-SUCH');
      expect(
        (await c.submit(edit, edit, { title: 'Nurse consultant roles', summary: 's', body: '## New text' })).statusCode,
      ).toBe(302);
      expect(textOf((await t.app.inject('/guides/nurse-consultant')).body)).toContain('Nurse consultant roles');
      expect(await t.app.services.guides.ensureShipped()).toBe(0);
      expect(textOf((await t.app.inject('/guides/nurse-consultant')).body)).toContain('New text');
      const lc = new TestClient(t.app);
      await lc.signIn(lead.email, lead.password);
      expect((await lc.get(edit)).statusCode).toBe(403);
    });
  });
});

describe('guides on an install without the shipped frameworks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await t.app.services.guides.ensureShipped();
  });
  afterAll(async () => t?.close());

  it('does not link a guide to a framework that is not there, nor offer an example to download', async () => {
    const guide = await t.app.inject({ method: 'GET', url: '/guides/consultant-practitioner' });
    expect(guide.statusCode).toBe(200);
    expect(textOf(guide.body)).not.toContain('See the framework');
    const admin = await buildUser(t.app, { roles: ['admin'] });
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const page = await c.get('/frameworks/import');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Download an example');
  });
});
