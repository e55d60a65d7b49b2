import { SYSTEM_CONTEXT } from '../../platform/audit/audit';
import { GRADE_9, parseRule } from '../../stats/consensus';
import type { DelphiService } from '../delphi/service';
import type { FrameworksService } from '../frameworks/service';
import { PEOPLE } from './people';

/** A study in the demo programme with round 1 open: the transition-stage statements, rated by the demo participants. */
export async function seedDemoStudy(
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
