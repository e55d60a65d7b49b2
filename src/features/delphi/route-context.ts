import type { FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, type FormState } from '../../platform/forms/forms';
import type { ProgrammesService } from '../programmes/service';
import type { FrameworksService } from '../frameworks/service';
import { roundStatusLabel } from './labels';
import type { DelphiService } from './service';
import type { Study } from './repository';

/**
 * What the facilitator's route files share: the services, the study named in
 * the URL (checked to belong to the programme in the URL), a round by its
 * number, the study's address and its dashboard page.
 */
export function createRouteContext(
  delphi: DelphiService,
  programmes: ProgrammesService,
  frameworks: FrameworksService,
) {
  /** The study's page; every other page of the study is under it. */
  const base = (s: Study) => `/programmes/${s.programmeId}/delphi/${s.id}`;

  /** The study named in the URL, checked to belong to the programme in the URL. */
  async function studyOr404(request: FastifyRequest) {
    const p = request.params as { programmeId: string; studyId: string };
    const study = await delphi.getStudy(p.studyId);
    if (!study || study.programmeId !== p.programmeId) throw notFound('study');
    const programme = (await programmes.get(study.programmeId))!;
    return { study, programme, canManage: can(request.actor, 'delphi.manage', { programmeId: study.programmeId }) };
  }

  /** The round of the study with the number in the URL. */
  async function roundByNumber(study: Study, n: string) {
    const round = (await delphi.rounds(study.id)).find((r) => String(r.number) === n);
    if (!round) throw notFound('round');
    return round;
  }

  /** The study dashboard; `form` is the "open round" form, re-shown with its message when opening failed. */
  async function dashboardPage(request: FastifyRequest, form: FormState = emptyForm({ closesAt: defaultCloseDate() })) {
    const { study, programme, canManage } = await studyOr404(request);
    const report = await delphi.report(study);
    const panel = await delphi.panel(study.id);
    const current = report.rounds.find((r) => r.status === 'open') ?? report.rounds[report.rounds.length - 1];
    const items = current ? await delphi.items(current.id) : [];
    return {
      title: study.title,
      study,
      programme,
      base: base(study),
      report,
      panelSize: panel.length,
      current,
      currentItems: items,
      canManage,
      canSendToFramework: can(request.actor, 'delphi.to-framework', { programmeId: study.programmeId }),
      roundStatusLabel,
      last: report.analyses[report.analyses.length - 1],
      form,
    };
  }

  return { delphi, programmes, frameworks, base, studyOr404, roundByNumber, dashboardPage };
}

export type DelphiRouteContext = ReturnType<typeof createRouteContext>;

/** A week from now at 5pm, in the form a datetime-local field takes. */
function defaultCloseDate(): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T17:00`;
}
