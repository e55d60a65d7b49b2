import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { textOf, type TestClient } from '../helpers/client';
import { countRows } from '../helpers/factories';
import { cookieOf, setUpWorkshop } from './workshops-scene';

describe.each(DRIVERS)('workshops: setting up and the script (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let base: string;

  beforeAll(async () => {
    ({ t, facilitator, base } = await setUpWorkshop(driver));
  });
  afterAll(async () => t?.close());

  it('refuses a question whose timer is not 1 to 240 minutes, adding nothing', async () => {
    const before = await countRows(t.app, 'workshop_activities');
    for (const timerMinutes of ['abc', '-5', '999']) {
      const bad = await facilitator.submit(base, `${base}/activities`, { prompt: 'An extra question', timerMinutes });
      expect(bad.statusCode, timerMinutes).toBe(400);
      expect(textOf(bad.body)).toContain('Set a timer from 1 to 240 minutes, or none');
    }
    expect(await countRows(t.app, 'workshop_activities')).toBe(before);
  });

  it('an area workshop needs its area and pillar, an expert practice workshop its area: every missing field at once, nothing created', async () => {
    const url = `${base.split('/workshops/')[0]}/workshops/new`;
    const before = await countRows(t.app, 'workshops');
    const area = await facilitator.submit(url, url, { kind: 'area', title: 'No area or pillar' });
    expect(area.statusCode).toBe(400);
    const text = textOf(area.body);
    expect(text).toContain('Choose the clinical area this workshop is for');
    expect(text).toContain('Choose the pillar this workshop is about');
    expect(area.body).toContain('href="#area"');
    expect(area.body).toContain('href="#pillar"');
    const expert = await facilitator.submit(url, url, { kind: 'expert-practice', title: 'Expert practice, no area' });
    expect(textOf(expert.body)).toContain('Choose the clinical area whose expert practice this workshop is about');
    expect(textOf(expert.body)).not.toContain('Choose the pillar');
    const elsewhere = await facilitator.submit(url, url, {
      kind: 'area',
      title: 'Unknown area',
      area: 'Dermatology',
      pillar: 'Consultancy',
    });
    expect(textOf(elsewhere.body)).toContain('Choose a clinical area of this programme from the list');
    const again = await facilitator.submit(url, url, { kind: 'cross-area', title: 'msk RESEARCH workshop' });
    expect(textOf(again.body)).toContain(
      'There is already a workshop called "msk RESEARCH workshop" in this programme',
    );
    expect(await countRows(t.app, 'workshops')).toBe(before);
    expect(textOf((await facilitator.get(base)).body)).toContain('Status Not started yet');
  });

  it("puts multipart forms through the free-text guard too: text fields and an uploaded file's name", async () => {
    const { multipart } = await import('../helpers/client');
    const send = async (
      url: string,
      fields: Record<string, string>,
      file?: { field: string; filename: string; content: string },
    ) => {
      await facilitator.get(base);
      const { payload, contentType } = multipart({ _csrf: facilitator.csrf(), ...fields }, file);
      return t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': contentType, cookie: cookieOf(facilitator) },
      });
    };
    const activities = await countRows(t.app, 'workshop_activities');
    const nhs = await send(`${base}/activities`, { prompt: 'What happened to patient 943 476 5919?' });
    expect(nhs.statusCode).toBe(400);
    expect(textOf(nhs.body)).toContain('This contains what looks like an NHS number (943 476 5919)');
    const long = await send(`${base}/activities`, { prompt: 'x'.repeat(20_001) });
    expect(long.statusCode).toBe(400);
    expect(textOf(long.body)).toContain('This must be 20,000 characters or fewer (it has 20,001)');
    expect(await countRows(t.app, 'workshop_activities')).toBe(activities);
    const sources = await countRows(t.app, 'workshop_sources');
    const named = await send(
      `${base}/sources`,
      {},
      { field: 'file', filename: 'patient 9434765919.txt', content: 'We talked about protected time.' },
    );
    expect(named.statusCode).toBe(400);
    expect(named.body).toMatch(/id="file-error"[^]*looks like an NHS number \(9434765919\)/);
    expect(await countRows(t.app, 'workshop_sources')).toBe(sources);
  });
});
