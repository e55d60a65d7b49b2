/**
 * Suggested codes: notes grouped automatically, on this machine, with no network and no model.
 *
 * Notes are tokenised (lower case, letters including accented and Welsh ones, English stop words dropped, plurals
 * folded), weighted by TF-IDF, compared by cosine similarity and grouped by agglomerative clustering with average
 * linkage (UPGMA), cut where the average similarity between two groups falls below a threshold. Each group comes
 * with its key terms (the heaviest terms of its centroid) and its most typical notes (nearest the centroid).
 * Everything is deterministic: notes are taken in id order and every tie is broken by id (or by term).
 *
 * Why by hand: no well-kept npm package does both parts. `natural` has TF-IDF but no clustering; `ml-hclust`
 * clusters from a full distance matrix (O(n²) memory for all 30,000 notes, ~3.6 GB) with no threshold-and-cap
 * cut; `hac` is unmaintained and needs unpublished modules. The whole method is ~250 lines and easy to test.
 *
 * Scale: average linkage needs every pairwise similarity, O(n²) memory. Up to `sampleSize` notes (default 2,500,
 * ~25 MB) are clustered directly with the nearest-neighbour-chain algorithm (O(n²) time). Past that, a
 * deterministic sample of that size (the notes whose ids hash lowest) is clustered, and every other note joins the
 * group whose average similarity to it is highest if that passes the same threshold — for unit vectors the
 * average similarity to a group is the dot product with the group's mean vector, so the rule is the one average
 * linkage itself applies. `bench/suggest.ts` measures 5,000 and 30,000 notes.
 */

/** The most notes ever clustered directly: 5,000 need 12.5 million similarities, ~100 MB. */
const MAX_SAMPLE = 5000;

export interface SuggestNote {
  id: string;
  text: string;
}

export interface SuggestOptions {
  /** Two groups merge while their average cosine similarity is at least this (0–1). Default 0.12. */
  threshold?: number;
  /** At most this many groups, the largest first. Default 20. */
  maxGroups?: number;
  /** Smallest group worth suggesting. Default 2. */
  minGroupSize?: number;
  /** Notes clustered directly; more are sampled (see above). Default 2,500, at most 5,000 (~100 MB). */
  sampleSize?: number;
  /** Key terms per group. Default 5. */
  keyTerms?: number;
  /** Example notes per group. Default 3. */
  examples?: number;
}

export interface SuggestedGroup {
  /** The heaviest terms of the group's centroid, most telling first (most common spelling of each). */
  keyTerms: string[];
  /** Member note ids, in id order. */
  noteIds: string[];
  /** The notes nearest the centroid, nearest first. */
  exampleIds: string[];
  /** Average similarity of the members to the group (0–1): how tight it is. */
  cohesion: number;
}

export interface SuggestResult {
  groups: SuggestedGroup[];
  /** Notes in no suggested group (too unlike the others, only stop words, or in a group past maxGroups). */
  unassigned: string[];
  /** How many notes were clustered directly (the rest, if any, joined by nearest group). */
  clustered: number;
}

