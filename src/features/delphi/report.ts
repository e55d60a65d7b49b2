import type { Block, ReportDoc } from '../../exports/report';
import type { Scale } from '../../stats/consensus';
import type { DelphiService } from './service';
import type { Panellist, Study } from './repository';
import { agreedFigures } from './agreed';
import { roundStatusLabel, stageLabel } from './labels';
import { MIN_GROUP_SIZE, plural, WITHHELD } from './disclosure';

type Report = Awaited<ReturnType<DelphiService['report']>>;
type Personal = Awaited<ReturnType<DelphiService['personalReport']>>;

const VERDICT = { in: 'Consensus in', out: 'Consensus out', none: 'No consensus' } as const;
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));
const date = (d: Date | null | undefined) =>
  d ? d.toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' }) : '–';

/**
 * The study report, covering what Delphi reporting guidance asks a report to
 * state: the consensus definition fixed in advance, rounds and dates, response
 * rates, items added, dropped and merged between rounds, and the final list
 * with its figures.
 */
export function studyReportDoc(r: Report, programmeName: string): ReportDoc {
  const scale = r.settings.scale as Scale;
  const blocks: Block[] = [];
  blocks.push({ kind: 'heading', level: 1, text: 'Purpose' });
  blocks.push({ kind: 'paragraph', text: r.study.purpose || 'Not stated.' });
  blocks.push({ kind: 'heading', level: 1, text: 'Consensus definition' });
  blocks.push({ kind: 'paragraph', text: r.ruleText });
  blocks.push({
    kind: 'paragraph',
    text: `Rating scale ${scale.min}–${scale.max}: ${scale.labels?.low ?? ''}; ${scale.labels?.mid ?? ''}; ${scale.labels?.high ?? ''}. ${r.settings.allowUnable ? 'Panellists could choose "unable to rate"; those answers are excluded from percentages.' : 'There was no "unable to rate" option.'}${r.settings.everyGroup ? ` Consensus had to be reached in every stakeholder group. A group's figures are withheld when fewer than ${MIN_GROUP_SIZE} of its panellists rated an item, but the group still counts towards this rule with its real figures.` : ''}`,
  });
  blocks.push({
    kind: 'paragraph',
    text: r.study.lockedAt
      ? `These settings were fixed when round 1 opened on ${date(r.study.lockedAt)}.`
      : 'Round 1 has not opened yet.',
  });
  if (r.settingChanges.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Changes after round 1 opened' });
    blocks.push({ kind: 'list', items: r.settingChanges.map((c) => `${date(c.at)}: ${c.reason}`) });
  }
  blocks.push({ kind: 'heading', level: 1, text: 'Rounds' });
  blocks.push({
    kind: 'table',
    head: ['Round', 'Status', 'Opened', 'Closed'],
    rows: r.rounds.map((x) => [
      x.number === 0 ? '0 (suggestions)' : x.number,
      roundStatusLabel(x.status),
      date(x.openedAt),
      date(x.closedAt ?? (x.status === 'open' ? x.closesAt : null)),
    ]),
  });
  blocks.push({ kind: 'heading', level: 1, text: 'Response rates' });
  blocks.push({
    kind: 'table',
    head: ['Round', 'Group', 'Invited', 'Completed', 'Rate'],
    rows: r.attrition.rows.flatMap((row) => [
      [
        row.round.number,
        'All',
        row.total.invited,
        row.total.completed,
        row.total.invited ? `${Math.round((100 * row.total.completed) / row.total.invited)}%` : '–',
      ],
      ...r.attrition.groups.map((g) => [
        row.round.number,
        g,
        row.groups[g]!.invited,
        row.groups[g]!.completed,
        row.groups[g]!.invited ? `${Math.round((100 * row.groups[g]!.completed) / row.groups[g]!.invited)}%` : '–',
      ]),
    ]),
  });
  if (r.changes.length) {
    blocks.push({ kind: 'heading', level: 1, text: 'Items between rounds' });
    for (const c of r.changes) {
      blocks.push({ kind: 'heading', level: 2, text: `Into round ${c.round.number}` });
      blocks.push({
        kind: 'list',
        items: [
          `Added: ${c.added.join(', ') || 'none'}`,
          `Retired as agreed: ${c.retired.join(', ') || 'none'}`,
          `Dropped: ${c.dropped.join(', ') || 'none'}`,
          `Merged: ${c.merged.map((m) => `${m.code} from ${m.from.join(' + ')}`).join('; ') || 'none'}`,
          `Split: ${c.split.map((s) => `${s.code} into ${s.into.join(', ')}`).join('; ') || 'none'}`,
          `Reworded: ${c.reworded.join(', ') || 'none'}`,
        ],
      });
    }
  }
  for (const a of r.analyses) {
    const counts = { in: 0, out: 0, none: 0 };
    a.analysis.items.forEach((i) => counts[i.verdict]++);
    blocks.push({ kind: 'heading', level: 1, text: `Round ${a.round.number} results` });
    blocks.push({
      kind: 'paragraph',
      text: `${plural(counts.in, 'item')} reached consensus in, ${counts.out} consensus out, ${counts.none} no consensus.`,
    });
    if (a.concordance)
      blocks.push({
        kind: 'paragraph',
        text: `Kendall's W = ${a.concordance.w.toFixed(3)} (${a.concordance.m} panellists who rated every item, ${a.concordance.n} items; chi-square ${a.concordance.chiSquare.toFixed(2)} on ${a.concordance.n - 1} degrees of freedom).`,
      });
    blocks.push({
      kind: 'table',
      head: [
        'Item',
        'Statement',
        'n',
        'Unable',
        'Median (IQR)',
        `% ${scale.low[0]}–${scale.low[1]}`,
        `% ${scale.high[0]}–${scale.high[1]}`,
        'Stability',
        'Verdict',
      ],
      rows: a.items.map((item, n) => {
        const s = a.analysis.items[n]!;
        const st = s.stability;
        return [
          item.code,
          item.text,
          s.n,
          s.unableToRate,
          `${fmt(s.median)} (${fmt(s.q1)}–${fmt(s.q3)})`,
          fmt(s.percentLow),
          fmt(s.percentHigh),
          st && st.percentChangedBand !== null
            ? `${st.percentChangedBand}% changed band${st.wilcoxonP !== null ? `, Wilcoxon p = ${st.wilcoxonP}` : ''}`
            : '–',
          VERDICT[s.verdict],
        ];
      }),
    });
  }
  if (r.analyses.length) {
    // Cumulative: an item agreed and then retired in an earlier round belongs here as much as one agreed last round.
    blocks.push({ kind: 'heading', level: 1, text: 'Final list: items with consensus in' });
    blocks.push({
      kind: 'paragraph',
      text: 'Every item agreed in a closed round and not replaced since, with the wording, round and figures that agreed it.',
    });
    blocks.push(
      r.final.length
        ? {
            kind: 'list',
            items: r.final.map((f) => {
              const notes = [
                `agreed in round ${f.round.number}: ${agreedFigures(f.stats, scale)}`,
                ...(f.retired ? [`retired as agreed after round ${f.round.number}`] : []),
                ...(f.reratedWithoutConsensus.length
                  ? [`rated again in round ${f.reratedWithoutConsensus.join(', ')} without consensus`]
                  : []),
                ...(r.origins.has(f.item.id) ? [r.origins.get(f.item.id)!] : []),
              ];
              return `${f.item.code}. ${f.item.text}${f.item.stage ? ` (stage: ${stageLabel(f.item.stage)})` : ''} – ${notes.join('; ')}`;
            }),
          }
        : { kind: 'paragraph', text: 'No item has reached consensus in a closed round.' },
    );
  }
  return {
    title: r.study.title,
    subtitle: `Delphi study report – ${programmeName} – produced by Waymark on ${date(new Date())}`,
    blocks,
  };
}

/** A panellist's own ratings next to the panel's, round by round. */
export function personalReportDoc(study: Study, panellist: Panellist, rounds: Personal): ReportDoc {
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: `Your ratings in each closed round beside the panel's median and the median of your stakeholder group (${panellist.stakeholderType}). Nobody else sees your ratings.`,
    },
  ];
  for (const r of rounds) {
    blocks.push({ kind: 'heading', level: 1, text: `Round ${r.round.number}` });
    blocks.push({
      kind: 'table',
      head: ['Item', 'Statement', 'You', 'Panel median (IQR)', 'Your group median', 'Verdict'],
      rows: r.items.map((x) => [
        x.item.code,
        x.item.text,
        x.own === null ? 'not rated' : x.own === 'unable' ? 'unable to rate' : x.own,
        `${fmt(x.stats.median)} (${fmt(x.stats.q1)}–${fmt(x.stats.q3)})`,
        x.group?.withheld === false ? fmt(x.group.median) : x.group ? WITHHELD : '–',
        VERDICT[x.stats.verdict],
      ]),
    });
  }
  if (rounds.length === 0) blocks.push({ kind: 'paragraph', text: 'No round has closed yet.' });
  return { title: `Your feedback: ${study.title}`, blocks };
}
