import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { multipart, TestClient } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';
import { isIdName } from '../../src/platform/http/input-guards';

/**
 * Every registered route, as nobody and as a signed-in admin, gets malformed ids, NUL bytes and
 * bodies of the wrong kind. None may answer 500, hang, or leave the server unable to answer.
 */

const NUL = '\u0000';
const STATIC = ['/assets/', '/nhsuk/', '/static/'];

interface Problem {
  who: string;
  what: string;
  method: string;
  url: string;
  status: number | string;
  body?: string;
}

/** The route's path with each parameter filled in. */
function fill(url: string, value: (name: string) => string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => value(name)).replace(/\*$/, 'x');
}

const badIds = (name: string) => (isIdName(name) ? "not-a-uuid'%00" : `x%00y%E3%80%82`);

/** A form with the fields many of Waymark's forms have, each spoiled with a NUL byte or a bad id. */
function spoiledForm(csrf: string): Record<string, string> {
  return {
    _csrf: csrf,
    _submission: `${NUL}key`,
    name: `Name${NUL}`,
    title: `Title${NUL}\u0007`,
    email: `a${NUL}@example.nhs.uk`,
    text: `Text${NUL}`,
    description: `D${NUL}`,
    password: `p${NUL}`,
    reason: `r${NUL}`,
    versionId: 'not-a-uuid',
    activityId: '1',
    clusterId: `${NUL}`,
    userId: "x' or 1=1",
  };
}

describe.each(DRIVERS)('every route under malformed input (%s)', (driver) => {
  let t: TestApp;
  let programmeId: string;
  const admin = { client: undefined as unknown as TestClient, csrf: '' };
  const anonymous = { client: undefined as unknown as TestClient, csrf: '' };

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const u = await buildUser(t.app, { roles: ['admin', 'practitioner', 'supervisor'] });
    programmeId = (await buildProgramme(t.app, { members: [{ userId: u.id, role: 'lead' }] })).id;
    admin.client = new TestClient(t.app);
    await admin.client.signIn(u.email, u.password);
    await admin.client.get('/account');
    admin.csrf = admin.client.csrf();
    anonymous.client = new TestClient(t.app);
    await anonymous.client.get('/sign-in');
    anonymous.csrf = anonymous.client.csrf();
  });
  afterAll(async () => t?.close());

  it('never answers 500 and keeps answering', { timeout: 120_000 }, async () => {
    const problems: Problem[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);

    const routes = t.app.routeTable.filter(
      (r) => !['HEAD', 'OPTIONS'].includes(r.method) && !STATIC.some((p) => r.url.startsWith(p)),
    );
    expect(routes.length).toBeGreaterThan(100);

    let sent = 0;
    const started = Date.now();
    async function send(
      who: 'anonymous' | 'admin',
      what: string,
      opts: InjectOptions & { url: string; method: string },
    ) {
      sent++;
      const actor = who === 'admin' ? admin : anonymous;
      const cookie = [...actor.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 3000)));
      const t0 = Date.now();
      const res = await Promise.race([
        t.app.inject({ ...opts, headers: { cookie, ...(opts.headers ?? {}) } }),
        timeout,
      ]);
      clearTimeout(timer);
      if (process.env.FUZZ_TIMING && Date.now() - t0 > 300)
        console.log(`slow ${Date.now() - t0} ms: ${who} ${what} ${opts.method} ${opts.url}`);
      // A slow answer is a problem too: one request must not hold the process (a multipart body once took 15 s).
      if (res === 'timeout' || (res as LightMyRequestResponse).statusCode >= 500) {
        problems.push({
          who,
          what,
          method: opts.method,
          url: opts.url,
          status: res === 'timeout' ? 'no answer' : res.statusCode,
          body: res === 'timeout' ? undefined : res.body.slice(0, 200),
        });
      }
    }

    for (const route of routes) {
      const { method } = route;
      const bad = fill(route.url, badIds);
      // Real enough to reach the handler: the programme exists, other ids are well-formed but name nothing.
      const good = fill(route.url, (name) =>
        name === 'programmeId' ? programmeId : isIdName(name) ? randomUUID() : 'x',
      );
      const live = route.url.endsWith('/events');
      for (const who of ['anonymous', 'admin'] as const) {
        // Signing out takes no input, and would make the rest of the walk anonymous.
        if (who === 'admin' && route.url === '/sign-out') continue;
        const csrf = who === 'admin' ? admin.csrf : anonymous.csrf;
        if (method === 'GET') {
          await send(who, 'malformed path', { method, url: bad });
          if (!live)
            await send(who, 'NUL in the query', {
              method,
              url: `${good}?q=%00x&page=%00&status=%E3%80%82&returnTo=%2F%09%2Fevil.example`,
            });
          continue;
        }
        const form = new URLSearchParams(spoiledForm(csrf)).toString();
        const formType = { 'content-type': 'application/x-www-form-urlencoded' };
        await send(who, 'malformed path', { method, url: bad, payload: form, headers: formType });
        await send(who, 'NUL and bad ids in a form', { method, url: good, payload: form, headers: formType });
        await send(who, 'text/plain', {
          method,
          url: good,
          payload: `_csrf=${csrf}`,
          headers: { 'content-type': 'text/plain', 'csrf-token': csrf },
        });
        const upload = multipart(
          { _csrf: csrf, title: `T${NUL}`, format: `c${NUL}sv`, a: '1', b: '2', c: '3', d: '4' },
          { field: 'file', filename: `evil${NUL}\u0001name.csv`, content: `a,b\n${NUL}1,2\n`, type: 'text/csv' },
        );
        await send(who, 'multipart with NUL in the file name', {
          method,
          url: good,
          payload: upload.payload,
          headers: { 'content-type': upload.contentType },
        });
        if (who === 'anonymous') continue;
        await send(who, 'JSON string', {
          method,
          url: good,
          payload: '"a string"',
          headers: { 'content-type': 'application/json', 'csrf-token': csrf },
        });
        await send(who, 'JSON array', {
          method,
          url: good,
          payload: '[1,{"a":"\\u0000"}]',
          headers: { 'content-type': 'application/json', 'csrf-token': csrf },
        });
        await send(who, 'JSON object of wrong types', {
          method,
          url: good,
          payload: JSON.stringify({
            _csrf: csrf,
            name: ['x'],
            title: 5,
            email: null,
            text: { a: NUL },
            activityId: 'x',
            noteIds: ['y'],
          }),
          headers: { 'content-type': 'application/json', 'csrf-token': csrf },
        });
      }
    }

    process.off('unhandledRejection', onUnhandled);
    if (process.env.FUZZ_TIMING) console.log(`${sent} requests in ${Date.now() - started} ms`);
    expect(problems).toEqual([]);
    expect(unhandled).toEqual([]);
    expect((await t.app.inject('/healthz')).statusCode).toBe(200);
    expect((await admin.client.get('/programmes')).statusCode).toBe(200);
  });
});
