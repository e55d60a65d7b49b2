import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CONSULTANT_STAGES, type FrameworkDoc } from '../model';
import { fromJson, toJson } from './json';
import { fromCsv, toCsv } from './csv';
import { toCase } from './case';
import { fromCase, type CaseContext } from './case-import';

const root = path.resolve(__dirname, '../../../..');
const fixtures = path.join(root, 'test/fixtures/case');
const read = (file: string) => fs.readFileSync(path.join(fixtures, file), 'utf8');
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validatePackage = ajv.compile(JSON.parse(read('case-1p1-cfpackage.schema.json')));
const schemaErrors = (text: string) =>
  validatePackage(JSON.parse(text)) ? [] : (validatePackage.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

const ctx: CaseContext = { defaultStages: CONSULTANT_STAGES };
function must(r: ReturnType<typeof fromCase>): FrameworkDoc {
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 2));
  return r.doc;
}
type Pkg = {
  CFDocument: Record<string, unknown>;
  CFItems: Record<string, unknown>[];
  CFAssociations: Record<string, unknown>[];
  CFDefinitions: Record<string, Record<string, unknown>[]>;
};
const idOf = (link: unknown) => (link as { identifier: string }).identifier;

const contentDir = path.join(root, 'content/frameworks');
const shipped = fs.readdirSync(contentDir).filter((f) => f.endsWith('.json'));

describe('CASE export validates against the CASE 1.1 CFPackage schema', () => {
  it.each(shipped)('%s has no schema errors', (file) => {
    const r = fromJson(fs.readFileSync(path.join(contentDir, file), 'utf8'));
    if (!r.ok) throw new Error('shipped file does not load');
    expect(schemaErrors(toCase(r.doc))).toEqual([]);
  });

  it('a mapping names the other framework item by its real identifier and URI, so it resolves in either package', () => {
    const lda = fromJson(fs.readFileSync(path.join(contentDir, 'area-lda.json'), 'utf8'));
    const core = fromJson(fs.readFileSync(path.join(contentDir, 'consultant.json'), 'utf8'));
    if (!lda.ok || !core.ok) throw new Error('shipped files do not load');
    const target = core.doc.items.find((i) => i.code === lda.doc.mappings[0]!.toCode)!;
    const coreByCode = new Map(core.doc.items.map((i) => [i.code, i]));
    const coreById = new Map(core.doc.items.map((i) => [i.identifier, i]));
    const targetOf = (fw: string, code: string) => {
      const item = fw === core.doc.framework.shortName ? coreByCode.get(code) : undefined;
      return item && { identifier: item.identifier, uri: `urn:uuid:${item.identifier}` };
    };
    const text = toCase(lda.doc, { targetOf });
    const pkg = JSON.parse(text) as Pkg;
    const edge = pkg.CFAssociations.find(
      (a) =>
        a.associationType !== 'isChildOf' &&
        (a.destinationNodeURI as { identifier: string }).identifier === target.identifier,
    )!;
    expect(edge.destinationNodeURI).toMatchObject({
      identifier: target.identifier,
      uri: `urn:uuid:${target.identifier}`,
    });
    const corePkg = JSON.parse(toCase(core.doc)) as Pkg;
    expect(corePkg.CFItems.find((i) => i.identifier === target.identifier)!.uri).toBe(`urn:uuid:${target.identifier}`);
    // Read back with Waymark knowing the core framework's items: the mapping comes back.
    const again = must(
      fromCase(text, {
        ...ctx,
        knownItem: (id) => {
          const item = coreById.get(id);
          return (
            item && {
              frameworkId: core.doc.framework.identifier,
              shortName: core.doc.framework.shortName,
              code: item.code,
            }
          );
        },
      }),
    );
    expect(again.mappings).toEqual(lda.doc.mappings);
    expect(schemaErrors(text)).toEqual([]);
  });
});

