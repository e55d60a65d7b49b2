import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import { setUpFrameworks } from './frameworks-scene';
import type { TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows } from '../helpers/factories';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const statementCodes = (html: string) =>
  [...html.matchAll(/<li class="wm-statement" id="s-([^"]+)"/g)].map((m) => m[1]);

describe.each(DRIVERS)('frameworks (%s)', (driver) => {
  let t: TestApp;
  let lead: Awaited<ReturnType<typeof buildUser>>;
  let admin: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    ({ t, lead, admin } = await setUpFrameworks(driver));
  });
  afterAll(async () => t?.close());

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
});
