import type { FastifyBaseLogger } from 'fastify';
import type { PlatformRole, ProgrammeRole } from '../../platform/auth/policy';
import { SYSTEM_CONTEXT } from '../../platform/audit/audit';
import type { Db } from '../../platform/db/database';
import type { AccountsService } from '../accounts/service';
import type { ProgrammesService } from '../programmes/service';
import type { FrameworksService } from '../frameworks/service';
import type { DelphiService } from '../delphi/service';
import type { WorkshopsService } from '../workshops/service';
import type { PathwayService } from '../pathway/service';
import type { ReviewService } from '../pathway/review-service';
import type { PlanService } from '../pathway/plan-service';
import type { GroupService } from '../pathway/group-service';
import { GRADE_9, parseRule } from '../../stats/consensus';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoAccount } from '../accounts/model';

/** Shown on the sign-in page of a demo Waymark; never used when NODE_ENV=production. */
export const DEMO_PASSWORD = 'waymark-demo-2026';
export const DEMO_PROGRAMME = 'Consultant practitioner development pathway 2026 (demo)';

interface DemoPerson {
  email: string;
  name: string;
  label: string;
  profession?: string;
  platformRoles?: PlatformRole[];
  programmeRole?: ProgrammeRole;
  stakeholderType?: string;
  area?: string;
}

const PEOPLE: DemoPerson[] = [
  { email: 'admin@waymark.example', name: 'Alex Morgan', label: 'Platform admin', platformRoles: ['admin'] },
  {
    email: 'lead@waymark.example',
    name: 'Priya Shah',
    label: 'Programme lead',
    profession: 'Consultant physiotherapist',
    programmeRole: 'lead',
  },
  {
    email: 'facilitator@waymark.example',
    name: 'Tom Okafor',
    label: 'Facilitator',
    profession: 'Practice educator',
    programmeRole: 'facilitator',
  },
  {
    email: 'analyst@waymark.example',
    name: 'Mei Chen',
    label: 'Analyst',
    profession: 'Research associate',
    programmeRole: 'analyst',
  },
  {
    email: 'clinician@waymark.example',
    name: 'Sam Reid',
    label: 'Participant (clinician, Musculoskeletal)',
    profession: 'Advanced practice physiotherapist',
    programmeRole: 'participant',
    stakeholderType: 'Clinician',
    area: 'Musculoskeletal',
  },
  {
    email: 'citizen@waymark.example',
    name: 'Jo Evans',
    label: 'Participant (patient or citizen)',
    programmeRole: 'participant',
    stakeholderType: 'Patient or citizen',
  },
  {
    email: 'reviewer@waymark.example',
    name: 'Ruth Adeyemi',
    label: 'Stakeholder reviewer (professional body)',
    profession: 'Professional adviser',
    programmeRole: 'stakeholder-reviewer',
    stakeholderType: 'Professional body',
  },
  {
    email: 'engagement@waymark.example',
    name: 'David Byrne',
    label: 'Engagement group member',
    profession: 'Director of nursing',
    programmeRole: 'engagement-member',
  },
  {
    email: 'practitioner@waymark.example',
    name: 'Aisha Patel',
    label: 'Practitioner following the pathway',
    profession: 'Advanced clinical practitioner',
    platformRoles: ['practitioner'],
  },
  {
    email: 'supervisor@waymark.example',
    name: 'Gareth Lewis',
    label: 'Supervisor',
    profession: 'Consultant nurse',
    platformRoles: ['supervisor'],
  },
  {
    email: 'consultant@waymark.example',
    name: 'Nia Hughes',
    label: 'Practitioner with a portfolio under way',
    profession: 'Consultant practitioner (MSK)',
    platformRoles: ['practitioner'],
  },
];

/** Services the pathway part of the demo uses. */
export interface DemoPathwayServices {
  pathway: PathwayService;
  review: ReviewService;
  plans: PlanService;
  groups: GroupService;
}

export const demoAccounts = (): DemoAccount[] =>
  PEOPLE.map((p) => ({ email: p.email, password: DEMO_PASSWORD, label: p.label }));

/**
 * Creates the demo programme and one account per role. Safe to run twice:
 * it does nothing when the demo admin already exists.
 */