describe.each(['science-standards-case-1p0.json', 'nursing-competencies-case-1p1.json'])(
  'a CASE package from elsewhere: %s',
  (file) => {
    const text = read(file);
    const original = JSON.parse(text) as Pkg;
    const doc = must(fromCase(text, ctx));
    const exported = toCase(doc);
    const pkg = JSON.parse(exported) as Pkg;

    it('imports, keeping every item with its identifier, URI and CASE fields', () => {
      expect(doc.items).toHaveLength(original.CFItems.length);
      for (const item of original.CFItems) {
        const out = pkg.CFItems.find((i) => i.identifier === item.identifier)!;
        for (const k of [
          'uri',
          'fullStatement',
          'humanCodingScheme',
          'abbreviatedStatement',
          'listEnumeration',
          'educationLevel',
          'alternativeLabel',
          'CFItemType',
          'CFItemTypeURI',
          'lastChangeDateTime',
          'statusStartDate',
          'notes',
        ]) {
          if (item[k] !== undefined && item[k] !== '') expect([k, out[k]]).toEqual([k, item[k]]);
        }
      }
    });

    it('keeps every association: identifiers, types, ends, sequence numbers, groupings and notes', () => {
      for (const a of original.CFAssociations) {
        const out = pkg.CFAssociations.find((x) => x.identifier === a.identifier);
        expect(out, `${a.associationType} ${a.identifier}`).toBeDefined();
        expect(out).toMatchObject({
          associationType: a.associationType,
          uri: a.uri,
          lastChangeDateTime: a.lastChangeDateTime,
        });
        expect(idOf(out!.originNodeURI)).toBe(idOf(a.originNodeURI));
        expect(idOf(out!.destinationNodeURI)).toBe(idOf(a.destinationNodeURI));
        for (const k of ['sequenceNumber', 'notes', 'CFAssociationGroupingURI', 'extensions'])
          if (a[k] !== undefined) expect(out![k]).toEqual(a[k]);
      }
      expect(pkg.CFAssociations).toHaveLength(original.CFAssociations.length);
    });

    it('keeps the document: creator, publisher, dates, URIs, licence, definitions', () => {
      for (const [k, v] of Object.entries(original.CFDocument)) {
        if (k === 'CFPackageURI' || k === 'caseVersion') continue;
        const { waymark: _own, ...out } =
          k === 'extensions' ? (pkg.CFDocument[k] as Record<string, unknown>) : { waymark: null };
        expect([k, k === 'extensions' ? out : pkg.CFDocument[k]]).toEqual([k, v]);
      }
      for (const [k, list] of Object.entries(original.CFDefinitions))
        for (const d of list) expect(pkg.CFDefinitions[k]).toContainEqual(d);
    });

    it('exports a package that validates against the CASE 1.1 schema, and export → import → export is identical', () => {
      expect(schemaErrors(exported)).toEqual([]);
      expect(toCase(must(fromCase(exported, ctx)))).toBe(exported);
      // Waymark JSON and CSV carry the kept CASE fields too, so every format round-trips.
      const viaJson = fromJson(toJson(doc));
      expect(viaJson.ok && toCase(viaJson.doc)).toBe(exported);
      expect(toCsv(doc)).toBe(toCsv(must(fromCase(exported, ctx))));
    });

    it('every statement is in the unstaged bucket for an editor to place', () => {
      expect(doc.items.filter((i) => i.type === 'statement').every((i) => i.stage === null)).toBe(true);
      expect(doc.stages).toEqual(CONSULTANT_STAGES);
    });
  },
);

