import { SYSTEM_CONTEXT } from '../../platform/audit/audit';
import type { AnalysisService } from '../analysis/service';
import type { WorkshopsService } from '../workshops/service';
import { sourceQuery } from '../analysis/schema';

/*
 * Illustrative material for the analysis pages, written for Waymark: two ended workshops (Cancer Care and Learning
 * Disabilities & Autism) with a handful of notes each, a small codebook, two coders who coded the notes (mostly
 * agreeing, so the compare and reliability pages have something to show) and a candidate theme.
 */

const WORKSHOPS = [
  {
    title: 'Cancer Care: strategic and enabling leadership (demo)',
    area: 'Cancer Care',
    pillar: 'Strategic and enabling leadership',
    notes: [
      ['Clinician', 'Job plans need ring-fenced time for service development, not just clinics', ['time']],
      ['Manager', 'Boards rarely know what a consultant practitioner can lead; tell them early', ['recognition']],
      ['Clinician', 'A named mentor outside my own team kept me going in the first year', ['mentoring']],
      [
        'Patient or citizen',
        'I want one person who understands my whole treatment, not five half-pictures',
        ['person'],
      ],
      ['Educator', 'Link the pathway to protected study days and a research supervisor', ['time', 'research']],
    ],
  },
  {
    title: 'Learning Disabilities & Autism: learning across the system (demo)',
    area: 'Learning Disabilities & Autism',
    pillar: 'Learning, developing and improving across the system',
    notes: [
      ['Clinician', 'Share what works between community teams instead of each team starting again', ['learning']],
      ['Patient or citizen', 'Ask families how the service felt, and show them what changed because of it', ['person']],
      ['Manager', 'Without backfill nobody can take the time to teach across organisations', ['time']],
      ['Educator', 'Supervision from someone already at consultant level makes the step feel possible', ['mentoring']],
      ['Clinician', 'Employers should see consultant practice as a role, not a favour to one person', ['recognition']],
    ],
  },
] as const;

const CODES = [
  {
    key: 'time',
    name: 'Protected time',
    colour: '#005eb8',
    definition: 'Time set aside in a job plan for work beyond direct care: leading, teaching, research.',
  },
  {
    key: 'recognition',
    name: 'Recognition by employers',
    colour: '#007f3b',
    definition: 'Whether organisations understand and value consultant-level practice as a role.',
  },
  {
    key: 'mentoring',
    name: 'Supervision and mentoring',
    colour: '#330072',
    definition: 'Support from someone more experienced while growing into the role.',
  },
  {
    key: 'research',
    name: 'Research capacity',
    colour: '#003087',
    definition: 'The means to take part in or lead research: supervision, time, access.',
  },
  {
    key: 'person',
    name: 'Person-centred care',
    colour: '#7c2855',
    definition: 'Care organised around the whole person and what matters to them.',
  },
  {
    key: 'learning',
    name: 'Learning across the system',
    colour: '#8a4a00',
    definition: 'Sharing what works between teams and organisations.',
  },
] as const;

type CodeKey = (typeof CODES)[number]['key'];

export async function seedDemoAnalysis(
  programmeId: string,
  people: { facilitatorId: string; analystId: string; leadId: string },
  workshops: WorkshopsService,
  analysis: AnalysisService,
) {
  const ctx = SYSTEM_CONTEXT;
  const written = new Map<string, CodeKey[]>();
  for (const [wi, w] of WORKSHOPS.entries()) {
    const id = await workshops.create(
      programmeId,
      {
        kind: 'area',
        title: w.title,
        area: w.area,
        pillar: w.pillar,
        startsAt: null,
        place: 'Demo room',
        onlineUrl: '',
        anonymous: false,
        facilitatorsSeeIdentity: false,
        templateId: null,
      },
      people.facilitatorId,
      ctx,
    );
    const [first] = await workshops.activities(id);
    await workshops.start((await workshops.get(id))!, first!.id, ctx);
    for (const [n, [stakeholderType, text, codes]] of w.notes.entries()) {
      const participant = await workshops.join((await workshops.get(id))!, {
        name: '',
        stakeholderType,
        area: w.area,
        userId: null,
      });
      await workshops.addNote(
        (await workshops.get(id))!,
        { activityId: first!.id, text, clientKey: `demo-analysis-${wi}-${n}`, participant, enteredBy: null },
        ctx,
      );
      written.set(text, [...codes]);
    }
    await workshops.end((await workshops.get(id))!, ctx);
  }

  await analysis.sync(programmeId);
  const codeIds = new Map<CodeKey, string>();
  for (const c of CODES) {
    const codeId = await analysis.createCode(
      programmeId,
      {
        name: c.name,
        parentId: null,
        definition: c.definition,
        whenToUse: '',
        whenNotToUse: '',
        example: '',
        colour: c.colour,
      },
      people.analystId,
      ctx,
    );
    codeIds.set(c.key, codeId as string);
  }

  // Two coders code every note as a whole; the lead reads two notes differently, so there is something to compare.
  const coded: string[] = [];
  for (let page = 1; ; page++) {
    const list = await analysis.listSources(programmeId, sourceQuery.parse({ kind: 'workshop-note', page }));
    if (!list.ok || list.sources.length === 0) break;
    for (const s of list.sources) {
      const keys = written.get(s.text);
      if (!keys) continue;
      const leadKeys: CodeKey[] =
        keys[0] === 'mentoring' ? ['time'] : keys[0] === 'person' ? ['person', 'learning'] : [...keys];
      const ids = (k: readonly CodeKey[]) => k.map((key) => codeIds.get(key)!);
      await analysis.setWholeCodes(programmeId, s.id, people.analystId, ids(keys), ctx);
      await analysis.setWholeCodes(programmeId, s.id, people.leadId, ids(leadKeys), ctx);
      coded.push(s.id);
    }
    if (page * list.pageSize >= list.total) break;
  }
  await analysis.setDoneMany(programmeId, people.analystId, coded, ctx);
  await analysis.setDoneMany(programmeId, people.leadId, coded, ctx);

  await analysis.createTheme(
    programmeId,
    {
      name: 'Room to work at consultant level',
      definition: 'Protected time and an employer who recognises the role, without which the rest cannot happen.',
      memo: 'Heard in both areas; check with representatives before calling it defined.',
      status: 'candidate',
      codeIds: [codeIds.get('time')!, codeIds.get('recognition')!],
    },
    people.analystId,
    ctx,
  );
}
