import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient } from '../helpers/client';
import { buildProgramme, buildUser, countRows } from '../helpers/factories';

describe.each(DRIVERS)('JSON API (%s)', (driver) => {
  let t: TestApp;
  let adminToken: string;
  const auth = () => ({ authorization: `Bearer ${adminToken}` });

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const admin = await buildUser(t.app, { roles: ['admin'] });
    adminToken = (
      await t.app.services.accounts.createApiToken(
        admin.id,
        { name: 'test', expiresInDays: 30, scopes: ['write'] },
        { actorId: admin.id, actorLabel: admin.email },
      )
    ).token!;
  });
  afterAll(async () => t?.close());

  it('publishes an OpenAPI 3.1 document that lists every operation', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/me',
        '/api/v1/programmes',
        '/api/v1/programmes/{programmeId}',
        '/api/v1/programmes/{programmeId}/members',
        '/api/v1/programmes/{programmeId}/invitations',
        '/api/v1/programmes/{programmeId}/stages/{stage}',
      ]),
    );
    const create = doc.paths['/api/v1/programmes'].post;
    expect(create.requestBody.content['application/json'].schema.properties.name.type).toBe('string');
    expect(create.responses['400'].content['application/json'].schema.properties.error).toBeDefined();
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('POST /api/v1/programmes');
  });

  it('creates and reads a programme with a token; an Idempotency-Key makes a retry safe', async () => {
    const before = await countRows(t.app, 'programmes');
    const body = { name: 'API programme', areas: ['Cancer Care'], stakeholderTypes: ['Clinician', 'Educator'] };
    const headers = { ...auth(), 'idempotency-key': 'retry-me-1' };
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/programmes', payload: body, headers });
    const retry = await t.app.inject({ method: 'POST', url: '/api/v1/programmes', payload: body, headers });
    expect(first.statusCode).toBe(201);
    expect(retry.json().id).toBe(first.json().id);
    expect(await countRows(t.app, 'programmes')).toBe(before + 1);
    const got = await t.app.inject({ method: 'GET', url: `/api/v1/programmes/${first.json().id}`, headers: auth() });
    expect(got.json().areas.map((a: { name: string }) => a.name)).toEqual(['Cancer Care']);
    expect(got.json().stages).toHaveLength(8);
  });

  it('answers invalid input with the stable error shape and per-field messages', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/programmes',
      payload: { name: '' },
      headers: auth(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'validation', message: expect.any(String), fields: { name: 'Enter a programme name' } },
    });
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/programmes',
      payload: '{nope',
      headers: { ...auth(), 'content-type': 'application/json' },
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('invalid_json');
  });

  it('answers unknown routes and missing records with 404 JSON', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: auth() });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/programmes/00000000-0000-4000-8000-000000000000',
      headers: auth(),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses no token, a bad token, and a session write without the CSRF header', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me' })).json().error.code).toBe('unauthenticated');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer wm_pat_forged' } }))
        .statusCode,
    ).toBe(401);
    const u = await buildUser(t.app);
    const p = await buildProgramme(t.app, { members: [{ userId: u.id, role: 'lead' }] });
    const c = new TestClient(t.app);
    await c.signIn(u.email, u.password);
    const noCsrf = await c.json('PUT', `/api/v1/programmes/${p.id}/stages/delphi`, { state: 'done' });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf');
    await c.get('/account/tokens');
    const withCsrf = await c.json(
      'PUT',
      `/api/v1/programmes/${p.id}/stages/delphi`,
      { state: 'done' },
      { 'csrf-token': c.csrf() },
    );
    expect(withCsrf.statusCode).toBe(200);
    expect(withCsrf.json().stages[0].state).toBe('done');
  });

  it('invites through the API, with the same rules as the page', async () => {
    const p = await buildProgramme(t.app);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${p.id}/invitations`,
      payload: { email: 'p@example.nhs.uk', role: 'participant' },
      headers: auth(),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.stakeholderTypeId).toBeDefined();
    const ok = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${p.id}/invitations`,
      payload: { email: 'f@example.nhs.uk', role: 'facilitator' },
      headers: auth(),
    });
    expect(ok.statusCode).toBe(201);
    const members = await t.app.inject({ method: 'GET', url: `/api/v1/programmes/${p.id}/members`, headers: auth() });
    expect(members.json().invitations.map((i: { email: string }) => i.email)).toEqual(['f@example.nhs.uk']);
  });

  it('a retried create without an Idempotency-Key creates once: programmes by name, invitations by person, workshops by title', async () => {
    const post = (url: string, payload: unknown) =>
      t.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: auth() });
    const programmesBefore = await countRows(t.app, 'programmes');
    const made = await post('/api/v1/programmes', { name: 'Retried without a key' });
    const retried = await post('/api/v1/programmes', { name: 'Retried without a key' });
    expect(made.statusCode).toBe(201);
    expect(retried.json().id).toBe(made.json().id);
    expect(await countRows(t.app, 'programmes')).toBe(programmesBefore + 1);
    const p = made.json().id as string;

    const invitationsBefore = await countRows(t.app, 'invitations');
    const invite = { email: 'retry.me@example.nhs.uk', role: 'facilitator' };
    const first = await post(`/api/v1/programmes/${p}/invitations`, invite);
    const again = await post(`/api/v1/programmes/${p}/invitations`, invite);
    expect(first.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(await countRows(t.app, 'invitations')).toBe(invitationsBefore + 1);
    const otherRole = await post(`/api/v1/programmes/${p}/invitations`, { ...invite, role: 'analyst' });
    expect(otherRole.statusCode).toBe(400);
    expect(otherRole.json().error.fields.email).toContain('already has an invitation waiting, as facilitator');

    const workshop = {
      kind: 'area',
      title: 'Cancer Care: research',
      area: 'Cancer Care',
      pillar: 'Research and innovation',
    };
    const w1 = await post(`/api/v1/programmes/${p}/workshops`, workshop);
    const w2 = await post(`/api/v1/programmes/${p}/workshops`, workshop);
    expect(w1.statusCode).toBe(201);
    expect(w1.json()).toMatchObject({
      kind: 'area',
      area: 'Cancer Care',
      pillar: 'Research and innovation',
      status: 'planned',
    });
    expect(w2.json().id).toBe(w1.json().id);
    expect((await t.app.services.workshops.list(p)).length).toBe(1);
  });

  it('refuses a workshop without the area and pillar its kind needs, as the page does, every field at once', async () => {
    const p = await buildProgramme(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${p.id}/workshops`,
      payload: { kind: 'area', title: 'Missing parts' },
      headers: auth(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({
      area: 'Choose the clinical area this workshop is for',
      pillar: 'Choose the pillar this workshop is about',
    });
    const expert = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${p.id}/workshops`,
      payload: { kind: 'expert-practice', title: 'Expert', pillar: 'Not a pillar' },
      headers: auth(),
    });
    expect(expert.json().error.fields).toEqual({
      area: 'Choose the clinical area whose expert practice this workshop is about',
      pillar: 'Choose a pillar from the list',
    });
    const nhs = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${p.id}/workshops`,
      payload: { kind: 'cross-area', title: 'Patient 943 476 5919' },
      headers: auth(),
    });
    expect(nhs.json().error.fields.title).toContain('looks like an NHS number');
    expect(await t.app.services.workshops.list(p.id)).toEqual([]);
  });
});
