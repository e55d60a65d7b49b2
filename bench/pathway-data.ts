/**
 * The data behind bench/pathway.ts: practitioners following one published
 * framework version, each with a profile, a pathway, self-assessments (with
 * history), evidence linked to statements and a small development plan, plus
 * one cohort run by a supervisor. Every step is one set-based INSERT … SELECT
 * over generate_series inside one transaction, so a million evidence items
 * cost a few statements, not a million round trips; then VACUUM (ANALYZE).
 *
 * Ids are derived from each row's numbers (see `uuidFrom`), so later steps
 * find the rows earlier ones made without temporary tables, and the benchmark
 * can find its people again when the database is kept between runs.
 */
import type pg from 'pg';

export interface Shape {
  practitioners: number;
  /** Evidence items per practitioner. */
  evidenceEach: number;
  cohortSize: number;
}

/** Statement identifiers of the chosen version, per stage the practitioners can be at, and all of them. */
export interface StatementPools {
  transition: string[];
  'years-1-3': string[];
  'years-3-5': string[];
  all: string[];
}

export interface Step {
  name: string;
  rows: number;
  ms: number;
}

export const practitionerEmail = (n: number) => `bench-practitioner-${n}@waymark.example`;
export const COHORT_OWNER_EMAIL = 'bench-cohort-owner@waymark.example';
export const COHORT_NAME = 'Bench cohort (500 practitioners)';

/**
 * A deterministic uuid from a SQL text expression, shaped as RFC 9562 version 4
 * (version nibble 4, variant 8) so the app's `z.uuid()` checks accept it in URLs.
 */
const uuidFrom = (key: string) => `overlay(overlay(md5(${key}) placing '4' from 13) placing '8' from 17)::uuid`;
const userIdOf = (n: string) => uuidFrom(`'wm-bench-user-' || ${n}`);
const pathwayIdOf = (n: string) => uuidFrom(`'wm-bench-pathway-' || ${n}`);
const evidenceIdOf = (n: string, e: string) => uuidFrom(`'wm-bench-evidence-' || ${n} || '-' || ${e}`);
const goalIdOf = (n: string, g: string) => uuidFrom(`'wm-bench-goal-' || ${n} || '-' || ${g}`);
const OWNER_ID = uuidFrom(`'wm-bench-cohort-owner'`);
export const COHORT_ID_SQL = uuidFrom(`'wm-bench-cohort'`);

/**
 * Practitioner n's stage is n % 3: 0 has no consultant post yet (transition),
 * 1 started under three years ago (years 1–3), 2 three to five years ago (years 3–5).
 * The statement pools arrive as parameters $1–$4 of every statement that uses them.
 */
const STAGE_POOL = `(case n % 3 when 0 then $1::uuid[] when 1 then $2::uuid[] else $3::uuid[] end)`;
const ALL_POOL = `($4::uuid[])`;
const pick = (pool: string, index: string) => `${pool}[1 + (${index}) % cardinality(${pool})]`;

const sqlArray = (values: readonly string[]) =>
  `(array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}])`;
const KINDS = sqlArray([
  'practice-episode',
  'improvement',
  'knowledge-translation',
  'inquiry',
  'innovation',
  'teaching',
  'leadership',
  'experiential',
  'reflection',
]);
const TITLES = sqlArray([
  'Complex case review with the multidisciplinary team',
  'Redesign of the referral pathway',
  'Teaching session for advanced practitioners',
  'Audit of waiting times against the standard',
  'Regional network presentation',
  'Service evaluation with patient feedback',
  'Mentoring a trainee through their first year',
  'Business case for a new clinic',
  'Journal club on recent evidence',
  'Placement in a neighbouring trust',
]);
// draft 20 %, submitted 20 %, confirmed 50 %, returned 10 %.
const STATUSES = sqlArray([
  'draft',
  'draft',
  'submitted',
  'submitted',
  'confirmed',
  'confirmed',
  'confirmed',
  'confirmed',
  'confirmed',
  'returned',
]);
const TEMPLATES = sqlArray(['none', 'gibbs', 'what-so-what']);
const LEVELS = sqlArray(['not-yet', 'developing', 'confident', 'evidenced']);
const GOAL_STATUSES = sqlArray(['not-started', 'in-progress', 'done']);
const FIRST = sqlArray([
  'Aisha',
  'Ben',
  'Chloe',
  'Dev',
  'Ellen',
  'Femi',
  'Grace',
  'Hamza',
  'Isla',
  'Jon',
  'Kiran',
  'Lucy',
  'Marek',
  'Nia',
  'Owen',
  'Priya',
  'Rhys',
  'Sara',
  'Tomasz',
  'Uma',
]);
const LAST = sqlArray([
  'Ahmed',
  'Brown',
  'Clarke',
  'Davies',
  'Evans',
  'Fraser',
  'Green',
  'Hughes',
  'Iqbal',
  'Jones',
  'Khan',
  'Lewis',
  'Morgan',
  'Nowak',
  'Okafor',
  'Patel',
  'Roberts',
  'Singh',
  'Taylor',
  'Walsh',
  'Young',
]);
const PROFESSIONS = sqlArray([
  'Advanced clinical practitioner',
  'Nurse consultant',
  'Consultant physiotherapist',
  'Consultant pharmacist',
  'Consultant radiographer',
  'Consultant midwife',
  'Consultant paramedic',
  'Clinical scientist',
]);
const AREAS = sqlArray(['Musculoskeletal', 'Cancer Care', 'Learning Disabilities & Autism']);

