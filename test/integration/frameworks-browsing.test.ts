import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { setUpFrameworks } from './frameworks-scene';
import type { TestApp } from '../helpers/app';
import { textOf } from '../helpers/client';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';

const V = '/frameworks/WM-CONSULTANT/versions/1.0';
const statementCodes = (html: string) =>
  [...html.matchAll(/<li class="wm-statement" id="s-([^"]+)"/g)].map((m) => m[1]);

describe.each(DRIVERS)('frameworks (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    ({ t } = await setUpFrameworks(driver));
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
});
