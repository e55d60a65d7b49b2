import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { fastifyTrustProxy, type Config } from './config';
import type { Database } from './platform/db/database';
import { JobRunner, pruneJobs } from './platform/jobs/runner';
import { Mailer, outboxKey } from './platform/mail/mailer';
import { loggerOptions } from './platform/tokens/log-redaction';
import { pruneLinkTokens } from './platform/tokens/link-tokens';
import { EventBus } from './platform/events/bus';
import { createViewEnvironment } from './platform/views/render';
import { registerPlatform } from './platform/http/platform-plugin';
import { registerErrorHandling } from './platform/errors/error-handler';
import { healthRoutes } from './platform/http/health';
import { deleteExpiredSessions } from './platform/auth/repository';
import { can, ROLE_LABELS } from './platform/auth/policy';
import type { Platform } from './platform/http/types';
import { createAccountsService, type AccountsService } from './features/accounts/service';
import { accountRoutes } from './features/accounts/routes';
import { createProgrammesService, type ProgrammesService } from './features/programmes/service';
import { programmeRoutes } from './features/programmes/routes';
import { adminRoutes } from './features/admin/routes';
import { apiDocsRoutes } from './features/api/routes';
import { ApiRegistry } from './platform/http/api';
import { accountsApi } from './features/accounts/api';
import { programmesApi } from './features/programmes/api';
import { frameworksApi } from './features/frameworks/api';
import { workshopsApi } from './features/workshops/api';
import { homeRoutes } from './features/home/routes';
import { createFrameworksService, MAX_IMPORT_BYTES, type FrameworksService } from './features/frameworks/service';
import { frameworkRoutes } from './features/frameworks/routes';
import { createGuidesService, type GuidesService } from './features/guides/service';
import { guideRoutes } from './features/guides/routes';
import { createDelphiService, type DelphiService } from './features/delphi/service';
import { delphiRoutes } from './features/delphi/routes';
import { createWorkshopsService, type WorkshopsService } from './features/workshops/service';
import { workshopRoutes } from './features/workshops/routes';
import { createPathwayService, type PathwayService } from './features/pathway/service';
import { pathwayRoutes } from './features/pathway/routes';
import { supervisionRoutes } from './features/pathway/supervision-routes';
import { cohortRoutes } from './features/pathway/cohort-routes';
import { pathwayPublicRoutes } from './features/pathway/public-routes';
import { createReviewService, type ReviewService } from './features/pathway/review-service';
import { createPlanService, type PlanService } from './features/pathway/plan-service';
import { createGroupService, type GroupService } from './features/pathway/group-service';
import {
  createPortfolioService,
  PORTFOLIO_IMPORT_MAX_BYTES,
  type PortfolioService,
} from './features/pathway/portfolio-service';
import { createAnalysisService, type AnalysisService } from './features/analysis/service';
import { analysisRoutes } from './features/analysis/routes';
import { demoAccounts, seedDemo } from './features/demo/seed';

export interface AppDeps {
  database: Database;
  /** Logger options; tests pass false. */
  logger?: FastifyServerOptions['logger'];
}