/** True when the kept database already holds this shape of data. */
export async function hasData(client: pg.ClientBase, shape: Shape): Promise<boolean> {
  const { rows } = await client.query<{ practitioners: string; evidence: string; cohort: boolean }>(
    `select (select count(*) from users where email like 'bench-practitioner-%') as practitioners,
            (select count(*) from evidence) as evidence,
            exists (select 1 from pathway_groups where id = ${COHORT_ID_SQL}) as cohort`,
  );
  const r = rows[0]!;
  return (
    Number(r.practitioners) === shape.practitioners &&
    Number(r.evidence) >= shape.practitioners * shape.evidenceEach &&
    r.cohort
  );
}

/** Generates everything in one transaction and returns each step's row count and time. */
export async function generate(
  client: pg.ClientBase,
  shape: Shape,
  versionId: string,
  pools: StatementPools,
  passwordHash: string,
): Promise<Step[]> {
  const { practitioners: P, evidenceEach: E, cohortSize: C } = shape;
  if (P % C !== 0) throw new Error('the practitioner count must be a multiple of the cohort size');
  const poolParams = [pools.transition, pools['years-1-3'], pools['years-3-5'], pools.all];
  for (const [i, pool] of poolParams.entries())
    if (pool.length < 3) throw new Error(`statement pool ${i + 1} has fewer than 3 statements`);
  const stagePools = poolParams.slice(0, 3);
  const steps: Step[] = [];
  const step = async (name: string, text: string, params: unknown[] = poolParams) => {
    const t = performance.now();
    const res = await client.query(text, params);
    steps.push({ name, rows: res.rowCount ?? 0, ms: performance.now() - t });
  };
  const people = `generate_series(1, ${P}) n`;

  await client.query('begin');
  try {
    await step(
      'users',
      `insert into users (id, email, name, password_hash, profession, organisation, created_at, updated_at)
       select ${userIdOf('n')}, 'bench-practitioner-' || n || '@waymark.example',
              ${FIRST}[1 + n % 20] || ' ' || ${LAST}[1 + (n / 20) % 21] || ' ' || n,
              $1, ${PROFESSIONS}[1 + n % 8], 'Bench NHS Trust ' || (1 + n % 40),
              now() - make_interval(days => 1900 + n % 300), now() - make_interval(days => n % 300)
       from ${people}`,
      [passwordHash],
    );
    await step(
      'user_roles',
      `insert into user_roles (user_id, role) select ${userIdOf('n')}, 'practitioner' from ${people}`,
      [],
    );
    await step(
      'practitioner_profiles',
      `insert into practitioner_profiles (user_id, profession, registration, clinical_area, current_post, employer, consultant_post_start)
       select ${userIdOf('n')}, ${PROFESSIONS}[1 + n % 8], 'REG' || lpad(n::text, 7, '0'), ${AREAS}[1 + n % 3],
              case n % 3 when 0 then 'Advanced practitioner' else 'Consultant practitioner' end, 'Bench NHS Trust ' || (1 + n % 40),
              case n % 3 when 0 then null when 1 then current_date - (30 + n % 1000) else current_date - (1100 + n % 700) end
       from ${people}`,
      [],
    );
    await step(
      'pathways',
      `insert into pathways (id, user_id, framework_version_id, created_at)
       select ${pathwayIdOf('n')}, ${userIdOf('n')}, $1, now() - make_interval(days => 1500 + n % 300) from ${people}`,
      [versionId],
    );
    // Two or three assessment moments each, over five to eight statements of their stage, improving over time.
    await step(
      'self_assessments',
      `insert into self_assessments (pathway_id, statement_identifier, level, created_at)
       select ${pathwayIdOf('n')}, ${pick(STAGE_POOL, 'n + j')},
              ${LEVELS}[least(4, 1 + (n + j) % 3 + m - 1)],
              now() - make_interval(days => 20 + (3 - m) * 120 + n % 30)
       from ${people}, generate_series(1, 2 + n % 2) m, generate_series(1, least(5 + n % 4, cardinality(${STAGE_POOL}))) j`,
      stagePools,
    );
    await step(
      'evidence',
      `insert into evidence (id, pathway_id, kind, title, occurred_on, reflection, template, status, created_at, updated_at)
       select ${evidenceIdOf('n', 'e')}, ${pathwayIdOf('n')}, ${KINDS}[1 + (n * 7 + e * 3) % 9],
              ${TITLES}[1 + (n + e * 3) % 10], d,
              'What happened? ' || repeat('A sentence about what I did, why, and what changed for the people in my care. ', 2 + (n + e) % 6),
              ${TEMPLATES}[1 + (n + e) % 3], ${STATUSES}[1 + (n * 3 + e * 7) % 10],
              c, c + make_interval(days => (n + e) % 4)
       from ${people}, generate_series(1, ${E}) e,
            lateral (select current_date - (10 + (n * 31 + e * 17) % 1400) as d) o,
            lateral (select (o.d + 1 + (n + e) % 5)::timestamptz + make_interval(secs => (n * 37 + e * 101) % 86400) as c) t`,
      [],
    );
    // One to three statements each: four in five from the practitioner's own stage, the rest from anywhere in the framework.
    await step(
      'evidence_links',
      `insert into evidence_links (evidence_id, statement_identifier, pathway_id, reason, created_at)
       select ${evidenceIdOf('n', 'e')},
              case when (n + e) % 5 = 0 then ${pick(ALL_POOL, 'n * 13 + e * 7 + k')} else ${pick(STAGE_POOL, 'n * 13 + e * 7 + k')} end,
              ${pathwayIdOf('n')},
              'Shows this statement in practice', now() - make_interval(days => (n * 31 + e * 17) % 1400)
       from ${people}, generate_series(1, ${E}) e, generate_series(1, 1 + (n * 5 + e) % 3) k`,
    );
    await step(
      'plan_goals',
      `insert into plan_goals (id, pathway_id, statement_identifier, title, status, target_on)
       select ${goalIdOf('n', 'g')}, ${pathwayIdOf('n')}, ${pick(STAGE_POOL, 'n + g * 2')}, 'Develop ' || ${TITLES}[1 + (n + g) % 10],
              ${GOAL_STATUSES}[1 + (n + g) % 3], current_date + ((n * 7 + g * 90) % 365) - 60
       from ${people}, generate_series(1, 2) g`,
      stagePools,
    );
    // Past-due open actions are marked as reminded, so a job runner pointed at a kept database emails nobody.
    await step(
      'plan_actions',
      `insert into plan_actions (goal_id, text, due_on, done, reminded_at)
       select ${goalIdOf('n', 'g')}, 'Action ' || a || ' towards goal ' || g, due, done, case when not done and due < current_date then now() end
       from ${people}, generate_series(1, 2) g, generate_series(1, 2) a,
            lateral (select current_date + ((n * 11 + g * 3 + a * 17) % 200) - 100 as due, (n + g + a) % 3 = 0 as done) x`,
      [],
    );
    await step(
      'cohort owner',
      `with u as (
         insert into users (id, email, name, password_hash, profession, organisation)
         values (${OWNER_ID}, '${COHORT_OWNER_EMAIL}', 'Cohort Owner', $1, 'Consultant nurse educator', 'Bench NHS Trust 1') returning id)
       insert into user_roles (user_id, role) select id, 'supervisor' from u`,
      [passwordHash],
    );
    await step(
      'pathway_groups',
      `insert into pathway_groups (id, kind, name, framework_version_id, owner_id) values (${COHORT_ID_SQL}, 'cohort', '${COHORT_NAME}', $1, ${OWNER_ID})`,
      [versionId],
    );
    await step(
      'group_members',
      `insert into group_members (group_id, user_id, created_at, accepted_at)
       select ${COHORT_ID_SQL}, ${userIdOf('n')}, now() - interval '60 days', now() - interval '59 days' + make_interval(secs => n)
       from generate_series(${P / C}, ${P}, ${P / C}) n`,
      [],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
  // VACUUM as well as ANALYZE: a live database's tables have been vacuumed (visibility map set, so index-only
  // scans work), and the results should not depend on whether autovacuum (off on some servers) has got round to it.
  const t = performance.now();
  await client.query('vacuum (analyze)');
  steps.push({ name: 'vacuum (analyze)', rows: 0, ms: performance.now() - t });
  return steps;
}

export const COUNTED_TABLES = [
  'users',
  'user_roles',
  'practitioner_profiles',
  'pathways',
  'self_assessments',
  'evidence',
  'evidence_links',
  'plan_goals',
  'plan_actions',
  'pathway_groups',
  'group_members',
] as const;

export async function tableCounts(client: pg.ClientBase): Promise<Record<string, number>> {
  const { rows } = await client.query<Record<string, string>>(
    `select ${COUNTED_TABLES.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ')}`,
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}

/** The signed-in practitioners' ids and pathways, by their numbers. */
export async function practitionersByNumber(client: pg.ClientBase, numbers: number[]) {
  const { rows } = await client.query<{ n: number; user_id: string; pathway_id: string; email: string }>(
    `select n, u.id as user_id, p.id as pathway_id, u.email
     from unnest($1::int[]) n join users u on u.email = 'bench-practitioner-' || n || '@waymark.example' join pathways p on p.user_id = u.id
     order by n`,
    [numbers],
  );
  return rows;
}

export async function cohortId(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ id: string }>(`select ${COHORT_ID_SQL} as id`);
  return rows[0]!.id;
}
