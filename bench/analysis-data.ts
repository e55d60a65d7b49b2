import type pg from 'pg';

/*
 * The analysis benchmark's data, written set-based (INSERT … SELECT generate_series) in one transaction: workshop
 * notes in 3 areas × 5 pillars × 6 stakeholder types, a codebook of 5 pillar codes with 8 codes under each, coded by
 * 20 coders (2–4 per note, every (note, coder) marked done), about 10 themes over the codes, and a few adjudications.
 *
 * Note s (0-based) has k = 2 + (s / 3) % 3 coders: coder j (0 ≤ j < k) is coder number (s + 5j) % 20, so the same
 * coder never appears twice on a note. Each coder applies the note's agreed code (whole note for one note in five,
 * otherwise a span, each coder's a code point or two off the others'); the disagreements are one coder's extra code
 * on about one note in ten and two coders' extra code (of three or four) on about one in fifteen; a second span of
 * the agreed code by coder 0 on as many notes as it takes to make exactly `codings` rows. About one disagreement in
 * three is adjudicated (neither, both or keep one coder's).
 */

export interface Shape {
  notes: number;
  codings: number;
  coders: number;
}

export interface Step {
  name: string;
  rows: number;
  ms: number;
}

export const PROGRAMME_NAME = 'Bench analysis programme (100,000 coded segments)';
export const LEAD_EMAIL = 'bench-analysis-lead@waymark.example';
export const coderEmail = (n: number) => `bench-coder-${n}@waymark.example`;

/** A deterministic uuid from a SQL text expression, shaped as RFC 9562 version 4 (see bench/pathway-data.ts). */
const uuidFrom = (key: string) => `overlay(overlay(md5(${key}) placing '4' from 13) placing '8' from 17)::uuid`;
const codeIdOf = (i: string) => uuidFrom(`'wm-bench-code-' || ${i}`);
const themeIdOf = (t: string) => uuidFrom(`'wm-bench-theme-' || ${t}`);

const sqlArray = (values: readonly string[]) =>
  `(array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}])`;
export const AREAS = ['Musculoskeletal', 'Cancer Care', 'Learning Disabilities & Autism'];
export const PILLARS = [
  'Expert clinical practice',
  'Strategic and enabling leadership',
  'Learning, developing and improving across the system',
  'Research and innovation',
  'Consultancy',
];
const STAKEHOLDERS = ['Clinician', 'Educator', 'Manager', 'Patient or citizen', 'Professional body', 'Other'];
const CODE_WORDS = [
  'Protected time',
  'Supervision',
  'Funding',
  'Workload',
  'Culture',
  'Recognition',
  'Skills',
  'Partnerships',
];
const THEMES = [
  'Time is the currency of development',
  'Support from those around you',
  'Money follows priorities',
  'Stretched teams',
  'A culture that lets people grow',
  'Being seen and valued',
  'Building skills on the job',
  'Working across boundaries',
  'Careers that make sense',
  'Consultancy grows from clinical credibility',
];
// Some text with characters beyond ASCII (é, —, “ ”), so spans in code points differ from UTF-16 offsets.
const OPENERS = sqlArray([
  'We need protected time for',
  'The team struggles with',
  'Patients told us about',
  'It would help to have',
  'Our biggest barrier is',
  'Good practice here includes',
  'Managers should support',
  'Think of the café-style drop-in for',
]);
const TOPICS = sqlArray([
  'supervision and mentoring',
  'research capacity',
  'service improvement',
  'leadership development',
  'teaching on the ward',
  'digital records',
  'waiting lists',
  'career progression',
  'peer review',
  'funding for courses',
]);
const TAILS = sqlArray([
  ' — it makes a real difference to care.',
  ' because staff leave when it is missing.',
  ' and this was raised at every table.',
  '; colleagues agreed it matters.',
  ', as one participant put it: “we are stretched”.',
]);

/**
 * The code of pillar `p` for variation `x`: 1 + p × 8 + x mod 8, except that outside the first area the last pillar
 * uses only its first four codes, so the theme of its last four is particular to one area in the cross-area view.
 */
const codeFor = (p: string, x: string) =>
  `(1 + (${p}) * 8 + case when (${p}) = 4 and area <> 0 then (${x}) % 4 else (${x}) % 8 end)`;
const coderOf = (j: string) => `($1::uuid[])[1 + (s + 5 * ${j}) % 20]`;
const codeId = (i: string) => `($2::uuid[])[${i}]`;

/** True when the kept database already holds this shape of data. */
export async function hasData(client: pg.ClientBase, shape: Shape): Promise<boolean> {
  const { rows } = await client.query<{ sources: string; codings: string }>(
    `select (select count(*) from analysis_sources) as sources, (select count(*) from analysis_codings) as codings`,
  );
  return Number(rows[0]!.sources) === shape.notes && Number(rows[0]!.codings) === shape.codings;
}

