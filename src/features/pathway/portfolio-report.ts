import { ukDate } from '../../platform/forms/dates';
import type { Block } from '../../exports/report';
import type { PathwayService } from './service';
import { GOAL_STATUSES } from './plan-service';
import { STATUS_NAMES, EVIDENCE_KINDS, levelNamesOf, STAGE_NAMES, type Level, type PathwayStage } from './stage';
import type { Portfolio } from './portfolio-format';

/** A readable document for a panel: who, the stage, sign-offs, coverage, then every piece of evidence with its confirmation. */
export function portfolioReport(doc: Portfolio, statements: Awaited<ReturnType<PathwayService['statementsOf']>>) {
  const byId = new Map(statements.map((s) => [s.identifier, s]));
  const stageName = STAGE_NAMES[doc.practitioner.stage as PathwayStage] ?? doc.practitioner.stage;
  const latest = new Map<string, Level>();
  for (const a of doc.selfAssessments) latest.set(a.statement, a.level);
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: 'Practitioner' },
    {
      kind: 'table',
      head: ['', ''],
      rows: [
        ['Name', doc.practitioner.name],
        ['Profession', doc.practitioner.profession || 'Not given'],
        ['Registration', doc.practitioner.registration || 'Not given'],
        ['Current post', doc.practitioner.currentPost || 'Not given'],
        ['Employer', doc.practitioner.employer || 'Not given'],
        ['Stage', stageName],
      ],
    },
    { kind: 'heading', level: 1, text: 'Stages signed off' },
    doc.signoffs.length
      ? {
          kind: 'list',
          items: doc.signoffs.map(
            (s) =>
              `${STAGE_NAMES[s.stage as PathwayStage] ?? s.stage}: signed off by ${s.supervisorName} on ${ukDate(s.signedAt)}. Check the badge at ${s.verifyAt}`,
          ),
        }
      : { kind: 'paragraph', text: 'No stage has been signed off yet.' },
    { kind: 'heading', level: 1, text: 'Statements, self-assessment and evidence' },
    {
      kind: 'table',
      head: ['Statement', 'Stage', 'Self-assessment', 'Evidence'],
      rows: statements.map((s) => [
        `${s.code} ${s.text}`,
        s.stageLabel,
        latest.has(s.identifier) ? levelNamesOf(doc.levelNames)[latest.get(s.identifier)!] : '—',
        String(doc.evidence.filter((e) => e.links.some((l) => l.statement === s.identifier)).length),
      ]),
    },
    { kind: 'heading', level: 1, text: 'Evidence' },
  ];
  for (const e of doc.evidence) {
    blocks.push({ kind: 'heading', level: 2, text: e.title });
    blocks.push({
      kind: 'paragraph',
      text: `${EVIDENCE_KINDS[e.kind as keyof typeof EVIDENCE_KINDS] ?? e.kind}${e.occurredOn ? `, ${ukDate(e.occurredOn)}` : ''}. Status: ${STATUS_NAMES[e.status] ?? 'Unknown'}.`,
    });
    if (e.links.length)
      blocks.push({
        kind: 'list',
        items: e.links.map((l) => `${l.code} ${byId.get(l.statement)?.text ?? ''}${l.reason ? ` — ${l.reason}` : ''}`),
      });
    for (const c of e.confirmations.filter((x) => x.outcome === 'confirmed'))
      blocks.push({
        kind: 'paragraph',
        text: `${c.method === 'imported' ? 'Imported from another Waymark, not checked here: confirmed' : 'Confirmed'} by ${c.confirmerName} (${[c.confirmerRole, c.confirmerOrganisation, c.confirmerRegistration && `registration ${c.confirmerRegistration}`].filter(Boolean).join(', ')}) on ${ukDate(c.decidedAt)}: “${c.statement}”`,
      });
    // Paragraphs at blank lines; single line breaks stay inside a paragraph, as the practitioner wrote them.
    if (e.reflection)
      for (const para of e.reflection.split(/\n\s*\n/)) blocks.push({ kind: 'paragraph', text: para.trim() });
    if (e.attachments.length)
      blocks.push({ kind: 'paragraph', text: `Attached: ${e.attachments.map((a) => a.filename).join(', ')}` });
  }
  if (doc.plan.length) {
    blocks.push({ kind: 'heading', level: 1, text: 'Development plan' });
    blocks.push({
      kind: 'table',
      head: ['Goal', 'Status', 'Target', 'Actions'],
      rows: doc.plan.map((g) => [
        g.title,
        GOAL_STATUSES[g.status],
        ukDate(g.targetOn),
        g.actions.map((a) => `${a.done ? '✓ ' : ''}${a.text}`).join('; '),
      ]),
    });
  }
  return {
    title: `Portfolio: ${doc.practitioner.name}`,
    subtitle: `${doc.framework.title}, version ${doc.framework.versionLabel}. ${stageName}. Exported ${ukDate(doc.exportedAt)} from Waymark.`,
    blocks,
  };
}
