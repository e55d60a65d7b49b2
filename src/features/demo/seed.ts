import type { FastifyBaseLogger } from 'fastify';
import { SYSTEM_CONTEXT } from '../../platform/audit/audit';
import type { Db } from '../../platform/db/database';
import type { AccountsService } from '../accounts/service';
import type { DemoAccount } from '../accounts/model';
import type { ProgrammesService } from '../programmes/service';
import type { FrameworksService } from '../frameworks/service';
import type { DelphiService } from '../delphi/service';
import type { WorkshopsService } from '../workshops/service';
import { seedDemoStudy } from './delphi-study';
import { DEMO_PASSWORD, DEMO_PROGRAMME, PEOPLE } from './people';
import { seedDemoPortfolio, type DemoPathwayServices } from './portfolio';
import { loadShippedFrameworks } from './shipped-frameworks';
import { seedDemoWorkshop } from './workshop';
import { seedDemoAnalysis } from './analysis';
import type { AnalysisService } from '../analysis/service';

export { DEMO_PASSWORD, DEMO_PROGRAMME } from './people';
export type { DemoPathwayServices } from './portfolio';
export { loadShippedFrameworks } from './shipped-frameworks';

/*
 * The demo data: the people (people.ts), the programme they belong to (here), the shipped frameworks
 * (shipped-frameworks.ts), a Delphi study with round 1 open (delphi-study.ts), a live workshop (workshop.ts),
 * two ended workshops coded by two analysts with a candidate theme (analysis.ts) and a practitioner's portfolio
 * under way (portfolio.ts).
 */

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
  analysis: AnalysisService,
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
    await seedDemoAnalysis(
      programmeId,
      {
        facilitatorId: users.get('facilitator@waymark.example')!,
        analystId: users.get('analyst@waymark.example')!,
        leadId: users.get('lead@waymark.example')!,
      },
      workshops,
      analysis,
    );
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