describe('how a package from elsewhere maps onto Waymark', () => {
  const doc = must(fromCase(read('science-standards-case-1p0.json'), ctx));
  const byText = (start: string) => doc.items.find((i) => i.text.startsWith(start))!;

  it('takes kinds from the tree (top level domains, then capabilities at any depth, leaves statements) and keeps the CFItemType', () => {
    expect(byText('Physical sciences')).toMatchObject({
      type: 'domain',
      code: 'PS',
      case: { fields: { CFItemType: 'Domain Area' } },
    });
    expect(byText('Structure and properties')).toMatchObject({ type: 'capability', parentCode: 'PS' });
    expect(byText('Develop models to describe the atomic composition of simple molecules (a)')).toMatchObject({
      type: 'capability',
      code: 'MS-PS1-1',
      parentCode: 'PS1',
    });
    expect(byText('Component 1')).toMatchObject({
      type: 'statement',
      parentCode: 'MS-PS1-1',
      case: { fields: { CFItemType: 'Component', listEnumeration: '1' } },
    });
  });

  it('orders siblings by sequenceNumber and makes codes up from the tree where there is no humanCodingScheme', () => {
    expect(doc.items.filter((i) => i.parentCode === 'PS').map((i) => i.code)).toEqual(['PS1', 'PS2']);
    expect(doc.items.filter((i) => i.parentCode === 'MS-PS1-1').map((i) => i.code)).toEqual([
      'MS-PS1-1.1',
      'MS-PS1-1.2',
      'MS-PS1-1.3',
    ]);
    expect(byText('Organisms')).toMatchObject({ code: 'LS.1', type: 'statement', case: { codeGenerated: true } });
    const pkg = JSON.parse(toCase(doc)) as Pkg;
    expect(pkg.CFItems.find((i) => i.identifier === byText('Organisms').identifier)!.humanCodingScheme).toBeUndefined();
  });

  it('keeps publisher and creator apart, and takes the licence text', () => {
    expect(doc.framework.publisher).toBe('State Board of Education (fixture)');
    expect(doc.version).toMatchObject({
      label: '2019',
      status: 'published',
      publishedAt: '2019-01-15',
      licenceNote: 'https://creativecommons.org/licenses/by/4.0/',
    });
    expect(doc.framework.kind).toBe('core');
  });
});

describe('CASE import reports every problem at once, in CASE terms', () => {
  it('lists problems with the document, items and associations together', () => {
    const pkg = JSON.parse(read('nursing-competencies-case-1p1.json')) as Pkg;
    delete pkg.CFDocument.title;
    pkg.CFItems[0]!.fullStatement = '';
    pkg.CFItems[1]!.identifier = 'not-a-uuid';
    pkg.CFItems[2]!.identifier = pkg.CFItems[3]!.identifier;
    delete pkg.CFAssociations[0]!.associationType;
    const r = fromCase(JSON.stringify(pkg), ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.map((p) => `${p.where}: ${p.message}`);
    expect(text).toEqual(
      expect.arrayContaining([
        'CFDocument: has no title; give the CFDocument a title',
        expect.stringMatching(/^CFItem 1 \(1\): has no fullStatement; every CFItem needs the text of its statement$/),
        expect.stringMatching(/^CFItem 2 \(2\): identifier "not-a-uuid" is not a UUID/),
        expect.stringMatching(/^CFItem 4 .*is used by another CFItem too/),
        expect.stringMatching(/^CFAssociation 1: has no associationType/),
      ]),
    );
  });

  it('names a loop of isChildOf associations and how to mend it', () => {
    const pkg = JSON.parse(read('nursing-competencies-case-1p1.json')) as Pkg;
    const area = pkg.CFItems[0]!;
    const first = pkg.CFAssociations.find((a) => idOf(a.originNodeURI) === area.identifier)!;
    const child = pkg.CFItems.find((i) => i.humanCodingScheme === '1.1')!;
    first.destinationNodeURI = { title: '1.1', identifier: child.identifier, uri: child.uri };
    const r = fromCase(JSON.stringify(pkg), ctx);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toContainEqual({
        where: expect.stringContaining('CFItem'),
        message: expect.stringContaining('remove one isChildOf association'),
      });
  });
});

describe('CSV carries the CASE fields of an imported package through a re-import', () => {
  it('keeps them when the CSV is read against the version it came from', () => {
    const doc = must(fromCase(read('science-standards-case-1p0.json'), ctx));
    const byCode = new Map(doc.items.map((i) => [i.code, i]));
    const again = fromCsv(toCsv(doc), {
      base: doc,
      identifierFor: (c) => byCode.get(c)!.identifier,
      defaultStages: CONSULTANT_STAGES,
      previous: doc,
    });
    if (!again.ok) throw new Error(JSON.stringify(again.problems));
    expect(toCase(again.doc)).toBe(toCase(doc));
  });
});
