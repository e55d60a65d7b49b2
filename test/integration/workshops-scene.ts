import { expect } from 'vitest';
import type { Driver } from '../../src/platform/db/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';

/** The cookie header of a test client, for requests made without it (inject, fetch). */
export const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * The set-up every workshops test file starts from: a lead signed in as the facilitator, who set up
 * an anonymous area workshop through the form (a bad form first); and the steps the tests take
 * (people joining with the code, a participant's board, a note, a control of the console).
 */
export async function setUpWorkshop(driver: Driver) {
  const t: TestApp = await buildTestApp(driver);
  const people: TestClient[] = [];
  const lead = await buildUser(t.app);
  const p = await buildProgramme(t.app, { members: [{ userId: lead.id, role: 'lead' }] });
  const facilitator = new TestClient(t.app);
  await facilitator.signIn(lead.email, lead.password);
  const url = `/programmes/${p.id}/workshops/new`;
  const bad = await facilitator.submit(url, url, { kind: 'area', title: '', onlineUrl: 'http://insecure' });
  expect(bad.statusCode).toBe(400);
  expect(textOf(bad.body)).toContain('Enter a title');
  expect(textOf(bad.body)).toContain('starting with https://');
  const ok = await facilitator.submit(url, url, {
    kind: 'area',
    title: 'MSK research workshop',
    area: 'Musculoskeletal',
    pillar: 'Research and innovation',
    anonymous: 'yes',
    facilitatorsSeeIdentity: 'no',
  });
  const base = ok.headers.location as string;
  const workshopId = base.split('/').pop()!;
  const page = await facilitator.get(base);
  const code = /class="wm-code">([A-Z0-9]{6})</.exec(page.body)![1]!;
  expect(textOf(page.body)).toContain('What is the ultimate purpose of the developmental framework?');

  async function join(name: string, type: string) {
    const c = new TestClient(t.app);
    const res = await c.submit(`/join/${code}`, `/join/${code}`, { name, stakeholderType: type });
    expect(res.statusCode).toBe(302);
    people.push(c);
    return c;
  }
  const board = (c: TestClient) => c.get(`/workshops/${workshopId}/board`);
  async function note(c: TestClient, text: string, clientKey = `key-${Math.random().toString(36).slice(2, 12)}`) {
    const page = await board(c);
    const activityId = /name="activityId" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return c.post(`/workshops/${workshopId}/notes`, { _csrf: c.csrf(), activityId, text, clientKey });
  }
  async function control(action: string, extra: Record<string, string> = {}) {
    await facilitator.get(base);
    const activityId = /<input type="hidden" name="activityId" value="([^"]+)">/.exec(facilitator.lastHtml)![1]!;
    return facilitator.post(`${base}/control`, { _csrf: facilitator.csrf(), action, activityId, ...extra });
  }

  return { t, facilitator, base, code, workshopId, people, join, board, note, control };
}

export type WorkshopScene = Awaited<ReturnType<typeof setUpWorkshop>>;
