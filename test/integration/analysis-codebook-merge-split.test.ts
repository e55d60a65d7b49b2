import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { textOf } from '../helpers/client';
import { countRows } from '../helpers/factories';
import { setUpCodebook } from './analysis-codebook-scene';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';

describe.each(DRIVERS)('analysis: the codebook, merging and splitting codes (%s)', (driver) => {
  let s: Awaited<ReturnType<typeof setUpCodebook>>;
  let target: string;
  let workload: string;
  let staffing: string;
  let agency: string;
  let coderB: string;

  beforeAll(async () => {
    s = await setUpCodebook(driver);
    coderB = s.outsiderUser.id;
    // Target "Pressures"; "Workload" and "Staffing" (with a sub-code "Agency staff") to be merged into it.
    target = await s.addCode('Pressures');
    workload = await s.addCode('Workload');
    staffing = await s.addCode('Staffing');
    agency = await s.addCode('Agency staff', staffing);
    const note = await s.addSource('Rotas are short and we rely on agency nurses ✨');
    const other = await s.addSource('Too much paperwork');
    await s.code(target, note, s.analystUser.id, [0, 17]);
    await s.code(workload, note, s.analystUser.id, [0, 17]); // the same text by the same coder: folded
    await s.code(workload, note, coderB, [0, 17]); // another coder: moves
    await s.code(workload, other, s.analystUser.id);
    await s.code(staffing, note, s.analystUser.id, [22, 47]);
  });
  afterAll(async () => s?.t.close());

  const mergeUrl = () => `${s.base}/merge`;

  it('refuses a merge with nothing ticked, into one of the ticked codes, or into a code’s own sub-code', async () => {
    const before = await s.codes();
    const none = await s.analyst.submit(mergeUrl(), mergeUrl(), { targetId: target });
    expect(none.statusCode).toBe(400);
    expect(textOf(none.body)).toContain('Choose at least one code to merge');
    expect(none.body).toContain('href="#codeIds"');
    const noTarget = await s.analyst.submit(mergeUrl(), mergeUrl(), { codeIds: workload, targetId: '' });
    expect(textOf(noTarget.body)).toContain('Choose the code to merge into');
    const self = await s.analyst.submit(mergeUrl(), mergeUrl(), { codeIds: target, targetId: target });
    expect(self.statusCode).toBe(400);
    expect(textOf(self.body)).toContain('Do not tick the code you are merging into');
    const down = await s.analyst.submit(mergeUrl(), `${mergeUrl()}/confirm`, { codeIds: staffing, targetId: agency });
    expect(down.statusCode).toBe(400);
    expect(textOf(down.body)).toContain('A code cannot be merged into one of its own sub-codes');
    expect(await s.codes()).toEqual(before);
  });

  it('shows how many codings will move before merging, and changes nothing until confirmed', async () => {
    const page = await s.analyst.get(`${mergeUrl()}?code=${workload}`);
    expect(page.body).toMatch(new RegExp(`value="${workload}"[^>]*checked`));
    const codingsBefore = await countRows(s.t.app, 'analysis_codings');
    const res = await s.analyst.submit(`${mergeUrl()}?code=${workload}`, mergeUrl(), {
      codeIds: workload,
      targetId: target,
    });
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('Check before merging into “Pressures”');
    expect(text).toContain('3 codings will move to “Pressures”');
    expect(text).toContain('1 of them marks the same text by the same coder as a coding already there');
    expect(text).toContain('0 sub-codes will move');
    expect((await s.codeRow(workload)).mergedIntoId).toBeNull();
    expect(await countRows(s.t.app, 'analysis_codings')).toBe(codingsBefore);
  });

  it('merges: the target survives, codings follow it, sub-codes move under it, and the history is kept', async () => {
    await s.analyst.get(mergeUrl());
    const key = s.analyst.hidden('_submission')!;
    const body = new URLSearchParams([
      ['_csrf', s.analyst.csrf()],
      ['_submission', key],
      ['codeIds', workload],
      ['codeIds', staffing],
      ['targetId', target],
    ]).toString();
    const post = (url: string) =>
      s.t.app.inject({
        method: 'POST',
        url,
        payload: body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: [...s.analyst.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
    const confirm = await post(mergeUrl());
    expect(textOf(confirm.body)).toContain('4 codings will move to “Pressures”');
    expect(textOf(confirm.body)).toContain('1 sub-code will move under “Pressures”');
    expect(confirm.body).toContain(`name="_submission" value="${key}"`);
    // Confirmed twice (a double click): merged once.
    const [a, b] = await Promise.all([post(`${mergeUrl()}/confirm`), post(`${mergeUrl()}/confirm`)]);
    expect(a.statusCode).toBe(302);
    expect(b.headers.location).toBe(a.headers.location);
    expect(a.headers.location).toBe(`${s.base}/${target}`);

    expect((await s.codeRow(workload)).mergedIntoId).toBe(target);
    expect((await s.codeRow(staffing)).mergedIntoId).toBe(target);
    expect((await s.codeRow(agency)).parentId).toBe(target);
    expect(await s.codingsOf(workload)).toEqual([]);
    expect(await s.codingsOf(staffing)).toEqual([]);
    const onTarget = await s.codingsOf(target);
    expect(onTarget).toHaveLength(4);
    expect(onTarget.filter((c) => c.coderId === coderB)).toHaveLength(1);

    const targetEvents = (await s.events(target)).filter((e) => e.action === 'merge');
    expect(targetEvents).toHaveLength(1);
    expect(targetEvents[0]!.details).toMatchObject({
      merged: [
        { id: workload, name: 'Workload' },
        { id: staffing, name: 'Staffing' },
      ],
      subCodesMoved: [agency],
    });
    expect((targetEvents[0]!.details as { codingsMoved: string[] }).codingsMoved).toHaveLength(3);
    expect((targetEvents[0]!.details as { codingsFolded: unknown[] }).codingsFolded).toHaveLength(1);
    const mergedEvent = (await s.events(workload)).find((e) => e.action === 'merge')!;
    expect(mergedEvent).toMatchObject({ actorId: s.analystUser.id, details: { into: target, intoName: 'Pressures' } });

    const targetPage = textOf((await s.analyst.get(`${s.base}/${target}`)).body);
    expect(targetPage).toContain('“Workload”, “Staffing” merged into this code: 3 codings moved here');
    expect(targetPage).toMatch(/Merged into this code: Workload ?, Staffing/);
    const mergedPage = await s.analyst.get(`${s.base}/${workload}`);
    expect(mergedPage.statusCode).toBe(200);
    expect(textOf(mergedPage.body)).toContain('This code was merged into Pressures');
    expect(textOf(mergedPage.body)).toContain('Merged into “Pressures”: 3 codings moved there');
    expect(textOf(mergedPage.body)).not.toContain('Edit or rename');
    expect((await s.analyst.get(`${s.base}/${workload}/edit`)).statusCode).toBe(404);
    const tree = textOf((await s.analyst.get(s.base)).body);
    expect(tree).not.toContain('Workload');
    // Blind coding: the tree counts the analyst's own three; coder B's is hidden until the analyst marks its source done.
    expect(tree).toContain('Pressures (colour: Green) – 3 codings');
    const bSource = onTarget.find((c) => c.coderId === coderB)!.sourceId;
    await s.t.app.services.analysis.setDone(s.programme.id, bSource, s.analystUser.id, true, SYSTEM_CONTEXT);
    expect(textOf((await s.analyst.get(s.base)).body)).toContain('Pressures (colour: Green) – 4 codings');
    // The merged code's name is free again at the top level.
    await s.addCode('Workload');
  });

  it('a memo on a merged code is shown on the code it was merged into', async () => {
    const url = `${s.base}/${staffing}`;
    await s.analyst.submit(url, `${url}/memos`, { text: 'Written before the merge' });
    const page = textOf((await s.analyst.get(`${s.base}/${target}`)).body);
    expect(page).toContain('Written before the merge');
    expect(page).toContain('written on “Staffing”, since merged here');
  });

  it('splits a code: it becomes the first name and keeps its codings; the others are new codes beside it', async () => {
    const url = `${s.base}/${target}/split`;
    const form = await s.analyst.get(url);
    expect(textOf(form.body)).toContain('Pressures');
    const res = await s.analyst.submit(url, url, {
      names: 'Service pressures\r\nStaff shortages\n\nWorkload pressures\n',
    });
    expect(res.statusCode).toBe(302);
    expect((await s.codeRow(target)).name).toBe('Service pressures');
    expect(await s.codingsOf(target)).toHaveLength(4);
    const [shortages] = await s.liveNamed('Staff shortages');
    const [pressures] = await s.liveNamed('Workload pressures');
    expect(shortages).toMatchObject({ parentId: null, colour: '#007f3b' });
    expect(await s.codingsOf(shortages!.id)).toEqual([]);
    expect(pressures!.position).toBe(shortages!.position + 1);
    expect((await s.codeRow(target)).position).toBe(shortages!.position - 1);
    expect((await s.codeRow(agency)).parentId).toBe(target);
    const split = (await s.events(target)).find((e) => e.action === 'split')!;
    expect(split.details).toMatchObject({ from: 'Pressures', to: 'Service pressures' });
    expect((await s.events(shortages!.id))[0]).toMatchObject({ action: 'split', details: { from: target } });
    const page = textOf((await s.analyst.get(`${s.base}/${target}`)).body);
    expect(page).toContain(
      'Split: this code became “Service pressures”, and “Staff shortages”, “Workload pressures” were made',
    );
    const made = textOf((await s.analyst.get(`${s.base}/${shortages!.id}`)).body);
    expect(made).toContain('Made by splitting “Pressures”');
  });

  it.each([
    ['Only one', 'Enter at least two names, one per line'],
    ['Same\nsame', 'Each name must be different'],
    ['Service pressures\nWorkload', 'There is already a top-level code called “Workload”'],
  ])('refuses a split into %j and changes nothing', async (names, message) => {
    const url = `${s.base}/${target}/split`;
    const before = await s.codes();
    const res = await s.analyst.submit(url, url, { names });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain(message);
    expect(res.body).toContain('href="#names"');
    expect(await s.codes()).toEqual(before);
  });

  it('a participant and another programme’s analyst can neither merge nor split', async () => {
    const before = await s.codes();
    for (const c of [s.participant, s.outsider]) {
      await c.get('/account');
      const merge = await c.post(`${mergeUrl()}/confirm`, { _csrf: c.csrf(), codeIds: agency, targetId: target });
      expect(merge.statusCode).toBe(403);
      const split = await c.post(`${s.base}/${target}/split`, { _csrf: c.csrf(), names: 'A\nB' });
      expect(split.statusCode).toBe(403);
      expect((await c.get(mergeUrl())).statusCode).toBe(403);
    }
    expect(await s.codes()).toEqual(before);
  });
});