/** The programme and coders the data belongs to (made by the app's services), by name and email. */
export async function people(client: pg.ClientBase) {
  const { rows } = await client.query<{ programme_id: string; lead_id: string }>(
    `select p.id as programme_id, u.id as lead_id from programmes p, users u where p.name = $1 and u.email = $2`,
    [PROGRAMME_NAME, LEAD_EMAIL],
  );
  return rows[0];
}

/**
 * Writes everything after the programme and its people in one transaction, then VACUUM (ANALYZE); returns each
 * step's row count and time. `coderIds` are the 20 coders in order.
 */
export async function generate(
  client: pg.ClientBase,
  shape: Shape,
  programmeId: string,
  leadId: string,
  coderIds: string[],
): Promise<Step[]> {
  if (coderIds.length !== 20) throw new Error('the data is shaped for exactly 20 coders');
  const steps: Step[] = [];
  const step = async (name: string, text: string, params: unknown[] = []) => {
    const t = performance.now();
    const res = await client.query(text, params);
    steps.push({ name, rows: res.rowCount ?? 0, ms: performance.now() - t });
    return res.rowCount ?? 0;
  };
  const codeIds = Array.from({ length: 40 }, (_, i) => i + 1);
  const ids = async (make: (n: string) => string, n: number[]) =>
    (
      await client.query<{ id: string }>(
        `select ${make('n')} as id from unnest($1::int[]) with ordinality as x(n, o) order by o`,
        [n],
      )
    ).rows.map((r) => r.id);
  const codes = await ids(codeIdOf, codeIds);
  // What every coding statement needs per note: its id, area, pillar, coders, text length and agreed span.
  const notes = `bench_notes`;

  await client.query('begin');
  try {
    await step(
      'notes (temporary)',
      `create temporary table ${notes} on commit drop as
       select s, ${uuidFrom(`'wm-bench-note-' || s`)} as id, s % 3 as area, (s / 3) % 5 as pillar, (s / 15) % 6 as stype,
              2 + (s / 3) % 3 as k, ((s::bigint * 2654435761) % 4294967296 / 65536)::int % 8 as x, s % 5 = 0 as whole,
              t.text, char_length(t.text) as len
       from generate_series(0, ${shape.notes - 1}) s,
            lateral (select ${OPENERS}[1 + s % 8] || ' ' || ${TOPICS}[1 + (s / 8) % 10] || ${TAILS}[1 + (s / 7) % 5] || ' ' ||
                            ${OPENERS}[1 + (s / 5) % 8] || ' ' || ${TOPICS}[1 + (s / 11) % 10] || ${TAILS}[1 + s % 5] as text) t`,
    );
    await client.query(
      `alter table ${notes} add column start0 int, add column end0 int;
       update ${notes} set start0 = (s * 13) % (len - 40), end0 = (s * 13) % (len - 40) + 15 + s % 20;
       analyze ${notes}`,
    );
    await step(
      'analysis_sources',
      `insert into analysis_sources (id, programme_id, kind, origin_id, title, text, attributes, contributor_key, quotable, created_at)
       select id, $1, 'workshop-note', ${uuidFrom(`'wm-bench-origin-' || s`)}, 'Note ' || (s + 1), text,
              jsonb_build_object('workshopId', ${uuidFrom(`'wm-bench-workshop-' || area`)},
                                 'workshop', ${sqlArray(AREAS)}[1 + area] || ' workshop',
                                 'area', ${sqlArray(AREAS)}[1 + area], 'pillar', ${sqlArray(PILLARS)}[1 + pillar],
                                 'activity', 'Barriers and enablers', 'stakeholderType', ${sqlArray(STAKEHOLDERS)}[1 + stype]),
              'bench-' || area || '-' || (s / 3) % 1500, s % 10 <> 7,
              now() - make_interval(mins => ${shape.notes} - s)
       from ${notes}`,
      [programmeId],
    );
    await step(
      'analysis_codes',
      `insert into analysis_codes (id, programme_id, parent_id, name, definition, colour, position, created_by)
       select ${codeIdOf('100 + p')}, $1::uuid, null::uuid, ${sqlArray(PILLARS)}[1 + p], 'Anything about this pillar', '#005eb8', p, $2::uuid
       from generate_series(0, 4) p
       union all
       select ${codeIdOf('i')}, $1, ${codeIdOf('100 + (i - 1) / 8')}, ${sqlArray(CODE_WORDS)}[1 + (i - 1) % 8],
              'When a note talks about this', '#330072', i, $2
       from generate_series(1, 40) i`,
      [programmeId, leadId],
    );
    const agreed = await step(
      'codings: agreed',
      `insert into analysis_codings (programme_id, source_id, code_id, coder_id, start_cp, end_cp)
       select $3::uuid, id, ${codeId(codeFor('pillar', 'x'))}, ${coderOf('j')},
              case when not whole then start0 + j % 2 end, case when not whole then end0 - (j / 2) % 2 end
       from ${notes}, generate_series(0, 3) j where j < k`,
      [coderIds, codes, programmeId],
    );
    const one = await step(
      'codings: one coder extra',
      `insert into analysis_codings (programme_id, source_id, code_id, coder_id, start_cp, end_cp)
       select $3::uuid, id, ${codeId(codeFor('pillar', 'x + 1'))}, ${coderOf('0')}, start0, end0
       from ${notes} where (s / 7) % 10 = 0`,
      [coderIds, codes, programmeId],
    );
    const two = await step(
      'codings: two coders extra',
      `insert into analysis_codings (programme_id, source_id, code_id, coder_id, start_cp, end_cp)
       select $3::uuid, id, ${codeId(codeFor('(pillar + 1) % 5', 'x'))}, ${coderOf('j')}, start0 + 3, end0
       from ${notes}, generate_series(0, 1) j where k >= 3 and (s / 7) % 10 = 5`,
      [coderIds, codes, programmeId],
    );
    const rest = shape.codings - agreed - one - two;
    const spare = Number(
      (await client.query<{ n: string }>(`select count(*) as n from ${notes} where not whole`)).rows[0]!.n,
    );
    if (rest < 0 || rest > spare) throw new Error(`cannot make exactly ${shape.codings} codings (${rest} to add)`);
    await step(
      'codings: second spans',
      `insert into analysis_codings (programme_id, source_id, code_id, coder_id, start_cp, end_cp)
       select $3::uuid, id, ${codeId(codeFor('pillar', 'x'))}, ${coderOf('0')}, end0 + 2, least(len, end0 + 12)
       from ${notes} where not whole order by (s * 7919) % ${shape.notes}, s limit ${rest}`,
      [coderIds, codes, programmeId],
    );
    await step(
      'analysis_coder_progress',
      `insert into analysis_coder_progress (source_id, coder_id, done_at)
       select id, ${coderOf('j')}, now() - make_interval(mins => ${shape.notes} - s) + make_interval(secs => 10 * j)
       from ${notes}, generate_series(0, 3) j where j < k`,
      [coderIds],
    );
    await step(
      'analysis_adjudications',
      `insert into analysis_adjudications (programme_id, source_id, code_id, decision, kept_coder_id, reason, decided_by, decided_at)
       select $3::uuid, id, ${codeId(codeFor('pillar', 'x + 1'))}, case when s % 2 = 0 then 'neither' else 'both' end, null,
              'Discussed at the coding meeting', $4::uuid, now() - make_interval(mins => s % 1000)
       from ${notes} where (s / 7) % 30 = 0
       union all
       select $3::uuid, id, ${codeId(codeFor('(pillar + 1) % 5', 'x'))}, 'keep', ${coderOf('0')},
              'The first coder''s reading fits the definition', $4::uuid, now() - make_interval(mins => s % 1000)
       from ${notes} where k >= 3 and (s / 7) % 30 = 5`,
      [coderIds, codes, programmeId, leadId],
    );
    await step(
      'analysis_themes',
      `insert into analysis_themes (id, programme_id, name, definition, status, created_by)
       select ${themeIdOf('t')}, $1::uuid, ${sqlArray(THEMES)}[t], 'What the notes coded under it share',
              case when t % 3 = 0 then 'reviewed' else 'candidate' end, $2
       from generate_series(1, 10) t`,
      [programmeId, leadId],
    );
    await step(
      'analysis_theme_codes',
      `insert into analysis_theme_codes (theme_id, code_id)
       select ${themeIdOf('t')}, ${codeIdOf('t + 9 * m')} from generate_series(1, 9) t, generate_series(0, 3) m
       union all
       select ${themeIdOf('10')}, ${codeIdOf('i')} from generate_series(37, 40) i`,
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
  // VACUUM as well as ANALYZE, as in bench/pathway-data.ts: visibility map set, statistics fresh.
  const t = performance.now();
  await client.query('vacuum (analyze)');
  steps.push({ name: 'vacuum (analyze)', rows: 0, ms: performance.now() - t });
  return steps;
}

export const COUNTED_TABLES = [
  'analysis_sources',
  'analysis_codes',
  'analysis_codings',
  'analysis_coder_progress',
  'analysis_adjudications',
  'analysis_themes',
  'analysis_theme_codes',
] as const;

export async function tableCounts(client: pg.ClientBase): Promise<Record<string, number>> {
  const { rows } = await client.query<Record<string, string>>(
    `select ${COUNTED_TABLES.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ')}`,
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}