export interface Services {
  accounts: AccountsService;
  programmes: ProgrammesService;
  frameworks: FrameworksService;
  guides: GuidesService;
  delphi: DelphiService;
  workshops: WorkshopsService;
  pathway: PathwayService;
  review: ReviewService;
  plans: PlanService;
  groups: GroupService;
  portfolio: PortfolioService;
  analysis: AnalysisService;
  /** Creates the demo programme and accounts unless they exist. */
  seedDemo(): Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const HOUR = 3600_000;

/** Builds the whole application on the database it is given. Nothing listens until the caller says so. */
export async function createApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Secrets in request URLs and credential headers are hidden from every log line (platform/tokens/log-redaction.ts).
    logger:
      deps.logger === undefined
        ? loggerOptions(config.logLevel)
        : typeof deps.logger === 'object'
          ? { ...loggerOptions(config.logLevel), ...deps.logger }
          : deps.logger,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
  });

  const { database } = deps;
  const jobs = new JobRunner(database.db, app.log, config.jobsPollMs);
  // Read (or made) here on the database itself, never in a caller's transaction, which could roll it back.
  const mailer = new Mailer(jobs, app.log, {
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    key: await outboxKey(database.db),
  });
  const events = new EventBus(database, app.log);
  const platform: Platform = { config, database, db: database.db, jobs, mailer, events };

  const accounts = createAccountsService(platform);
  // Programme stages show how far the Delphi study and workshops have got, read through those features' services.
  const programmes = createProgrammesService(platform, accounts, {
    stageActivity: async (programmeId) => {
      const studies = await delphi.studiesOf(programmeId);
      const rounds = await Promise.all(
        studies.map(async (s) =>
          (await delphi.rounds(s.id)).map((r) => ({ study: s.title, number: r.number, status: r.status })),
        ),
      );
      return {
        delphiRounds: rounds.flat(),
        workshops: (await workshops.list(programmeId)).map((w) => ({ kind: w.kind, status: w.status })),
      };
    },
  });
  const frameworks = createFrameworksService(platform);
  const guides = createGuidesService(platform);
  const delphi = createDelphiService(platform, frameworks);
  const workshops = createWorkshopsService(platform, {
    areaNames: async (id) => (await programmes.areasOf(id)).map((a) => a.name),
  });
  const pathway = createPathwayService(platform, frameworks);
  const review = createReviewService(platform, frameworks);
  const plans = createPlanService(platform, pathway);
  const groups = createGroupService(platform, frameworks, pathway);
  const portfolio = createPortfolioService(platform, frameworks, pathway, plans);
  // Analysis reads the workshops' and the Delphi studies' material through their services, as sources.
  const analysis = createAnalysisService(platform, { providers: [workshops, delphi] });

  // Housekeeping: expired sessions, old finished jobs and spent link tokens, once an hour across all instances.
  const hourKey = (t: number) => `housekeeping:${new Date(Math.floor(t / HOUR) * HOUR).toISOString()}`;
  jobs.register('housekeeping', async (_payload, { db }) => {
    await deleteExpiredSessions(db);
    await pruneJobs(db, 7);
    await pruneLinkTokens(db);
    await frameworks.prunePendingImports();
    const next = Date.now() + HOUR;
    await jobs.enqueue(db, 'housekeeping', {}, { runAt: new Date(next), singletonKey: hourKey(next) });
  });

  const views = createViewEnvironment();
  views.addGlobal('roleLabels', ROLE_LABELS);
  // A fresh key for forms that create something: a doubled or retried submit then creates it once.
  views.addGlobal('newSubmissionKey', () => randomUUID());

  let demoReady = false;
  const demoList = async () => {
    if (!config.demo) return [];
    demoReady ||= !!(await accounts.findUserByEmail(demoAccounts()[0]!.email));
    return demoReady ? demoAccounts() : [];
  };

  await registerPlatform(app, {
    platform,
    views,
    programmeRoles: (db, userId) => programmes.rolesOfUser(db, userId),
    // Each form checks its own limit with a specific message; this is the ceiling for any upload.
    maxUploadBytes: Math.max(MAX_IMPORT_BYTES, config.attachmentMaxBytes + 1, PORTFOLIO_IMPORT_MAX_BYTES),
    navigation: [
      { href: '/', text: 'Home' },
      { href: '/frameworks', text: 'Frameworks' },
      { href: '/guides', text: 'Role guides' },
      { href: '/programmes', text: 'Programmes', show: (a) => a.userId !== null },
      { href: '/pathway', text: 'My pathway', show: (a) => a.platformRoles.has('practitioner') },
      { href: '/supervision', text: 'Supervision', show: (a) => a.platformRoles.has('supervisor') },
      { href: '/cohorts', text: 'Cohorts', show: (a) => can(a, 'cohort.create') },
      { href: '/admin', text: 'Administration', show: (a) => a.platformRoles.has('admin') },
    ],
  });
  registerErrorHandling(app);

  healthRoutes(app);
  homeRoutes(app);
  accountRoutes(
    app,
    accounts,
    demoList,
    async (userId) => ({
      programmeMemberships: await programmes.membershipsOf(userId),
      workshopNotes: await workshops.notesOfUser(userId),
      pathwayPortfolios: await portfolio.ofUser(userId),
    }),
    async (userId) => {
      const keys = await plans.fileKeysOfUser(userId);
      return async () => void (await plans.removeFiles(keys));
    },
  );
  programmeRoutes(app, programmes);
  adminRoutes(app, accounts);
  frameworkRoutes(app, frameworks);
  guideRoutes(app, guides, frameworks);
  delphiRoutes(app, delphi, programmes, frameworks);
  workshopRoutes(app, workshops, programmes);
  pathwayRoutes(app, { pathway, frameworks, review, plans, groups, portfolio });
  supervisionRoutes(app, { pathway, review, plans });
  cohortRoutes(app, { groups, frameworks, programmes });
  pathwayPublicRoutes(app, { review, portfolio });
  analysisRoutes(app, analysis, programmes);
  // The JSON API under /api/v1: each feature registers its own operations; the registry describes them all.
  const api = new ApiRegistry(app);
  accountsApi(api);
  programmesApi(api, programmes);
  frameworksApi(api, frameworks);
  workshopsApi(app, api, workshops, programmes);
  apiDocsRoutes(app, api);

  app.decorate('services', {
    accounts,
    programmes,
    frameworks,
    guides,
    delphi,
    workshops,
    pathway,
    review,
    plans,
    groups,
    portfolio,
    analysis,
    seedDemo: () =>
      seedDemo(
        database.db,
        accounts,
        programmes,
        frameworks,
        delphi,
        workshops,
        { pathway, review, plans, groups },
        app.log,
        analysis,
      ),
  });

  app.addHook('onReady', async () => {
    if (config.jobsWorker) {
      await jobs.enqueue(database.db, 'housekeeping', {}, { singletonKey: hourKey(Date.now()) });
      await plans.scheduleReminders();
      jobs.start();
    }
    events.startHeartbeat();
  });
  // Open event streams would keep the server from closing: end them first; clients reconnect elsewhere.
  app.addHook('preClose', async () => events.endStreams());
  app.addHook('onClose', async () => {
    await events.stop();
    await jobs.stop();
    mailer.close();
  });
  return app;
}
