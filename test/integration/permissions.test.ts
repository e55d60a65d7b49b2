import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient } from '../helpers/client';
import { countRows } from '../helpers/factories';
import { DEMO_PASSWORD, DEMO_PROGRAMME, demoAccounts } from '../../src/features/demo/seed';
import { registerPlatform } from '../../src/platform/http/platform-plugin';
import { createViewEnvironment } from '../../src/platform/views/render';

/** Who is asking: the demo accounts by role, a signed-in user with no role, and nobody. */
const WHO = [
  'anonymous',
  'outsider',
  'admin',
  'lead',
  'facilitator',
  'analyst',
  'clinician',
  'citizen',
  'reviewer',
  'engagement',
  'practitioner',
  'supervisor',
  'consultant',
] as const;
type Who = (typeof WHO)[number];
const MEMBERS: Who[] = ['lead', 'facilitator', 'analyst', 'clinician', 'citizen', 'reviewer', 'engagement'];
const SIGNED_IN: Who[] = WHO.filter((w) => w !== 'anonymous');

/** The expected answer for each page, written out by hand from the role descriptions. */
const MATRIX: { path: string; allowed: Who[] }[] = [
  { path: '/', allowed: [...WHO] },
  { path: '/account', allowed: SIGNED_IN },
  { path: '/account/tokens', allowed: SIGNED_IN },
  { path: '/programmes', allowed: SIGNED_IN },
  { path: '/programmes/new', allowed: ['admin'] },
  { path: '/programmes/:id', allowed: ['admin', ...MEMBERS] },
  { path: '/programmes/:id/stages/delphi', allowed: ['admin', ...MEMBERS] },
  { path: '/programmes/:id/edit', allowed: ['admin', 'lead'] },
  { path: '/programmes/:id/members', allowed: ['admin', 'lead', 'facilitator'] },
  { path: '/programmes/:id/members/invite', allowed: ['admin', 'lead'] },
  { path: '/programmes/:id/delphi', allowed: ['admin', 'lead', 'facilitator', 'analyst'] },
  { path: '/programmes/:id/delphi/new', allowed: ['admin', 'lead', 'facilitator'] },
  { path: '/programmes/:id/workshops', allowed: ['admin', 'lead', 'facilitator', 'analyst'] },
  { path: '/programmes/:id/workshops/new', allowed: ['admin', 'lead', 'facilitator'] },
  { path: '/pathway', allowed: ['admin', 'practitioner', 'consultant'] },
  { path: '/pathway/profile', allowed: ['admin', 'practitioner', 'consultant'] },
  { path: '/pathway/import', allowed: ['admin', 'practitioner', 'consultant'] },
  { path: '/supervision', allowed: ['admin', 'supervisor'] },
  { path: '/cohorts', allowed: ['admin', 'lead', 'facilitator', 'supervisor'] },
  { path: '/programmes/:id/pathway-figures', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/sources', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/badges/verify', allowed: [...WHO] },
  { path: '/pathway/portfolio.schema.json', allowed: [...WHO] },
  { path: '/admin', allowed: ['admin'] },
  { path: '/admin/outbox', allowed: ['admin'] },
  { path: '/admin/audit', allowed: ['admin'] },
  { path: '/admin/users', allowed: ['admin'] },
  { path: '/frameworks', allowed: [...WHO] },
  { path: '/frameworks/WM-CONSULTANT/versions/1.0', allowed: [...WHO] },
  { path: '/frameworks/import', allowed: ['admin', 'lead'] },
  { path: '/guides', allowed: [...WHO] },
  { path: '/guides/nurse-consultant/edit', allowed: ['admin'] },
  { path: '/api/v1/me', allowed: SIGNED_IN },
  { path: '/api/v1/programmes/:id', allowed: ['admin', ...MEMBERS] },
  { path: '/api/v1/programmes/:id/members', allowed: ['admin', 'lead', 'facilitator'] },
  { path: '/programmes/:id/analysis/codebook', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/codebook/new', allowed: ['lead', 'analyst'] },
  { path: '/programmes/:id/analysis/codebook/merge', allowed: ['lead', 'analyst'] },
  { path: '/programmes/:id/analysis/compare', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/reliability', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/reliability.csv', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/exchange', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/exchange/project.qdpx', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/coding', allowed: ['lead', 'analyst'] },
  { path: '/programmes/:id/analysis/themes', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/themes/new', allowed: ['lead', 'analyst'] },
  { path: '/programmes/:id/analysis/matrix', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/matrix.csv', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/common', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/suggestions', allowed: ['admin', 'lead', 'analyst'] },
  { path: '/programmes/:id/analysis/review', allowed: ['lead', 'analyst'] },
];

describe.each(DRIVERS)('permissions (%s)', (driver) => {
  let t: TestApp;
  let programmeId: string;
  const clients = new Map<Who, TestClient>();

  beforeAll(async () => {
    t = await buildTestApp(driver, { demo: true });
    await t.app.services.seedDemo();
    await t.app.services.guides.ensureShipped();
    programmeId = (await t.app.services.programmes.listFor('', true)).find((p) => p.name === DEMO_PROGRAMME)!.id;
    const outsider = await t.app.services.accounts.register(
      { email: 'outsider@example.nhs.uk', name: 'Out Sider', password: DEMO_PASSWORD },
      { actorId: null, actorLabel: 'test' },
    );
    for (const who of WHO) {
      const c = new TestClient(t.app);
      if (who === 'outsider') await c.signIn(outsider.email, DEMO_PASSWORD);
      else if (who !== 'anonymous') await c.signIn(`${who}@waymark.example`, DEMO_PASSWORD);
      clients.set(who, c);
    }
  });
  afterAll(async () => t?.close());

  it('lets only the chosen supervisor into a practitioner’s supervision pages, and their cohort only to its runner and the programme lead', async () => {
    const nia = (await t.app.services.accounts.findUserByEmail('consultant@waymark.example'))!;
    const url = `/supervision/${nia.id}`;
    for (const who of WHO) {
      const status = (await clients.get(who)!.get(url)).statusCode;
      expect(status, who).toBe(who === 'supervisor' ? 200 : who === 'anonymous' ? 302 : 403);
    }
    const cohortId = (
      await t.app.services.groups.ownedBy(
        (await t.app.services.accounts.findUserByEmail('supervisor@waymark.example'))!.id,
      )
    )[0]!.id;
    for (const who of WHO) {
      const status = (await clients.get(who)!.get(`/cohorts/${cohortId}`)).statusCode;
      expect(status, who).toBe(['supervisor', 'lead', 'admin'].includes(who) ? 200 : who === 'anonymous' ? 302 : 403);
    }
  });

  it('offers the Delphi and workshop tools only to those who may open them', async () => {
    const stage = `/programmes/${programmeId}/stages/delphi`;
    const clinician = (await clients.get('clinician')!.get(stage)).body;
    expect(clinician).not.toContain(`href="/programmes/${programmeId}/delphi"`);
    expect(clinician).toContain('your invitation email has your own link');
    expect((await clients.get('lead')!.get(stage)).body).toContain(`href="/programmes/${programmeId}/delphi"`);
    const leadHome = (await clients.get('lead')!.get(`/programmes/${programmeId}`)).body;
    expect(leadHome).toContain(`href="/programmes/${programmeId}/workshops"`);
    expect((await clients.get('citizen')!.get(`/programmes/${programmeId}`)).body).not.toContain(
      `href="/programmes/${programmeId}/workshops"`,
    );
  });

  it('has a demo account for every role', () => {
    expect(demoAccounts().map((a) => a.email.split('@')[0])).toEqual(
      WHO.filter((w) => w !== 'anonymous' && w !== 'outsider'),
    );
  });

  for (const { path, allowed } of MATRIX) {
    it(`GET ${path}: only ${allowed.length === WHO.length ? 'everyone' : allowed.join(', ')}`, async () => {
      const url = path.replace(':id', programmeId);
      const results: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const who of WHO) {
        const res = await clients.get(who)!.get(url);
        results[who] = res.statusCode;
        const isApi = url.startsWith('/api/');
        expected[who] = allowed.includes(who) ? 200 : who === 'anonymous' ? (isApi ? 401 : 302) : 403;
      }
      expect(results).toEqual(expected);
    });
  }

  it('refuses a change by the wrong role and changes nothing', async () => {
    const before = await countRows(t.app, 'invitations');
    const facilitator = clients.get('facilitator')!;
    await facilitator.get(`/programmes/${programmeId}/members`);
    const res = await facilitator.post(`/programmes/${programmeId}/members/invite`, {
      _csrf: facilitator.csrf(),
      email: 'sneaky@example.nhs.uk',
      role: 'lead',
    });
    expect(res.statusCode).toBe(403);
    const api = await clients
      .get('clinician')!
      .json('PUT', `/api/v1/programmes/${programmeId}/stages/delphi`, { state: 'done' }, { 'csrf-token': 'x' });
    expect(api.statusCode).toBe(403);
    expect(await countRows(t.app, 'invitations')).toBe(before);
  });

  it('shows the 403 page with a way on', async () => {
    const res = await clients.get('practitioner')!.get('/admin');
    expect(res.body).toContain('You do not have permission to see this page');
    expect(res.body).toContain('href="/programmes"');
  });

  it('lists the demo accounts on the sign-in page under a Demo heading', async () => {
    const res = await new TestClient(t.app).get('/sign-in');
    expect(res.body).toContain('Demo accounts');
    for (const a of demoAccounts()) expect(res.body).toContain(a.email);
    expect(res.body).toContain(DEMO_PASSWORD);
  });

  it('refuses to start with a route that declares no permission', async () => {
    const app = Fastify({ logger: false });
    await registerPlatform(app, {
      platform: t.app.platform,
      views: createViewEnvironment(),
      programmeRoles: async () => [],
      navigation: [],
      maxUploadBytes: 1024,
    });
    expect(() => app.get('/forgotten', async () => 'x')).toThrow(/does not declare a known permission/);
    await app.close();
  });
});