export async function seedDemo(
  db: Db,
  accounts: AccountsService,
  programmes: ProgrammesService,
  frameworks: FrameworksService,
  delphi: DelphiService,
  workshops: WorkshopsService,
  pathwayServices: DemoPathwayServices,
  log: FastifyBaseLogger,
): Promise<boolean> {
  if (await accounts.findUserByEmail(PEOPLE[0]!.email)) return false;
  const ctx = SYSTEM_CONTEXT;
  // Each step commits on its own: the services open their own transactions.
  {
    const users = new Map<string, string>();
    for (const p of PEOPLE) {
      const user = await accounts.register(
        {
          email: p.email,
          name: p.name,
          password: DEMO_PASSWORD,
          profession: p.profession ?? null,
          organisation: 'Demo NHS Trust',
        },
        ctx,
        p.platformRoles ?? [],
      );
      users.set(p.email, user.id);
    }
    const adminId = users.get(PEOPLE[0]!.email)!;
    const programmeId = await programmes.create(
      {
        name: DEMO_PROGRAMME,
        description:
          'A demonstration programme: co-creating the development pathway from advanced to consultant practice with three clinical areas.',
        areas: [],
        stakeholderTypes: [],
      },
      adminId,
      ctx,
    );
    const [types, areas] = await Promise.all([
      programmes.stakeholderTypesOf(programmeId),
      programmes.areasOf(programmeId),
    ]);
    for (const p of PEOPLE) {
      if (!p.programmeRole) continue;
      await programmes.addMember(
        db,
        {
          programmeId,
          userId: users.get(p.email)!,
          role: p.programmeRole,
          stakeholderTypeId: types.find((t) => t.name === p.stakeholderType)?.id ?? null,
          areaId: areas.find((a) => a.name === p.area)?.id ?? null,
        },
        ctx,
      );
    }
    await programmes.setStage(programmeId, 'delphi', 'in-progress', 'Round 1 is open to panellists.', adminId, ctx);
    await loadShippedFrameworks(frameworks, ctx);
    await seedDemoStudy(programmeId, users.get('lead@waymark.example')!, frameworks, delphi);
    await seedDemoWorkshop(programmeId, users.get('facilitator@waymark.example')!, workshops);
    await programmes.setStage(
      programmeId,
      'workshops',
      'in-progress',
      'The MSK research and innovation workshop is live.',
      adminId,
      ctx,
    );
    await seedDemoPortfolio(
      programmeId,
      users.get('consultant@waymark.example')!,
      users.get('supervisor@waymark.example')!,
      frameworks,
      pathwayServices,
    );
  }
  log.info({ accounts: PEOPLE.length }, 'demo data created');
  return true;
}

const CONTENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../content/frameworks');

/** Imports the illustrative frameworks that ship in content/frameworks, skipping any already there. */
export async function loadShippedFrameworks(frameworks: FrameworksService, ctx = SYSTEM_CONTEXT): Promise<number> {
  let n = 0;
  // The core framework first, so area frameworks' mappings point at something that exists.
  const files = fs
    .readdirSync(CONTENT_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => Number(b === 'consultant.json') - Number(a === 'consultant.json') || a.localeCompare(b));
  for (const file of files) {
    const preview = await frameworks.preview('json', fs.readFileSync(path.join(CONTENT_DIR, file), 'utf8'));
    if (!preview.ok) continue;
    await frameworks.importDoc(preview.doc, null, ctx);
    n++;
  }
  return n;
}

/** A study in the demo programme with round 1 open: the transition-stage statements, rated by the demo participants. */
async function seedDemoStudy(
  programmeId: string,
  leadId: string,
  frameworks: FrameworksService,
  delphi: DelphiService,
) {
  const ctx = SYSTEM_CONTEXT;
  const core = await frameworks.find('WM-CONSULTANT', undefined, false);
  if (!core) return;
  const studyId = await delphi.createStudy(
    programmeId,
    {
      title: 'Capabilities for the transition to consultant practice (demo)',
      purpose: 'Which capabilities should practitioners evidence while moving from advanced to consultant practice?',
      scale: GRADE_9,
      allowUnable: true,
      rule: parseRule('comet'),
      quartileMethod: 7,
      everyGroup: false,
      reasonDistance: 4,
      namesInExports: false,
      withSuggestions: false,
    },
    leadId,
    ctx,
  );
  const study = (await delphi.getStudy(studyId))!;
  const [round1] = await delphi.rounds(studyId);
  await delphi.addFromFramework(round1!, core.version.id, 'transition', ctx);
  for (const p of PEOPLE.filter(
    (x) => x.programmeRole === 'participant' || x.programmeRole === 'stakeholder-reviewer',
  )) {
    await delphi.invite(study, [p.email], p.stakeholderType ?? 'Other', p.area ?? null, ctx);
  }
  await delphi.openRound(round1!, new Date(Date.now() + 14 * 86_400_000), ctx);
}

/** A live workshop with a few notes in a cluster, to show the board. */
async function seedDemoWorkshop(programmeId: string, facilitatorId: string, workshops: WorkshopsService) {
  const ctx = SYSTEM_CONTEXT;
  const id = await workshops.create(
    programmeId,
    {
      kind: 'area',
      title: 'Musculoskeletal: research and innovation (demo)',
      area: 'Musculoskeletal',
      pillar: 'Research and innovation',
      startsAt: null,
      place: 'Demo room',
      onlineUrl: '',
      anonymous: true,
      facilitatorsSeeIdentity: false,
      templateId: null,
    },
    facilitatorId,
    ctx,
  );
  const [first] = await workshops.activities(id);
  await workshops.start((await workshops.get(id))!, first!.id, ctx);
  const people = [
    await workshops.join((await workshops.get(id))!, {
      name: '',
      stakeholderType: 'Clinician',
      area: 'Musculoskeletal',
      userId: null,
    }),
    await workshops.join((await workshops.get(id))!, {
      name: '',
      stakeholderType: 'Patient or citizen',
      area: null,
      userId: null,
    }),
  ];
  const texts = [
    'Give people with long-term pain a consultant who sees the whole picture',
    'Protected time to lead research in first-contact services',
    'Make it clear to employers what a consultant practitioner adds',
  ];
  const notes = [];
  for (const [n, text] of texts.entries())
    notes.push(
      (
        await workshops.addNote(
          (await workshops.get(id))!,
          { activityId: first!.id, text, clientKey: `demo-note-${n}`, participant: people[n % 2]!, enteredBy: null },
          ctx,
        )
      ).note,
    );
  const w = (await workshops.get(id))!;
  const cluster = await workshops.createCluster(w, first!.id, 'Better care for people', ctx);
  await workshops.organise(w, first!.id, [notes[0]!.id], { kind: 'move', clusterId: cluster }, ctx);
}

