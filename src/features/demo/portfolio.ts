import { SYSTEM_CONTEXT } from '../../platform/audit/audit';
import type { FrameworksService } from '../frameworks/service';
import type { GroupService } from '../pathway/group-service';
import type { PathwayService } from '../pathway/service';
import type { PlanService } from '../pathway/plan-service';
import type { ReviewService } from '../pathway/review-service';

/** Services the pathway part of the demo uses. */
export interface DemoPathwayServices {
  pathway: PathwayService;
  review: ReviewService;
  plans: PlanService;
  groups: GroupService;
}

/**
 * A practitioner part-way through the pathway, so supervision and cohort pages
 * have something to show: a profile in years 1 to 3, self-assessment, three
 * pieces of evidence (one verified by the supervisor, one waiting for a
 * colleague's link, one waiting for the supervisor), a plan, a supervision meeting and a cohort in the demo programme.
 */
export async function seedDemoPortfolio(
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
