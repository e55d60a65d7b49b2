import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { textOf } from '../helpers/client';
import { countRows } from '../helpers/factories';
import { setUpCodebook } from './analysis-codebook-scene';

describe.each(DRIVERS)('analysis: the codebook, building and changing the tree (%s)', (driver) => {
  let s: Awaited<ReturnType<typeof setUpCodebook>>;
  let barriers: string;
  let time: string;
  let rota: string;

  beforeAll(async () => {
    s = await setUpCodebook(driver);
  });
  afterAll(async () => s?.t.close());

  it('an analyst builds a tree of codes; the codebook nests them, each with its swatch, name and codings', async () => {
    const empty = await s.analyst.get(s.base);
    expect(empty.statusCode).toBe(200);
    expect(textOf(empty.body)).toContain('There are no codes yet');
    barriers = await s.addCode('Barriers', '', {
      definition: 'Anything that gets in the way of the role',
      whenToUse: 'When someone names an obstacle',
      whenNotToUse: 'For plain complaints with no effect on practice',
      example: 'We never get protected time',
      colour: '#d5281b',
    });
    await s.addCode('Enablers');
    const form = await s.analyst.get(`${s.base}/new?parent=${barriers}`);
    expect(form.body).toMatch(new RegExp(`<option value="${barriers}"[^>]*selected`));
    time = await s.addCode('Time', barriers);
    rota = await s.addCode('Rota', time);
    const sid = await s.addSource('No time for study 😊');
    await s.code(rota, sid, s.analystUser.id, [0, 7]);

    const page = await s.analyst.get(s.base);
    const text = textOf(page.body);
    expect(text).toContain('4 codes');
    const order = ['Barriers', 'Anything that gets in the way', 'Time', 'Rota (colour: Green) – 1 coding', 'Enablers'];
    const at = order.map((o) => text.indexOf(o));
    expect(
      at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!)),
      `${at} in ${text}`,
    ).toBe(true);
    // Nested lists: Rota's list sits inside Time's item, inside Barriers'.
    expect(page.body).toMatch(/Barriers<\/a>[\s\S]*<ul[\s\S]*Time<\/a>[\s\S]*<ul[\s\S]*Rota<\/a>/);
    expect(page.body).toContain('fill="#d5281b"');
    expect(text).toContain('(colour: Red)');

    const detail = textOf((await s.analyst.get(`${s.base}/${barriers}`)).body);
    for (const part of ['When someone names an obstacle', 'For plain complaints', 'We never get protected time', 'Red'])
      expect(detail).toContain(part);
    expect(detail).toContain('Created as “Barriers”');
    expect(detail).toContain('Ana Lyst');
    const [created] = await s.events(barriers);
    expect(created).toMatchObject({ action: 'create', actorId: s.analystUser.id });
  });

  it('a double-clicked add makes one code', async () => {
    await s.analyst.get(`${s.base}/new`);
    const form = {
      _csrf: s.analyst.csrf(),
      _submission: s.analyst.hidden('_submission')!,
      name: 'Double',
      parentId: '',
      colour: '#005eb8',
    };
    const before = await countRows(s.t.app, 'analysis_codes');
    const [a, b] = await Promise.all([s.analyst.post(s.base, form), s.analyst.post(s.base, form)]);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await countRows(s.t.app, 'analysis_codes')).toBe(before + 1);
  });

  it('refuses a name already used under the same parent, whatever its case and spacing; another parent is fine', async () => {
    const before = await countRows(s.t.app, 'analysis_codes');
    const top = await s.analyst.submit(`${s.base}/new`, s.base, {
      name: '  barriers ',
      parentId: '',
      colour: '#005eb8',
    });
    expect(top.statusCode).toBe(400);
    expect(textOf(top.body)).toContain('There is already a top-level code called “barriers”. Choose another name');
    expect(top.body).toContain('href="#name"');
    const sub = await s.analyst.submit(`${s.base}/new`, s.base, {
      name: 'TIME',
      parentId: barriers,
      colour: '#005eb8',
    });
    expect(textOf(sub.body)).toContain('“Barriers” already has a sub-code called “TIME”');
    expect(await countRows(s.t.app, 'analysis_codes')).toBe(before);
    await s.addCode('Time', (await s.liveNamed('Enablers'))[0]!.id);
  });

  it.each([
    [{ name: '', colour: '#005eb8' }, 'Enter a name for the code'],
    [{ name: 'x'.repeat(101), colour: '#005eb8' }, "The code's name must be 100 characters or fewer"],
    [{ name: 'Off palette', colour: '#ff00ff' }, 'Choose a colour for the code'],
    // The platform's input guard answers for a malformed id before the form is read.
    [{ name: 'Bad parent', parentId: 'not-a-code', colour: '#005eb8' }, 'refers to an item that does not exist'],
    [{ name: 'Ghost parent', parentId: crypto.randomUUID(), colour: '#005eb8' }, 'Choose a parent code from the list'],
    [
      { name: 'Long', definition: 'd'.repeat(2001), colour: '#005eb8' },
      'The definition must be 2,000 characters or fewer',
    ],
  ])('refuses %o with our message and adds nothing', async (form, message) => {
    const before = await countRows(s.t.app, 'analysis_codes');
    const res = await s.analyst.submit(`${s.base}/new`, s.base, form);
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain(message);
    expect(textOf(res.body)).toContain('There is a problem');
    expect(await countRows(s.t.app, 'analysis_codes')).toBe(before);
  });

  it('renames and edits a code, each recorded in its history; a sibling’s name is refused', async () => {
    const url = `${s.base}/${time}/edit`;
    const form = await s.analyst.get(url);
    expect(form.body).toContain('value="Time"');
    const res = await s.analyst.submit(url, url, {
      name: 'Time pressures',
      definition: 'Lack of time',
      colour: '#425563',
    });
    expect(res.statusCode).toBe(302);
    const row = await s.codeRow(time);
    expect(row).toMatchObject({ name: 'Time pressures', definition: 'Lack of time', colour: '#425563' });
    const actions = (await s.events(time)).map((e) => [e.action, e.details]);
    expect(actions).toContainEqual(['rename', { from: 'Time', to: 'Time pressures' }]);
    expect(actions).toContainEqual(['edit', { fields: ['definition', 'colour'] }]);
    const page = textOf((await s.analyst.get(`${s.base}/${time}`)).body);
    expect(page).toContain('Renamed from “Time” to “Time pressures”');
    expect(page).toContain('Changed its definition, colour');
    expect(page).toContain('Barriers /');

    await s.addCode('Money', barriers);
    const clash = await s.analyst.submit(url, url, { name: 'money', colour: '#425563' });
    expect(clash.statusCode).toBe(400);
    expect(textOf(clash.body)).toContain('“Barriers” already has a sub-code called “money”');
    expect((await s.codeRow(time)).name).toBe('Time pressures');
  });

  it('moves a code with its sub-codes, and refuses a move under itself or its own sub-codes', async () => {
    const url = `${s.base}/${barriers}/move`;
    const page = await s.analyst.get(url);
    expect(page.body).not.toContain(`value="${rota}"`);
    const before = await s.codes();
    const cycle = await s.analyst.submit(url, url, { parentId: rota });
    expect(cycle.statusCode).toBe(400);
    expect(textOf(cycle.body)).toContain(
      '“Barriers” cannot go under “Rota”, one of its own sub-codes. Choose another parent',
    );
    const self = await s.analyst.submit(url, url, { parentId: barriers });
    expect(textOf(self.body)).toContain('A code cannot be moved under itself');
    expect(await s.codes()).toEqual(before);

    const moveTime = `${s.base}/${time}/move`;
    const moved = await s.analyst.submit(moveTime, moveTime, { parentId: '' });
    expect(moved.statusCode).toBe(302);
    expect((await s.codeRow(time)).parentId).toBeNull();
    expect((await s.codeRow(rota)).parentId).toBe(time);
    const move = (await s.events(time)).find((e) => e.action === 'move')!;
    expect(move.details).toMatchObject({ fromParentId: barriers, toParentId: null, from: ['Barriers'], to: [] });
    expect(textOf((await s.analyst.get(`${s.base}/${time}`)).body)).toContain('Moved from Barriers to the top level');
  });

  it('refuses a code deeper than six levels, and a move to a code that is not there; nothing changes', async () => {
    let parent = '';
    const chain: string[] = [];
    for (const level of [1, 2, 3, 4, 5, 6]) chain.push((parent = await s.addCode(`Level ${level}`, parent)));
    const before = await s.codes();
    const deep = await s.analyst.submit(`${s.base}/new`, s.base, {
      name: 'Level 7',
      parentId: parent,
      colour: '#005eb8',
    });
    expect(deep.statusCode).toBe(400);
    expect(textOf(deep.body)).toContain('Codes can be nested at most 6 levels deep: choose a parent higher up');
    const move = `${s.base}/${chain[1]}/move`;
    const tooDeep = await s.analyst.submit(move, move, { parentId: rota });
    expect(textOf(tooDeep.body)).toContain('Codes can be nested at most 6 levels deep: with its sub-codes, “Level 2”');
    const ghost = await s.analyst.submit(move, move, { parentId: crypto.randomUUID() });
    expect(ghost.statusCode).toBe(400);
    expect(textOf(ghost.body)).toContain('Choose a parent code from the list');
    expect(await s.codes()).toEqual(before);
  });

  it('memos on a code: added once per submission, shown newest first with the author; an empty memo is refused', async () => {
    const url = `${s.base}/${barriers}`;
    const empty = await s.analyst.submit(url, `${url}/memos`, { text: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(textOf(empty.body)).toContain('Enter the memo');
    expect(await countRows(s.t.app, 'analysis_memos')).toBe(0);
    await s.analyst.get(url);
    const form = { _csrf: s.analyst.csrf(), _submission: s.analyst.hidden('_submission')!, text: 'First thoughts' };
    await Promise.all([s.analyst.post(`${url}/memos`, form), s.analyst.post(`${url}/memos`, form)]);
    const second = await s.analyst.submit(url, `${url}/memos`, { text: 'Overlaps with Enablers?' });
    expect(second.headers.location).toBe(`${url}#memos`);
    expect(await countRows(s.t.app, 'analysis_memos')).toBe(2);
    const text = textOf((await s.analyst.get(url)).body);
    expect(text.indexOf('Overlaps with Enablers?')).toBeLessThan(text.indexOf('First thoughts'));
    expect(text).toContain('Ana Lyst');
  });

  it('only the programme’s analysts and lead change the codebook; admins only look; others get 403', async () => {
    const code = `${s.base}/${barriers}`;
    for (const url of [s.base, code]) {
      expect((await s.participant.get(url)).statusCode, url).toBe(403);
      expect((await s.outsider.get(url)).statusCode, url).toBe(403);
      expect((await s.admin.get(url)).statusCode, url).toBe(200);
    }
    expect(textOf((await s.admin.get(code)).body)).not.toContain('Add memo');
    const before = await countRows(s.t.app, 'analysis_codes');
    for (const c of [s.participant, s.outsider, s.admin]) {
      expect((await c.get(`${s.base}/new`)).statusCode).toBe(403);
      const res = await c.post(s.base, { _csrf: c.csrf(), name: 'Sneaky', colour: '#005eb8' });
      expect(res.statusCode).toBe(403);
      const memo = await c.post(`${code}/memos`, { _csrf: c.csrf(), text: 'Sneaky memo' });
      expect(memo.statusCode).toBe(403);
      const move = await c.post(`${code}/move`, { _csrf: c.csrf(), parentId: '' });
      expect(move.statusCode).toBe(403);
    }
    expect(await countRows(s.t.app, 'analysis_codes')).toBe(before);
    expect(await countRows(s.t.app, 'analysis_memos')).toBe(2);
    // A code of this programme is not found under another programme's address, even by that programme's analyst.
    expect((await s.outsider.get(`/programmes/${s.other.id}/analysis/codebook/${barriers}`)).statusCode).toBe(404);
    const edit = `/programmes/${s.other.id}/analysis/codebook/${barriers}/edit`;
    await s.outsider.get(`/programmes/${s.other.id}/analysis/codebook`);
    const res = await s.outsider.post(edit, { _csrf: s.outsider.csrf(), name: 'Hijack', colour: '#005eb8' });
    expect(res.statusCode).toBe(404);
    expect((await s.codeRow(barriers)).name).toBe('Barriers');
  });
});
