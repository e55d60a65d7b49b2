import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { setUpFrameworks } from './frameworks-scene';
import type { TestApp } from '../helpers/app';
import type { buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';

const V = '/frameworks/WM-CONSULTANT/versions/1.0';

describe.each(DRIVERS)('frameworks (%s)', (driver) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    ({ t, admin } = await setUpFrameworks(driver));
  });
  afterAll(async () => t?.close());

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
});