/** English words too common to tell notes apart, plus workshop filler; written for Waymark. */
const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below
  between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each etc
  even ever every few for from further get gets getting got had hadn't has hasn't have haven't having he he'd he'll
  he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it
  it's its itself just let's like lot lots made make many may me might more most much must mustn't my myself need
  no nor not now of off often on once one only or other others ought our ours ourselves out over own per quite
  rather really same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs
  them themselves then there there's these they they'd they'll they're they've thing things think this those
  though through to too under until up upon us use used using very via was wasn't way we we'd we'll we're we've
  well were weren't what what's when when's where where's whether which while who who's whom why why's will with
  within without won't would wouldn't yes yet you you'd you'll you're you've your yours yourself yourselves`.split(
    /\s+/,
  ),
);

const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;

/** A plural folded to its singular, so "patients" and "patient" count as one term. */
function fold(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is|ys)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The terms of a text: lower-cased words of two letters or more, stop words dropped, possessives cut. */
export function tokenise(text: string): string[] {
  const out: string[] = [];
  for (const match of text.normalize('NFC').toLocaleLowerCase('en-GB').matchAll(WORD)) {
    let word = match[0].replace(/’/g, "'");
    if (STOP_WORDS.has(word)) continue;
    if (word.endsWith("'s")) word = word.slice(0, -2);
    if ([...word].length < 2 || STOP_WORDS.has(word)) continue;
    out.push(word);
  }
  return out;
}

/** A sparse unit vector: term ids ascending, with weights. */
interface Vec {
  terms: Int32Array;
  weights: Float64Array;
}

function dotDense(v: Vec, dense: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.terms.length; k++) s += v.weights[k]! * dense[v.terms[k]!]!;
  return s;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** TF-IDF unit vectors (sublinear tf, smoothed idf) and the vocabulary with each term's most common spelling. */
function vectorise(notes: SuggestNote[]): { vectors: Vec[]; labels: string[] } {
  const ids = new Map<string, number>();
  const spellings: Map<string, number>[] = [];
  const df: number[] = [];
  const counted = notes.map((note) => {
    const counts = new Map<number, number>();
    for (const word of tokenise(note.text)) {
      const key = fold(word);
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
        spellings.push(new Map());
        df.push(0);
      }
      const spelt = spellings[id]!;
      spelt.set(word, (spelt.get(word) ?? 0) + 1);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of counts.keys()) df[id]!++;
    return counts;
  });
  const n = notes.length;
  const vectors = counted.map((counts) => {
    const terms = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
    const weights = Float64Array.from(
      terms,
      (t) => (1 + Math.log(counts.get(t)!)) * (Math.log((1 + n) / (1 + df[t]!)) + 1),
    );
    let norm = 0;
    for (const w of weights) norm += w * w;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < weights.length; k++) weights[k]! /= norm;
    return { terms, weights };
  });
  const labels = spellings.map((spelt) => [...spelt].sort((a, b) => b[1] - a[1] || byId(a[0], b[0]))[0]![0]);
  return { vectors, labels };
}

/** Condensed index of the pair (i, j), i < j, in an n×n upper triangle. */
function pair(n: number, i: number, j: number): number {
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

/** All pairwise cosine similarities through an inverted index (sparse vectors: only shared terms cost). */
function similarities(vectors: Vec[], vocabulary: number): Float64Array {
  const n = vectors.length;
  const sims = new Float64Array((n * (n - 1)) / 2);
  const postings: number[][] = Array.from({ length: vocabulary }, () => []);
  const postingWeights: number[][] = Array.from({ length: vocabulary }, () => []);
  const row = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const v = vectors[i]!;
    for (let k = 0; k < v.terms.length; k++) {
      const w = v.weights[k]!;
      const js = postings[v.terms[k]!]!;
      const ws = postingWeights[v.terms[k]!]!;
      for (let p = 0; p < js.length; p++) row[js[p]!]! += w * ws[p]!;
    }
    for (let j = i + 1; j < n; j++) {
      sims[pair(n, i, j)] = row[j]!;
      row[j] = 0;
    }
    for (let k = 0; k < v.terms.length; k++) {
      postings[v.terms[k]!]!.push(i);
      postingWeights[v.terms[k]!]!.push(v.weights[k]!);
    }
  }
  return sims;
}

/**
 * Average-linkage clustering by the nearest-neighbour chain; returns, for each point, the smallest index of its
 * cluster once every merge with average similarity ≥ threshold is made. Ties go to the lower index.
 */
function averageLinkage(vectors: Vec[], vocabulary: number, threshold: number): Int32Array {
  const n = vectors.length;
  const sims = similarities(vectors, vocabulary);
  const sim = (a: number, b: number): number => (a < b ? sims[pair(n, a, b)]! : sims[pair(n, b, a)]!);
  const size = new Int32Array(n).fill(1);
  const alive = new Uint8Array(n).fill(1);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(alive.indexOf(1));
    const a = chain[chain.length - 1]!;
    const previous = chain.length > 1 ? chain[chain.length - 2]! : -1;
    let best = previous;
    let bestSim = previous >= 0 ? sim(a, previous) : -Infinity;
    for (let c = 0; c < n; c++) {
      if (!alive[c] || c === a || c === previous) continue;
      const s = sim(a, c);
      if (s > bestSim) [best, bestSim] = [c, s]; // ties: the chain's previous, else the lowest index
    }
    if (best !== previous) {
      chain.push(best);
      continue;
    }
    chain.length -= 2;
    const [keep, gone] = a < best ? [a, best] : [best, a];
    if (bestSim >= threshold) parent[find(gone)] = find(keep);
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === keep || k === gone) continue;
      const merged = (size[keep]! * sim(keep, k) + size[gone]! * sim(gone, k)) / (size[keep]! + size[gone]!);
      if (keep < k) sims[pair(n, keep, k)] = merged;
      else sims[pair(n, k, keep)] = merged;
    }
    size[keep]! += size[gone]!;
    alive[gone] = 0;
    remaining--;
  }
  return Int32Array.from({ length: n }, (_, i) => find(i));
}

function meanVector(members: Vec[], vocabulary: number): Float64Array {
  const mean = new Float64Array(vocabulary);
  for (const v of members) for (let k = 0; k < v.terms.length; k++) mean[v.terms[k]!]! += v.weights[k]!;
  for (let t = 0; t < vocabulary; t++) mean[t]! /= members.length;
  return mean;
}

/**
 * Group notes into candidate codes. Notes need distinct ids; the order they come in does not matter.
 */
export function suggestGroups(input: readonly SuggestNote[], options: SuggestOptions = {}): SuggestResult {
  const threshold = options.threshold ?? 0.12;
  const maxGroups = options.maxGroups ?? 20;
  const minGroupSize = Math.max(2, options.minGroupSize ?? 2);
  const sampleSize = Math.min(MAX_SAMPLE, Math.max(2, options.sampleSize ?? 2500));
  const notes = [...input].sort((a, b) => byId(a.id, b.id));
  for (let i = 1; i < notes.length; i++) {
    if (notes[i]!.id === notes[i - 1]!.id) throw new Error(`Note id ${notes[i]!.id} is given twice.`);
  }
  const { vectors, labels } = vectorise(notes);
  const vocabulary = labels.length;
  const usable = notes.map((_, i) => i).filter((i) => vectors[i]!.terms.length > 0);
  let sample = usable;
  if (usable.length > sampleSize) {
    const hashes = new Map(usable.map((i) => [i, fnv1a(notes[i]!.id)]));
    sample = [...usable].sort((a, b) => hashes.get(a)! - hashes.get(b)! || a - b).slice(0, sampleSize);
    sample.sort((a, b) => a - b);
  }
  const roots =
    sample.length > 1
      ? averageLinkage(
          sample.map((i) => vectors[i]!),
          vocabulary,
          threshold,
        )
      : [0];
  const clusters = new Map<number, number[]>();
  sample.forEach((note, k) => {
    const root = roots[k]!;
    const list = clusters.get(root);
    if (list) list.push(note);
    else clusters.set(root, [note]);
  });
  let members = [...clusters.values()].filter((m) => m.length >= minGroupSize);
  if (sample.length < usable.length && members.length > 0) {
    const means = members.map((m) =>
      meanVector(
        m.map((i) => vectors[i]!),
        vocabulary,
      ),
    );
    const inSample = new Set(sample);
    const joined = members.map((m) => [...m]);
    for (const i of usable) {
      if (inSample.has(i)) continue;
      let best = -1;
      let bestSim = threshold;
      means.forEach((mean, g) => {
        const s = dotDense(vectors[i]!, mean);
        if (s > bestSim || (s === bestSim && best < 0)) [best, bestSim] = [g, s]; // ties: the larger group
      });
      if (best >= 0) joined[best]!.push(i);
    }
    members = joined.map((m) => m.sort((a, b) => a - b));
  }
  members.sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  const kept = members.slice(0, maxGroups);
  const groups = kept.map((m) => describeGroup(m, notes, vectors, labels, options));
  const grouped = new Set(kept.flat());
  const unassigned = notes.filter((_, i) => !grouped.has(i)).map((n) => n.id);
  return { groups, unassigned, clustered: sample.length };
}

function describeGroup(
  member: number[],
  notes: SuggestNote[],
  vectors: Vec[],
  labels: string[],
  options: SuggestOptions,
): SuggestedGroup {
  const mean = meanVector(
    member.map((i) => vectors[i]!),
    labels.length,
  );
  const terms = [...mean.keys()]
    .filter((t) => mean[t]! > 0)
    .sort((a, b) => mean[b]! - mean[a]! || byId(labels[a]!, labels[b]!));
  const closeness = member.map((i) => ({ i, s: dotDense(vectors[i]!, mean) }));
  const cohesion = closeness.reduce((sum, c) => sum + c.s, 0) / member.length;
  closeness.sort((a, b) => b.s - a.s || a.i - b.i);
  return {
    keyTerms: terms.slice(0, options.keyTerms ?? 5).map((t) => labels[t]!),
    noteIds: member.map((i) => notes[i]!.id),
    exampleIds: closeness.slice(0, options.examples ?? 3).map((c) => notes[c.i]!.id),
    cohesion: Math.round(cohesion * 1000) / 1000,
  };
}
