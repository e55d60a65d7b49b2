import { readdirSync, readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { validateXML } from 'xmllint-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows } from '../helpers/factories';
import { readQdpx, type QdaCode, type QdaProject } from '../../src/features/analysis/formats/qdpx';
import { analysisCodes, analysisCodings, analysisMemos, analysisSources } from '../../src/features/analysis/tables';

const XSD = readFileSync(new URL('../fixtures/refi-qda/Project-mrt2019.xsd', import.meta.url), 'utf8');
const NOTE = 'No time for study 😊 — ŵyr ac ŷd, café';
const WELSH = 'Dw i’n hoffi’r tîm 👩‍⚕️ yn fawr';

describe.each(DRIVERS)('analysis: exchange with other QDA tools (%s)', (driver) => {
  let t: TestApp;
  const c: Record<string, TestClient> = {};
  const u: Record<string, { id: string; email: string; password: string }> = {};
  let a: string; // the programme analysed
  let b: string; // takes the codebook
  let p: string; // takes the project

  const exchange = (programmeId: string) => `/programmes/${programmeId}/analysis/exchange`;
  const db = () => t.app.platform.db;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const names = { ana: 'Ana Lyst', cai: 'Cai Jones', bea: 'Bea Coder', part: 'Pat', fac: 'Fay', admin: 'Ad Min' };
    for (const [k, name] of Object.entries(names))
      u[k] = await buildUser(t.app, { name, ...(k === 'admin' ? { roles: ['admin'] } : {}) });
    a = (
      await buildProgramme(t.app, {
        members: [
          { userId: u.ana!.id, role: 'analyst' },
          { userId: u.cai!.id, role: 'analyst' },
          { userId: u.part!.id, role: 'participant' },
          { userId: u.fac!.id, role: 'facilitator' },
        ],
      })
    ).id;
    b = (await buildProgramme(t.app, { members: [{ userId: u.bea!.id, role: 'analyst' }] })).id;
    p = (
      await buildProgramme(t.app, {
        members: [
          { userId: u.bea!.id, role: 'analyst' },
          { userId: u.ana!.id, role: 'analyst' },
        ],
      })
    ).id;
    for (const [k, user] of Object.entries(u)) {
      c[k] = new TestClient(t.app);
      await c[k].signIn(user.email, user.password);
    }
    // Programme A: a codebook, two sources with emoji and Welsh letters, codings by two coders, memos.
    const code = async (
      name: string,
      parentId: string | null,
      extra: Partial<typeof analysisCodes.$inferInsert> = {},
    ) =>
      (
        await db()
          .insert(analysisCodes)
          .values({ programmeId: a, name, parentId, ...extra })
          .returning()
      )[0]!.id;
    const barriers = await code('Barriers', null, {
      definition: 'What gets in the way',
      whenToUse: 'An obstacle is named',
      example: 'No cover',
      colour: '#d5281b',
    });
    const time = await code('Time', barriers, { position: 0 });
    const rota = await code('Rota', time);
    const enablers = await code('Enablers', null, { position: 1 });
    const cymraeg = await code('Cymraeg', null, { position: 2, colour: '#007f3b' });
    const source = async (text: string, attributes: Record<string, string>) =>
      (
        await db()
          .insert(analysisSources)
          .values({
            programmeId: a,
            kind: 'workshop-note',
            originId: crypto.randomUUID(),
            title: text.slice(0, 10),
            text,
            attributes,
            contributorKey: `key-${attributes.area}`,
          })
          .returning()
      )[0]!.id;
    const s1 = await source(NOTE, { area: 'North', pillar: 'Clinical', stakeholderType: 'Nurse' });
    const s2 = await source(WELSH, { area: 'South' });
    const coding = (codeId: string, sourceId: string, coderId: string, span: [number, number] | null) =>
      db()
        .insert(analysisCodings)
        .values({ programmeId: a, codeId, sourceId, coderId, startCp: span?.[0], endCp: span?.[1] });
    await coding(rota, s1, u.ana!.id, [0, 7]);
    await coding(time, s1, u.cai!.id, [18, 26]);
    await coding(enablers, s2, u.ana!.id, null);
    await coding(cymraeg, s2, u.ana!.id, [11, 20]);
    await db()
      .insert(analysisMemos)
      .values([
        { programmeId: a, targetType: 'code', targetId: barriers, authorId: u.ana!.id, text: 'Barriers memo' },
        { programmeId: a, targetType: 'source', targetId: s1, authorId: u.cai!.id, text: 'Source memo 😊' },
      ]);
  });
  afterAll(async () => t?.close());

  /** The live codes of a programme as "path | definition | when to use | example | colour", sorted. */
  async function tree(programmeId: string) {
    const rows = await db().select().from(analysisCodes).where(eq(analysisCodes.programmeId, programmeId));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const path = (id: string | null): string => (id ? `${path(byId.get(id)!.parentId)}/${byId.get(id)!.name}` : '');
    return rows.map((r) => `${path(r.id)} | ${r.definition} | ${r.whenToUse} | ${r.example} | ${r.colour}`).sort();
  }

  /** Uploads a file to a programme's exchange as `who`; the preview's confirm action and submission key. */
  async function upload(who: string, programmeId: string, filename: string, content: string | Buffer) {
    const res = await c[who]!.upload(
      exchange(programmeId),
      `${exchange(programmeId)}/import`,
      {},
      {
        field: 'file',
        filename,
        content,
      },
    );
    const action = /action="([^"]*\/exchange\/import\/[^"]+)"/.exec(res.body)?.[1];
    return { res, action, key: c[who]!.hidden('_submission') };
  }

  async function confirmTwice(who: string, action: string, key: string) {
    const form = { _csrf: c[who]!.csrf(), _submission: key };
    const [one, two] = await Promise.all([c[who]!.post(action, form), c[who]!.post(action, form)]);
    expect([one.statusCode, two.statusCode]).toEqual([302, 302]);
  }

  /** A project's sources, code paths and codings (source text, code path, span) in a comparable form. */
  function summary(project: QdaProject) {
    const paths = new Map<string, string>();
    const walk = (codes: QdaCode[], at: string) =>
      codes.forEach((k) => (paths.set(k.guid, `${at}/${k.name}`), walk(k.children, `${at}/${k.name}`)));
    walk(project.codes, '');
    const codings = project.sources.flatMap((s) => [
      ...s.codings.map((k) => `${s.text} | ${paths.get(k.codeGuid)} | whole`),
      ...s.selections.flatMap((x) =>
        x.codings.map((k) => `${s.text} | ${paths.get(k.codeGuid)} | ${x.start}-${x.end}`),
      ),
    ]);
    return {
      sources: project.sources.map((s) => s.text).sort(),
      codes: [...paths.values()].sort(),
      codings: codings.sort(),
    };
  }

  it('a codebook exported as .qdc and imported into another programme gives the same tree, once for a double confirm', async () => {
    const file = await c.ana!.get(`${exchange(a)}/codebook.qdc`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/attachment; filename=".*-codebook\.qdc"/);
    const { res, action, key } = await upload('bea', b, 'codebook.qdc', file.body);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    expect(textOf(res.body)).toContain('5 new codes will be added');
    const before = await countRows(t.app, 'analysis_codes');
    await confirmTwice('bea', action!, key!);
    expect(await countRows(t.app, 'analysis_codes')).toBe(before + 5);
    expect(await tree(b)).toEqual(await tree(a));
    expect(textOf((await c.bea!.get(exchange(b))).body)).toContain('Imported 5 new codes (0 already there');
    const again = await upload('bea', b, 'codebook.qdc', file.body);
    expect(textOf(again.res.body)).toContain('0 new codes');
    expect(textOf(again.res.body)).toContain('5 codes are already there by name under the same parent');
  });

  it('a .qdpx exported, imported into another programme and exported again has the same sources, codes and codings', async () => {
    const first = await c.admin!.get(`${exchange(a)}/project.qdpx`);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('application/zip');
    const qde = strFromU8(unzipSync(new Uint8Array(first.rawPayload))['project.qde']!);
    const valid = await validateXML({
      xml: [{ fileName: 'project.qde', contents: qde }],
      schema: [{ fileName: 'Project-mrt2019.xsd', contents: XSD }],
    });
    expect(valid.valid, valid.errors.map((e) => e.rawMessage).join('\n')).toBe(true);
    expect(qde).toContain('<Case ');
    expect(qde).toContain('name="Ana Lyst"');
    const { res, action, key } = await upload('bea', p, 'project.qdpx', first.rawPayload);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    const preview = textOf(res.body);
    for (const part of ['2 text sources', '4 codings', '2 notes', 'Ana Lyst: matches Ana Lyst', 'Cai Jones: no coder'])
      expect(preview).toContain(part);
    expect(preview).toContain('2 case(s) and their variables not carried');
    await confirmTwice('bea', action!, key!);
    expect(await countRows(t.app, 'analysis_sources')).toBe(4);

    // The sync (run by the analysis home) leaves imported sources alone.
    expect((await c.bea!.get(`/programmes/${p}/analysis`)).statusCode).toBe(200);
    const second = await c.admin!.get(`${exchange(p)}/project.qdpx`);
    const [one, two] = [await readQdpx(first.rawPayload), await readQdpx(second.rawPayload)];
    expect(summary(two.project)).toEqual(summary(one.project));
    expect(summary(one.project).codings).toContain(`${WELSH} | /Cymraeg | 11-20`);
    const coders = await db().select().from(analysisCodings).where(eq(analysisCodings.programmeId, p));
    expect(coders.filter((k) => k.coderId === u.ana!.id)).toHaveLength(3);
    expect(coders.filter((k) => k.coderId === u.bea!.id)).toHaveLength(1);
    const memos = await db().select().from(analysisMemos).where(eq(analysisMemos.programmeId, p));
    expect(memos.map((m) => `${m.targetType} ${m.text}`).sort()).toEqual([
      'code Barriers memo',
      'source Source memo 😊',
    ]);
  });

  it("imports another tool's project: codes by name beside those there, its coder unknown here so the codings become the importer's", async () => {
    const other = new URL('../fixtures/refi-qda/other-tool/', import.meta.url);
    const files: Record<string, Uint8Array> = { 'project.qde': readFileSync(new URL('project.qde', other)) };
    for (const f of readdirSync(new URL('Sources/', other)))
      files[`Sources/${f}`] = readFileSync(new URL(`Sources/${f}`, other));
    const { res, action, key } = await upload('bea', b, 'field-study.qdpx', Buffer.from(zipSync(files)));
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    const preview = textOf(res.body);
    expect(preview).toContain('Analyst One: no coder of this programme has this name');
    expect(preview).toContain('What the file says that cannot be carried');
    expect(preview).toMatch(/2 codes are already there/);
    const sources = await countRows(t.app, 'analysis_sources');
    await confirmTwice('bea', action!, key!);
    const imported = await db().select().from(analysisSources).where(eq(analysisSources.programmeId, b));
    expect(imported.length).toBe((await countRows(t.app, 'analysis_sources')) - sources);
    expect(
      imported.every((x) => x.kind === 'workshop-transcript' && x.attributes.importedFrom === 'field-study.qdpx'),
    ).toBe(true);
    const codings = await db().select().from(analysisCodings).where(eq(analysisCodings.programmeId, b));
    expect(codings.length).toBeGreaterThan(0);
    expect(codings.every((k) => k.coderId === u.bea!.id)).toBe(true);
  });

  it('refuses a hostile or broken file with its message and changes nothing', async () => {
    const before = await Promise.all(
      ['analysis_codes', 'analysis_sources', 'analysis_codings'].map((n) => countRows(t.app, n)),
    );
    const notZip = await upload('bea', p, 'evil.qdpx', 'this is not a zip');
    expect(notZip.res.statusCode).toBe(400);
    expect(textOf(notZip.res.body)).toContain('is not a ZIP file');
    const doctype =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>';
    const entity = await upload('bea', p, 'evil.qdc', doctype);
    expect(entity.res.statusCode).toBe(400);
    expect(textOf(entity.res.body)).toContain('DOCTYPE or ENTITY declaration');
    const other = await upload('bea', p, 'notes.txt', 'hello');
    expect(textOf(other.res.body)).toContain('must be a REFI-QDA codebook (.qdc) or project (.qdpx)');
    const after = await Promise.all(
      ['analysis_codes', 'analysis_sources', 'analysis_codings'].map((n) => countRows(t.app, n)),
    );
    expect(after).toEqual(before);
    // A name XML cannot carry: the download is refused with the reason, not a failure.
    const q = (await buildProgramme(t.app, { members: [{ userId: u.ana!.id, role: 'analyst' }] })).id;
    await db().insert(analysisCodes).values({ programmeId: q, name: 'Bell \u0007' });
    const refused = await c.ana!.get(`${exchange(q)}/codebook.qdc`);
    expect(refused.statusCode).toBe(422);
    expect(textOf(refused.body)).toContain('The codebook cannot be written as a REFI-QDA file');
    expect((await c.ana!.get(`${exchange(q)}/project.qdpx`)).statusCode).toBe(422);
  });

  it('gives the codings as CSV and XLSX, keeping blind coding for coders', async () => {
    const mine = await c.ana!.get(`${exchange(a)}/codings.csv`);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('source id,kind,area,pillar,stakeholder type,code path,coder,start,end,coded text');
    expect(mine.body).toContain('Barriers > Time > Rota,Ana Lyst,0,7,No time');
    expect(mine.body).not.toContain('Cai Jones');
    const all = await c.admin!.get(`${exchange(a)}/codings.csv`);
    expect(all.body).toContain('Barriers > Time,Cai Jones,18,26');
    const xlsx = await c.ana!.get(`${exchange(a)}/codings.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('lets a participant nowhere near it, and only coders import (not a facilitator or an admin)', async () => {
    expect((await c.part!.get(exchange(a))).statusCode).toBe(403);
    expect((await c.part!.get(`${exchange(a)}/project.qdpx`)).statusCode).toBe(403);
    expect((await c.admin!.get(exchange(a))).statusCode).toBe(200);
    const before = await countRows(t.app, 'analysis_codes');
    for (const who of ['part', 'fac', 'admin']) {
      await c[who]!.get('/programmes');
      const res = await c[who]!.post(`${exchange(a)}/import`, { _csrf: c[who]!.csrf() });
      expect(res.statusCode, who).toBe(403);
    }
    expect(await countRows(t.app, 'analysis_codes')).toBe(before);
  });
});
