import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analysisCoderProgress,
  analysisCodes,
  analysisCodings,
  analysisSources,
  analysisThemeCodes,
  analysisThemeReviews,
  analysisThemes,
} from '../../src/features/analysis/tables';
import { linkTokens } from '../../src/platform/tokens/tables';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';
import { DRIVERS } from '../helpers/database';

describe.each(DRIVERS)('analysis: checking themes with representatives (%s)', (driver) => {
  let t: TestApp;
  let analyst: TestClient;
  let participant: TestClient;
  let programmeId: string;
  let base: string;
  let otherThemeId: string;
  const theme: Record<string, string> = {};
  let reviewLink = '';

  /** A theme from one code, with a quotable and an unquotable note coded by two coders (the agreed set). */
  async function makeTheme(programme: string, name: string, definition: string, coders: string[]) {
    const coderId = coders[0]!;
    const db = t.app.platform.db;
    const [th] = await db.insert(analysisThemes).values({ programmeId: programme, name, definition }).returning();
    const [code] = await db
      .insert(analysisCodes)
      .values({ programmeId: programme, name, createdBy: coderId })
      .returning();
    await db.insert(analysisThemeCodes).values({ themeId: th!.id, codeId: code!.id });
    for (const [text, quotable] of [
      [`${name}: we never get the time`, true],
      [`${name}: my manager Jo says no`, false],
    ] as const) {
      const [s] = await db
        .insert(analysisSources)
        .values({
          programmeId: programme,
          kind: 'workshop-note',
          originId: crypto.randomUUID(),
          title: 'A note',
          text,
          attributes: { area: 'Cancer Care', stakeholderType: 'Educator' },
          contributorKey: crypto.randomUUID(),
          quotable,
        })
        .returning();
      for (const c of coders) {
        await db.insert(analysisCoderProgress).values({ sourceId: s!.id, coderId: c });
        await db
          .insert(analysisCodings)
          .values({ programmeId: programme, sourceId: s!.id, codeId: code!.id, coderId: c });
      }
    }
    return th!.id;
  }

  /** A representative's browser: no account, the review link opened. */
  async function representative() {
    const rep = new TestClient(t.app);
    const opened = await rep.get(reviewLink);
    expect(opened.statusCode).toBe(302);
    expect(opened.headers.location).toBe(`/programmes/${programmeId}/review`);
    return rep;
  }

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const [a, p, b] = await Promise.all([
      buildUser(t.app, { name: 'Ana Lyst' }),
      buildUser(t.app, { name: 'Pat Ticipant' }),
      buildUser(t.app, { name: 'Sec Ond' }),
    ]);
    const programme = await buildProgramme(t.app, {
      members: [
        { userId: a.id, role: 'analyst' },
        { userId: b.id, role: 'analyst' },
        { userId: p.id, role: 'participant' },
      ],
    });
    const other = await buildProgramme(t.app, { members: [{ userId: a.id, role: 'analyst' }] });
    programmeId = programme.id;
    base = `/programmes/${programmeId}/analysis`;
    analyst = new TestClient(t.app);
    await analyst.signIn(a.email, a.password);
    participant = new TestClient(t.app);
    await participant.signIn(p.email, p.password);
    theme.time = await makeTheme(programmeId, 'Protected time', 'Time set aside to learn', [a.id, b.id]);
    theme.rota = await makeTheme(programmeId, 'Rota pressure', 'Rotas leave no slack', [a.id, b.id]);
    theme.unasked = await makeTheme(programmeId, 'Funding', '', [a.id, b.id]);
    otherThemeId = await makeTheme(other.id, 'Elsewhere', '', [a.id, b.id]);
  });
  afterAll(async () => t?.close());

  it('an analyst makes a review link for chosen themes; it is shown once, as a URL and as text to read out', async () => {
    const page = await analyst.get(`${base}/themes`);
    expect(textOf(page.body)).toContain('Ask representatives to check the themes');
    const none = await analyst.submit(`${base}/review`, `${base}/review/links`, { days: '7' });
    expect(none.statusCode).toBe(400);
    expect(textOf(none.body)).toContain('Choose at least one theme for representatives to check');
    const foreign = await analyst.submit(`${base}/review`, `${base}/review/links`, {
      days: '7',
      themeIds: otherThemeId,
    });
    expect(foreign.statusCode).toBe(400);
    expect(textOf(foreign.body)).toContain('Choose themes from the list');

    await analyst.get(`${base}/review`);
    const made = await analyst.post(`${base}/review/links`, {
      _csrf: analyst.csrf(),
      _submission: analyst.hidden('_submission'),
      days: '7',
      themeIds: theme.time,
    });
    expect(made.statusCode).toBe(302);
    const shown = await analyst.get(`${base}/review`);
    const url = /id="review-link">([^<]+)</.exec(shown.body)?.[1] ?? '';
    expect(url).toMatch(/\/review\/[A-Za-z0-9_-]{40,}$/);
    expect(textOf(shown.body)).toContain('in groups of four');
    expect(textOf(shown.body)).toContain('Themes: Protected time');
    const again = await analyst.get(`${base}/review`);
    expect(again.body).not.toContain('id="review-link"');
    reviewLink = new URL(url).pathname;
    // The raw token is nowhere in the database.
    const token = reviewLink.split('/').at(-1)!;
    const stored = await t.app.platform.db.select().from(linkTokens).where(eq(linkTokens.purpose, 'analysis-review'));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('a participant without the link is refused; a bad link gets the link-problem page', async () => {
    expect((await participant.get(`/programmes/${programmeId}/review`)).statusCode).toBe(403);
    expect((await participant.get(`/programmes/${programmeId}/review/themes/${theme.time}`)).statusCode).toBe(403);
    expect((await participant.get(`${base}/review`)).statusCode).toBe(403);
    const anonymous = new TestClient(t.app);
    expect((await anonymous.get(`/programmes/${programmeId}/review`)).statusCode).toBe(302);
    const bad = await anonymous.get('/review/not-a-real-link-at-all-abcdefghijkl');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('This review link is not valid');
    expect((await anonymous.get('/review/x')).statusCode).toBe(400);
  });

  it('a representative says who they are and answers; a comment is needed to refine or disagree; a doubled submit records once', async () => {
    const rep = await representative();
    const start = textOf((await rep.get(`/programmes/${programmeId}/review`)).body);
    expect(start).toContain('Check the themes');
    expect(start).toContain('Protected time');
    expect(start).not.toContain('Rota pressure');
    const wrongArea = await rep.submit(`/programmes/${programmeId}/review`, `/programmes/${programmeId}/review/about`, {
      area: 'Atlantis',
      stakeholderType: 'Clinician',
    });
    expect(wrongArea.statusCode).toBe(400);
    expect(textOf(wrongArea.body)).toContain('Choose an area from the list');
    const about = await rep.submit(`/programmes/${programmeId}/review`, `/programmes/${programmeId}/review/about`, {
      area: 'Cancer Care',
      stakeholderType: 'Clinician',
    });
    expect(about.statusCode).toBe(302);
    const themeUrl = `/programmes/${programmeId}/review/themes/${theme.time}`;
    expect(about.headers.location).toBe(themeUrl);

    const page = textOf((await rep.get(themeUrl)).body);
    expect(page).toContain('Protected time');
    expect(page).toContain('Time set aside to learn');
    expect(page).toContain('Protected time: we never get the time');
    expect(page).not.toContain('Jo says no');

    const bare = await rep.submit(themeUrl, themeUrl, { verdict: 'refine', comment: '  ' });
    expect(bare.statusCode).toBe(400);
    expect(textOf(bare.body)).toContain('Say how the theme should be refined');
    const noVerdict = await rep.submit(themeUrl, themeUrl, { comment: 'Hmm' });
    expect(noVerdict.statusCode).toBe(400);
    expect(textOf(noVerdict.body)).toContain('Choose whether you agree, would refine or disagree');

    await rep.get(themeUrl);
    const form = {
      _csrf: rep.csrf(),
      _submission: rep.hidden('_submission'),
      verdict: 'refine',
      comment: 'Also rota gaps',
    };
    const first = await rep.post(themeUrl, form);
    const second = await rep.post(themeUrl, form);
    expect(first.statusCode).toBe(302);
    expect(second.statusCode).toBe(302);
    expect(first.headers.location).toBe(`/programmes/${programmeId}/review`);
    const rows = await t.app.platform.db
      .select()
      .from(analysisThemeReviews)
      .where(eq(analysisThemeReviews.themeId, theme.time!));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      verdict: 'refine',
      comment: 'Also rota gaps',
      reviewerLabel: 'a clinician in Cancer Care',
    });
    expect(rows[0]!.userId).toBeNull();
    const done = textOf((await rep.get(`/programmes/${programmeId}/review`)).body);
    expect(done).toContain('You have answered 1 of 1');
    expect(done).toContain('your answer: refine');

    // Changing one's answer replaces it.
    const changed = await rep.submit(themeUrl, themeUrl, { verdict: 'agree', comment: '' });
    expect(changed.statusCode).toBe(302);
    const after = await t.app.platform.db
      .select()
      .from(analysisThemeReviews)
      .where(eq(analysisThemeReviews.themeId, theme.time!));
    expect(after.map((r) => r.verdict)).toEqual(['agree']);

    // A second representative, saying nothing about themselves.
    const rep2 = await representative();
    const disagree = await rep2.submit(themeUrl, themeUrl, { verdict: 'disagree', comment: 'Time is not the issue' });
    expect(disagree.statusCode).toBe(302);
  });

  it('another programme’s theme, or a theme not in the link, is not found through it', async () => {
    const rep = await representative();
    expect((await rep.get(`/programmes/${programmeId}/review/themes/${otherThemeId}`)).statusCode).toBe(404);
    expect((await rep.get(`/programmes/${programmeId}/review/themes/${theme.rota}`)).statusCode).toBe(404);
    await rep.get(`/programmes/${programmeId}/review`);
    const posted = await rep.post(`/programmes/${programmeId}/review/themes/${theme.rota}`, {
      _csrf: rep.csrf(),
      verdict: 'agree',
    });
    expect(posted.statusCode).toBe(404);
    // The session is bound to this programme only.
    const other = (
      await t.app.platform.db.select().from(analysisThemes).where(eq(analysisThemes.id, otherThemeId))
    )[0]!;
    expect((await rep.get(`/programmes/${other.programmeId}/review`)).statusCode).toBe(302);
  });

  it('the analysts see the reviews on the theme page; "defined" is refused without reviews and allowed with', async () => {
    const page = textOf((await analyst.get(`${base}/themes/${theme.time}`)).body);
    expect(page).toContain('2 representatives have reviewed this theme: 1 agree, 0 refine, 1 disagree');
    expect(page).toContain('A clinician in Cancer Care');
    expect(page).toContain('A representative');
    expect(page).toContain('“Time is not the issue”');

    const fields = { name: 'Funding', definition: '', memo: '', status: 'defined' };
    const refused = await analyst.submit(
      `${base}/themes/${theme.unasked}/edit`,
      `${base}/themes/${theme.unasked}`,
      fields,
    );
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain(
      'only be marked defined after representatives from the areas have reviewed it',
    );
    expect(textOf(refused.body)).toContain('No representative has reviewed this theme yet');

    const edit = await analyst.get(`${base}/themes/${theme.time}/edit`);
    expect(textOf(edit.body)).toContain('2 reviews are recorded');
    const allowed = await analyst.submit(`${base}/themes/${theme.time}/edit`, `${base}/themes/${theme.time}`, {
      name: 'Protected time',
      definition: 'Time set aside to learn',
      memo: '',
      status: 'defined',
    });
    expect(allowed.statusCode).toBe(302);
    expect(textOf((await analyst.get(`${base}/themes`)).body)).toMatch(/Protected time\s+Defined/);
  });

  it('a stopped link no longer opens, and a representative already in is told it ended', async () => {
    const rep = await representative();
    const page = await analyst.get(`${base}/review`);
    const stop = /action="([^"]+\/stop)"/.exec(page.body)?.[1];
    expect(stop).toBeDefined();
    expect((await analyst.post(stop!, { _csrf: analyst.csrf() })).statusCode).toBe(302);
    expect((await analyst.post(stop!, { _csrf: analyst.csrf() })).statusCode).toBe(404);
    const reopened = await new TestClient(t.app).get(reviewLink);
    expect(reopened.statusCode).toBe(410);
    expect(textOf(reopened.body)).toContain('The analysts have stopped this review link');
    const inside = await rep.get(`/programmes/${programmeId}/review`);
    expect(inside.statusCode).toBe(410);
    expect((await rep.get(`/programmes/${programmeId}/review/themes/${theme.time}`)).statusCode).toBe(410);
  });
});
