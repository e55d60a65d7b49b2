/**
 * Delphi analysis at the budget's scale: 1,000 panellists × 300 items ×
 * 3 rounds, 6 stakeholder groups, each round analysed overall and per group
 * with stability against the round before (budget: the whole analysis < 1 s).
 * Baseline: one pass that only reads every rating, in the same process.
 */
import { analyseRound, type Rating } from '../src/stats/delphi';
import { GRADE_9, parseRule } from '../src/stats/consensus';
import { ms, summarise } from './stats';

const PANELLISTS = 1000;
const ITEMS = 300;
const ROUNDS = 3;
const GROUPS = ['clinician', 'educator', 'manager', 'patient-citizen', 'professional-body', 'other'];

let seed = 20261121;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

/** Ratings that drift towards each item's centre round by round, with 3% unable to rate and 10% attrition per round. */
function generate(): Rating[][] {
  const centres = Array.from({ length: ITEMS }, () => 2 + rand() * 7);
  const rounds: Rating[][] = [];
  let previous = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    const ratings: Rating[] = [];
    const next = new Map<string, number>();
    for (let p = 0; p < PANELLISTS; p++) {
      if (round > 0 && rand() < 0.1) continue;
      const group = GROUPS[p % GROUPS.length]!;
      for (let i = 0; i < ITEMS; i++) {
        const key = `${p}:${i}`;
        if (rand() < 0.03) {
          ratings.push({ panellist: `p${p}`, group, item: `item-${i}`, rating: null });
          continue;
        }
        const before = previous.get(key);
        const target =
          before === undefined
            ? centres[i]! + (rand() - 0.5) * 4
            : before + (centres[i]! - before) * 0.5 + (rand() - 0.5);
        const rating = Math.min(9, Math.max(1, Math.round(target)));
        next.set(key, rating);
        ratings.push({ panellist: `p${p}`, group, item: `item-${i}`, rating });
      }
    }
    rounds.push(ratings);
    previous = next;
  }
  return rounds;
}

const rounds = generate();
const total = rounds.reduce((n, r) => n + r.length, 0);
const opts = { rule: parseRule('comet'), scale: GRADE_9, quartiles: 7 as const, byGroup: true };

function full() {
  return rounds.map((r, i) => analyseRound(r, opts, i > 0 ? rounds[i - 1] : undefined));
}
function baseline() {
  let s = 0;
  for (const r of rounds) for (const x of r) s += x.rating ?? 0;
  return s;
}

full();
baseline();
const times: number[] = [];
const baseTimes: number[] = [];
let verdicts = { in: 0, out: 0, none: 0 };
for (let run = 0; run < 7; run++) {
  let t = performance.now();
  const result = full();
  times.push(performance.now() - t);
  verdicts = { in: 0, out: 0, none: 0 };
  for (const i of result[ROUNDS - 1]!.items) verdicts[i.verdict]++;
  t = performance.now();
  baseline();
  baseTimes.push(performance.now() - t);
}
const a = summarise(times);
const b = summarise(baseTimes);
console.log(
  `Delphi analysis: ${PANELLISTS} panellists × ${ITEMS} items × ${ROUNDS} rounds, ${GROUPS.length} groups (${total.toLocaleString('en-GB')} ratings), overall + per group + stability`,
);
console.log(
  `  full analysis: median ${ms(a.p50)}, worst of 7 runs ${ms(a.max)}  (budget 1000 ms: ${a.max < 1000 ? 'within' : 'OVER'})`,
);
console.log(`  baseline (read every rating once): median ${ms(b.p50)}; ratio ×${(a.p50 / b.p50).toFixed(1)}`);
console.log(`  round 3 verdicts: ${verdicts.in} in, ${verdicts.out} out, ${verdicts.none} no consensus`);
