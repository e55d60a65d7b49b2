/**
 * Suggested codes at scale: times suggestGroups (TF-IDF, cosine, average-linkage clustering of a 2,500-note
 * sample, the rest joined to the nearest group) on 5,000 and 30,000 short synthetic workshop notes written from
 * eight themes with shared filler words. Prints time, the process's peak memory, groups found and how pure they are (the share
 * of each group's notes that came from its main theme). No database. Run: `npx tsx bench/suggest.ts`;
 * BENCH_SIZES=5000,30000 chooses the sizes.
 */
import { suggestGroups, type SuggestNote } from '../src/features/analysis/suggest';

const THEMES: string[][] = [
  ['supervision', 'supervisor', 'protected', 'time', 'clinical', 'regular', 'sessions', 'reflective'],
  ['funding', 'budget', 'money', 'backfill', 'posts', 'commissioners', 'salary', 'cost'],
  ['career', 'progression', 'pathway', 'consultant', 'promotion', 'banding', 'recognition', 'role'],
  ['research', 'publication', 'audit', 'evidence', 'doctorate', 'grant', 'academic', 'study'],
  ['leadership', 'strategic', 'influence', 'board', 'vision', 'enabling', 'culture', 'change'],
  ['education', 'teaching', 'students', 'curriculum', 'university', 'modules', 'training', 'learning'],
  ['workload', 'staffing', 'pressure', 'burnout', 'rota', 'shifts', 'vacancies', 'wellbeing'],
  ['digital', 'records', 'systems', 'software', 'data', 'technology', 'online', 'access'],
];
const FILLER = ['team', 'service', 'patients', 'trust', 'staff', 'practice', 'area', 'people', 'work', 'needs'];

/** A small deterministic generator (mulberry32), so every run sees the same notes. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeNotes(count: number): { notes: SuggestNote[]; theme: Map<string, number> } {
  const rnd = random(count);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)]!;
  const notes: SuggestNote[] = [];
  const theme = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const t = Math.floor(rnd() * THEMES.length);
    const words = [pick(THEMES[t]!), pick(THEMES[t]!), pick(THEMES[t]!), pick(FILLER), pick(FILLER)];
    const id = `note-${String(i).padStart(6, '0')}`;
    notes.push({ id, text: `We think the ${words.join(' and the ')} would really help.` });
    theme.set(id, t);
  }
  return { notes, theme };
}

const sizes = (process.env.BENCH_SIZES ?? '5000,30000').split(',').map(Number);
for (const size of sizes) {
  const { notes, theme } = makeNotes(size);
  const started = performance.now();
  const result = suggestGroups(notes);
  const elapsed = performance.now() - started;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  let pure = 0;
  for (const group of result.groups) {
    const counts = new Map<number, number>();
    for (const id of group.noteIds) counts.set(theme.get(id)!, (counts.get(theme.get(id)!) ?? 0) + 1);
    pure += Math.max(...counts.values());
  }
  const grouped = result.groups.reduce((n, g) => n + g.noteIds.length, 0);
  console.log(
    `${size} notes: ${elapsed.toFixed(0)} ms, peak RSS ${peakMb.toFixed(0)} MB, ` +
      `clustered ${result.clustered}, ${result.groups.length} groups holding ${grouped} notes ` +
      `(${((100 * pure) / Math.max(grouped, 1)).toFixed(1)}% pure), ${result.unassigned.length} unassigned`,
  );
  for (const group of result.groups.slice(0, 10)) {
    console.log(`  ${group.noteIds.length} notes, cohesion ${group.cohesion}: ${group.keyTerms.join(', ')}`);
  }
}