/**
 * A practitioner part-way through the pathway, so supervision and cohort pages
 * have something to show: a profile in years 1 to 3, self-assessment, three
 * pieces of evidence (one verified by the supervisor, one waiting for a
 * colleague's link, one waiting for the supervisor), a plan, a supervision meeting and a cohort in the demo programme.
 */
async function seedDemoPortfolio(
  programmeId: string,
  practitionerId: string,
  supervisorId: string,
  frameworks: FrameworksService,
  s: DemoPathwayServices,
) {
  const ctx = SYSTEM_CONTEXT;
  const core = await frameworks.find('WM-CONSULTANT', undefined, false);
  if (!core?.version) return;
  const started = new Date(Date.now() - 500 * 86_400_000).toISOString().slice(0, 10);
  await s.pathway.saveProfile(
    practitionerId,
    {
      profession: 'Physiotherapist',
      registration: 'HCPC PH00000 (demo)',
      clinicalArea: 'Musculoskeletal',
      currentPost: 'Consultant physiotherapist, MSK',
      employer: 'Demo NHS Trust',
      consultantPostStart: started,
      stageOverride: null,
      overrideReason: '',
    },
    ctx,
  );
  const p = await s.pathway.start(practitionerId, core.version.id, ctx);
  await s.review.addSupervisor(practitionerId, 'supervisor@waymark.example', ctx);
  const { grouped } = await s.pathway.view(p);
  const statements = grouped.flatMap((g) => g.statements);
  await s.pathway.assess(
    p,
    Object.fromEntries(
      statements.map((st, i) => [st.identifier, ['developing', 'confident', 'not-yet', 'evidenced'][i % 4]!]),
    ),
    ctx,
  );
  const pieces = [
    {
      kind: 'improvement',
      title: 'Redesigned the MSK first-contact triage pathway (demo)',
      reflection:
        'What happened: waits for first assessment fell from nine weeks to five. So what: people with complex presentations reached the right clinician sooner. Now what: share the model with the other two localities.',
    },
    {
      kind: 'teaching',
      title: 'Taught the advanced practice cohort on shared decisions (demo)',
      reflection: 'A half-day session for twelve advanced practitioners, written with a patient partner.',
    },
    {
      kind: 'inquiry',
      title: 'Service evaluation of injection clinic outcomes (demo)',
      reflection: 'Six-month evaluation of outcomes and experience; presented to the clinical governance group.',
    },
  ];
  const ids: string[] = [];
  for (const piece of pieces)
    ids.push(await s.pathway.addEvidence(p, { ...piece, occurredOn: started, template: 'what-so-what' }, ctx));
  for (const [i, id] of ids.entries()) {
    const st = statements[(i * 4) % statements.length];
    if (st) await s.pathway.link(p, id, st.identifier, 'Demo link: this work shows the statement', ctx);
  }
  // One verified by the supervisor; one waiting for a colleague (the link is in the admin outbox); one waiting for the supervisor.
  await s.review.requestVerification(p, ids[0]!, ctx);
  await s.review.verify(practitionerId, supervisorId, ids[0]!, 'confirm', 'Seen in practice (demo)', ctx);
  await s.review.requestConfirmation(
    p,
    ids[1]!,
    {
      name: 'Dr Ada Okafor',
      email: 'ada.okafor@demo.example',
      includeReflection: true,
      message: 'Thank you for confirming the session we ran together.',
    },
    ctx,
  );
  await s.review.requestVerification(p, ids[2]!, ctx);
  await s.plans.seedFromNeeds(p, ctx);
  await s.review.recordMeeting(
    practitionerId,
    supervisorId,
    {
      heldOn: new Date().toISOString().slice(0, 10),
      notes: 'Reviewed the triage redesign and the evaluation plan (demo).',
      agreedActions: 'Write up the evaluation for the governance group.',
    },
    ctx,
  );
  const cohort = await s.groups.create(
    supervisorId,
    { kind: 'cohort', name: 'Demo 2026 consultant cohort', versionId: core.version.id, programmeId },
    ctx,
  );
  await s.groups.invite(cohort, 'consultant@waymark.example', ctx);
  await s.groups.accept(cohort.id, practitionerId, ctx);
}
