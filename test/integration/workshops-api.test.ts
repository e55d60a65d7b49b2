import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { setUpWorkshop } from './workshops-scene';

describe.each(DRIVERS)('workshops through the API (%s)', (driver) => {
  let t: TestApp;
  let base: string;
  let workshopId: string;

  beforeAll(async () => {
    ({ t, base, workshopId } = await setUpWorkshop(driver));
    // The first activity is running, with the cluster "Time and support".
    const workshops = t.app.services.workshops;
    const [first] = await workshops.activities(workshopId);
    await workshops.start((await workshops.get(workshopId))!, first!.id, SYSTEM_CONTEXT);
    await workshops.createCluster((await workshops.get(workshopId))!, first!.id, 'Time and support', SYSTEM_CONTEXT);
  });
  afterAll(async () => t?.close());

  it('works through the API with the same rules', async () => {
    const lead = (await t.app.services.accounts.listUsers({ limit: 10, offset: 0 })).rows.find((u) =>
      u.email.startsWith('user-'),
    )!;
    const token = (
      await t.app.services.accounts.createApiToken(
        lead.id,
        { name: 'api', expiresInDays: 30, scopes: ['write'] },
        SYSTEM_CONTEXT,
      )
    ).token;
    const auth = { authorization: `Bearer ${token}` };
    const programmeId = base.split('/')[2]!;
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}`,
      headers: auth,
    });
    expect(detail.statusCode).toBe(200);
    const current = detail.json().activities.find((a: { current: boolean }) => a.current);
    expect(current.clusters[0]).toMatchObject({ name: 'Time and support' });
    const body = { activityId: current.id, text: 'From the flipchart', clientKey: 'api-flipchart-1' };
    const first = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}/notes`,
      headers: auth,
      payload: body,
    });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}/notes`,
      headers: auth,
      payload: body,
    });
    expect(first.json()).toMatchObject({ created: true, text: 'From the flipchart' });
    expect(again.json()).toMatchObject({ created: false, id: first.json().id });
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}/control`,
      headers: auth,
      payload: { action: 'reveal' },
    });
    expect(bad.json().error.fields.activityId).toBe('Give the activity this applies to');
    const other = await buildUser(t.app);
    const otherToken = (
      await t.app.services.accounts.createApiToken(
        other.id,
        { name: 'api', expiresInDays: 30, scopes: ['write'] },
        SYSTEM_CONTEXT,
      )
    ).token;
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/programmes/${programmeId}/workshops/${workshopId}`,
          headers: { authorization: `Bearer ${otherToken}` },
        })
      ).statusCode,
    ).toBe(403);
  });
});
