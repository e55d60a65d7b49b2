import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows, lastEmailTo, linkIn, startPractitionerWithSupervisor } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { loadShippedFrameworks } from '../../src/features/demo/seed';
import { queryRows } from '../../src/platform/db/database';

/** Evidence confirmation, supervision and sign-off with a badge, on both databases. */
describe.each(DRIVERS)('confirmation, supervision and badges (%s)', (driver) => {
  let t: TestApp;
  let me: TestClient;
  let meUser: Awaited<ReturnType<typeof buildUser>>;
  let sup: TestClient;
  let supUser: Awaited<ReturnType<typeof buildUser>>;
  let path: string;

  async function addEvidence(title: string): Promise<string> {
    const r = await me.submit(`${path}/evidence`, `${path}/evidence`, {
      kind: 'leadership',
      title,
      template: 'none',
      reflection: `About ${title}`,
    });
    expect(r.statusCode).toBe(302);
    return r.headers.location as string;
  }
  const statusOf = async (item: string) =>
    (
      await queryRows<{ status: string }>(
        t.app.platform.db,
        sql`select status from evidence where id = ${item.split('/').pop()!}`,
      )
    )[0]!.status;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await loadShippedFrameworks(t.app.services.frameworks);
    ({ meUser, supUser, me, sup, path } = await startPractitionerWithSupervisor(t.app, {
      practitioner: 'Priya Practitioner',
      supervisor: 'Sam Supervisor',
    }));
  });
  afterAll(async () => t?.close());

  it('confirms evidence through a link that needs no account, works once, and refuses tampering', async () => {
    const item = await addEvidence('Chaired the regional MSK network');
    const self = await me.submit(item, `${item}/confirmation`, { name: 'Me', email: meUser.email });
    expect(textOf(self.body)).toContain('you cannot confirm your own evidence');
    const badEmail = await me.submit(item, `${item}/confirmation`, { name: 'Dr Okafor', email: 'not-an-email' });
    expect(textOf(badEmail.body)).toContain('Enter their email address');
    expect(await statusOf(item)).toBe('draft');

    const found = await me.get(`${item}?q=2.1.3`);
    const statement = /name="statement" value="([0-9a-f-]{36})"/.exec(found.body)![1]!;
    expect(
      (
        await me.submit(item, `${item}/confirmation`, {
          name: 'Dr Okafor',
          email: 'okafor@trust.example',
          message: 'Thank you!',
        })
      ).statusCode,
    ).toBe(302);
    expect(await statusOf(item)).toBe('submitted');
    const again = await me.submit(item, `${item}/confirmation`, { name: 'Dr Okafor', email: 'okafor@trust.example' });
    expect(textOf(again.body)).toContain('already waiting for confirmation');
    // What the colleague is asked to confirm cannot change under them.
    // The controls to change links are not shown while it waits, and a forged post is refused.
    expect((await me.get(`${item}?q=2.1.3`)).body).not.toContain('name="statement"');
    const swap = await me.post(`${item}/links`, { _csrf: me.csrf(), statement });
    expect(swap.statusCode).toBe(400);
    expect(textOf(swap.body)).toContain('stay as they are: withdraw the request first');
    expect(await countRows(t.app, 'evidence_links')).toBe(0);
    const mail = (await liveMessageTo(t.app, 'okafor@trust.example'))!;
    expect(mail.subject).toBe('Priya Practitioner asks you to confirm their evidence');
    const link = linkIn(mail.text);

    const guest = new TestClient(t.app);
    const page = await guest.get(link);
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('Chaired the regional MSK network');
    expect(textOf(page.body)).not.toContain('About Chaired'); // the reflection was not shared
    const tampered = await guest.get(`${link.slice(0, -2)}xx`);
    expect(tampered.statusCode).toBe(404);
    expect(textOf(tampered.body)).toContain('This link does not work');

    await guest.get(link);
    const token = guest.csrf();
    const missing = await guest.post(link, { _csrf: token, decision: 'confirm', name: '', role: '', statement: '' });
    expect(missing.statusCode).toBe(400);
    expect(textOf(missing.body)).toContain('Enter your full name');
    expect(textOf(missing.body)).toContain('Write your statement');
    expect(await statusOf(item)).toBe('submitted');

    const ok = await guest.post(link, {
      _csrf: guest.csrf(),
      decision: 'confirm',
      name: 'Dr Ada Okafor',
      role: 'Consultant rheumatologist',
      organisation: 'North Trust',
      registration: 'GMC 1234567',
      statement: 'I saw the network meetings she chaired.',
    });
    expect(ok.statusCode).toBe(200);
    expect(textOf(ok.body)).toContain('Evidence confirmed');
    expect(await statusOf(item)).toBe('confirmed');
    const reused = await guest.post(link, {
      _csrf: token,
      decision: 'return',
      name: 'Someone',
      role: 'x',
      statement: 'changed my mind',
    });
    expect(reused.statusCode).toBe(410);
    expect(textOf(reused.body)).toContain('already been used');
    expect(await statusOf(item)).toBe('confirmed');
    const mine = textOf((await me.get(item)).body);
    expect(mine).toContain(
      'Confirmed by Dr Ada Okafor, Consultant rheumatologist, North Trust (registration GMC 1234567)',
    );
    expect(mine).not.toContain('Change this evidence'); // confirmed evidence stays as confirmed
    const edit = await me.post(`${item}/edit`, {
      _csrf: me.csrf(),
      kind: 'leadership',
      title: 'Something else',
      template: 'none',
    });
    expect(textOf(edit.body)).toContain('Confirmed evidence cannot be changed');
  });

  it('refuses an expired link and one whose request was withdrawn', async () => {
    const item = await addEvidence('Taught the advanced practice cohort');
    await me.submit(item, `${item}/confirmation`, { name: 'Mo', email: 'mo@trust.example', includeReflection: 'yes' });
    const link = linkIn((await liveMessageTo(t.app, 'mo@trust.example'))!.text);
    const guest = new TestClient(t.app);
    expect(textOf((await guest.get(link)).body)).toContain('About Taught'); // the reflection was shared this time
    await t.app.platform.db.execute(
      sql`update link_tokens set expires_at = now() - interval '1 minute' where purpose = 'evidence-confirmation' and used_at is null`,
    );
    const expired = await guest.get(link);
    expect(expired.statusCode).toBe(410);
    expect(textOf(expired.body)).toContain('This link has expired');

    await me.get(item);
    expect((await me.post(`${item}/withdraw`, { _csrf: me.csrf() })).statusCode).toBe(302);
    expect(await statusOf(item)).toBe('draft');
    await me.submit(item, `${item}/confirmation`, { name: 'Mo', email: 'mo2@trust.example' });
    const second = linkIn((await liveMessageTo(t.app, 'mo2@trust.example'))!.text);
    await me.get(item);
    await me.post(`${item}/withdraw`, { _csrf: me.csrf() });
    const gone = await guest.get(second);
    expect(gone.statusCode).toBe(410);
    expect(await statusOf(item)).toBe('draft');
  });

  it('lets a practitioner choose a supervisor, who then sees only their practitioners', async () => {
    const notSup = await me.submit('/pathway/profile', '/pathway/supervisors', {
      email: meUser.email.replace('@', '+x@'),
    });
    expect(textOf(notSup.body)).toContain('There is no supervisor with that email');
    expect((await me.submit('/pathway/profile', '/pathway/supervisors', { email: supUser.email })).statusCode).toBe(
      302,
    );
    expect(textOf((await me.get('/pathway/profile')).body)).toContain('Sam Supervisor');

    const list = textOf((await sup.get('/supervision')).body);
    expect(list).toContain('Priya Practitioner');
    const person = await sup.get(`/supervision/${meUser.id}`);
    expect(person.statusCode).toBe(200);
    expect(textOf(person.body)).toContain('Chaired the regional MSK network');

    const otherSup = await buildUser(t.app, { roles: ['supervisor'] });
    const stranger = new TestClient(t.app);
    await stranger.signIn(otherSup.email, otherSup.password);
    expect(textOf((await stranger.get('/supervision')).body)).not.toContain('Priya Practitioner');
    expect((await stranger.get(`/supervision/${meUser.id}`)).statusCode).toBe(403);
    // Acting on someone else's practitioner changes nothing.
    const item = await addEvidence('Audit of injection clinic');
    await me.get(item);
    await me.post(`${item}/verification`, { _csrf: me.csrf() });
    const pid = path.split('/').pop()!;
    const eid = item.split('/').pop()!;
    await stranger.get('/supervision');
    const forged = await stranger.post(`/supervision/${meUser.id}/pathways/${pid}/evidence/${eid}/decision`, {
      _csrf: stranger.csrf(),
      decision: 'confirm',
    });
    expect(forged.statusCode).toBe(403);
    expect(await statusOf(item)).toBe('submitted');
    // A practitioner cannot reach the supervision pages at all.
    expect((await me.get(`/supervision/${meUser.id}`)).statusCode).toBe(403);
  });

  it('lets the supervisor verify or return evidence, record meetings and sign off a stage once, issuing a badge that verifies', async () => {
    const pid = path.split('/').pop()!;
    const items = await queryRows<{ id: string }>(
      t.app.platform.db,
      sql`select id from evidence where title = 'Audit of injection clinic'`,
    );
    const eid = items[0]!.id;
    const url = `/supervision/${meUser.id}/pathways/${pid}/evidence/${eid}`;
    expect(textOf((await sup.get(url)).body)).toContain('About Audit of injection clinic');
    const noComment = await sup.post(`${url}/decision`, { _csrf: sup.csrf(), decision: 'return', comment: '' });
    expect(textOf(noComment.body)).toContain('Say what to change when you return evidence');
    expect(
      (
        await sup.post(`${url}/decision`, {
          _csrf: sup.csrf(),
          decision: 'return',
          comment: 'Add the re-audit results',
        })
      ).statusCode,
    ).toBe(302);
    expect(await statusOf(`/${eid}`)).toBe('returned');
    expect(textOf((await me.get(`${path}/evidence/${eid}`)).body)).toContain('Returned by Sam Supervisor');
    await me.post(`${path}/evidence/${eid}/verification`, { _csrf: me.csrf() });
    await sup.get(url);
    expect(
      (await sup.post(`${url}/decision`, { _csrf: sup.csrf(), decision: 'confirm', comment: 'Good' })).statusCode,
    ).toBe(302);
    expect(await statusOf(`/${eid}`)).toBe('confirmed');

    await sup.get(`/supervision/${meUser.id}`);
    const meeting = await sup.post(`/supervision/${meUser.id}/meetings`, {
      _csrf: sup.csrf(),
      heldOn: '2026-11-01',
      notes: '',
    });
    expect(textOf(meeting.body)).toContain('Write a note of what you discussed');
    expect(
      (
        await sup.post(`/supervision/${meUser.id}/meetings`, {
          _csrf: sup.csrf(),
          heldOn: '2026-11-01',
          notes: 'Reviewed the audit',
          agreedActions: 'Re-audit in March',
        })
      ).statusCode,
    ).toBe(302);
    expect(textOf((await sup.get(`/supervision/${meUser.id}`)).body)).toContain('Reviewed the audit');

    const unticked = await sup.post(`/supervision/${meUser.id}/pathways/${pid}/signoff`, {
      _csrf: sup.csrf(),
      stage: 'transition',
    });
    expect(textOf(unticked.body)).toContain('Confirm that you have reviewed the evidence');
    expect(await countRows(t.app, 'stage_signoffs')).toBe(0);
    const signed = await sup.post(`/supervision/${meUser.id}/pathways/${pid}/signoff`, {
      _csrf: sup.csrf(),
      stage: 'transition',
      confirm: 'yes',
      comment: 'Well evidenced',
    });
    expect(signed.statusCode).toBe(302);
    const twice = await sup.post(`/supervision/${meUser.id}/pathways/${pid}/signoff`, {
      _csrf: sup.csrf(),
      stage: 'transition',
      confirm: 'yes',
    });
    expect(textOf(twice.body)).toContain('already signed off');
    expect(await countRows(t.app, 'stage_signoffs')).toBe(1);
    const mail = (await lastEmailTo(t.app, meUser.email))!;
    expect(mail.subject).toBe('Transition from advanced to consultant practice signed off');
    const badgePath = linkIn(mail.text);

    const anyone = new TestClient(t.app);
    const badge = textOf((await anyone.get(badgePath)).body);
    expect(badge).toContain('Verified');
    expect(badge).toContain('Awarded to Priya Practitioner');
    const jwt = (await anyone.get(`${badgePath}/credential.jwt`)).body;
    const [h, p, s] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    expect(claims.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(claims.credentialSubject.achievement.name).toContain('Transition from advanced to consultant practice');

    await anyone.get('/badges/verify');
    const good = await anyone.post('/badges/verify', { _csrf: anyone.csrf(), credential: jwt });
    expect(textOf(good.body)).toContain('Verified');
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...claims,
        credentialSubject: {
          ...claims.credentialSubject,
          identifier: [{ type: 'IdentityObject', identityHash: 'Mallory', identityType: 'name', hashed: false }],
        },
      }),
    ).toString('base64url');
    const bad = await anyone.post('/badges/verify', { _csrf: anyone.csrf(), credential: `${h}.${forgedPayload}.${s}` });
    expect(textOf(bad.body)).toContain('Not verified');
    expect(textOf(bad.body)).toContain('The signature does not match');
    const jwks = JSON.parse((await anyone.get('/badges/issuer/jwks.json')).body);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(jwks.keys[0].d).toBeUndefined(); // never the private part

    // A supervisor whose role is taken away loses access at once, even though the practitioner had chosen them.
    await t.app.services.accounts.setRole(supUser.id, 'supervisor', false, { actorId: null, actorLabel: 'test' });
    expect((await sup.get(`/supervision/${meUser.id}`)).statusCode).toBe(403);
  });
});
