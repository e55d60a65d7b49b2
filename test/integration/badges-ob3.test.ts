import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { Ajv2019 } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser } from '../helpers/factories';
import { loadShippedFrameworks } from '../../src/features/demo/seed';
import { insertSignoff, signoffsOf } from '../../src/features/pathway/repository';
import { buildAchievementCredential, issuerKeys, verifyCredential } from '../../src/platform/credentials/open-badges';
import { achievementCredentialSchema, issuerProfileSchema } from '../../src/platform/credentials/ob3-schema';

const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(achievementCredentialSchema);
const validateCredential = ajv.getSchema(achievementCredentialSchema.$id)!;
const validateProfile = ajv.compile(issuerProfileSchema);

/** Badges as an outside Open Badges 3.0 verifier sees them: header, claims, key URL, issuer profile. */
describe.each(DRIVERS)('Open Badges 3.0 badges (%s)', (driver) => {
  let t: TestApp;
  let practitionerId: string;
  let pathwayId: string;
  let supervisorId: string;
  let supervisor: TestClient;
  const anyone = () => new TestClient(t.app);
  const local = (url: string) => url.replace(t.app.platform.config.baseUrl, '');

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await loadShippedFrameworks(t.app.services.frameworks);
    const me = await buildUser(t.app, { name: 'Gwenllian Ŵyn-Łąkowska', roles: ['practitioner'] });
    const sup = await buildUser(t.app, { name: 'Sam Supervisor', roles: ['supervisor'] });
    practitionerId = me.id;
    supervisorId = sup.id;
    const client = new TestClient(t.app);
    await client.signIn(me.email, me.password);
    await client.get('/pathway');
    const versionId = /<option value="([0-9a-f-]{36})"[^>]*>\s*Consultant practice capability/.exec(
      client.lastHtml,
    )![1]!;
    pathwayId = ((await client.post('/pathway/start', { _csrf: client.csrf(), versionId })).headers.location as string)
      .split('/')
      .pop()!;
    expect((await client.submit('/pathway/profile', '/pathway/supervisors', { email: sup.email })).statusCode).toBe(
      302,
    );
    supervisor = new TestClient(t.app);
    await supervisor.signIn(sup.email, sup.password);
  });
  afterAll(async () => t?.close());

  it('issues a VC-JWT whose kid dereferences to the key, whose claims match the credential, and which meets the OB 3.0 schema', async () => {
    await supervisor.get(`/supervision/${practitionerId}`);
    const signed = await supervisor.post(`/supervision/${practitionerId}/pathways/${pathwayId}/signoff`, {
      _csrf: supervisor.csrf(),
      stage: 'transition',
      confirm: 'yes',
      comment: 'Well evidenced',
    });
    expect(signed.statusCode).toBe(302);
    const [row] = await signoffsOf(t.app.platform.db, pathwayId);
    const c = anyone();
    expect(textOf((await c.get(`/badges/${row!.id}`)).body)).toContain('Verified');
    const jwt = (await c.get(`/badges/${row!.id}/credential.jwt`)).body;

    const header = decodeProtectedHeader(jwt);
    expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'typ']);
    expect(header.alg).toBe('RS256');
    const keyResponse = await c.get(local(header.kid!));
    expect(keyResponse.statusCode).toBe(200);
    expect(keyResponse.headers['content-type']).toContain('application/jwk+json');
    const jwk = JSON.parse(keyResponse.body);
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', kid: header.kid });
    expect(jwk.d).toBeUndefined();
    expect(JSON.parse((await c.get('/badges/issuer/jwks.json')).body).keys).toEqual([jwk]);
    // The key from the kid URL alone verifies the badge.
    expect((await verifyCredential(jwt, jwk)).ok).toBe(true);

    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    const { iss, jti, sub, nbf, iat, ...vc } = claims;
    expect(iat).toBe(nbf);
    expect(iss).toBe(vc.issuer.id);
    expect(jti).toBe(vc.id);
    expect(sub).toBe(`urn:uuid:${practitionerId}`);
    expect(sub).toBe(vc.credentialSubject.id);
    expect(nbf * 1000).toBe(Date.parse(vc.validFrom));
    expect(validateCredential(vc), JSON.stringify(validateCredential.errors)).toBe(true);
    expect(vc.credentialSubject.identifier[0].identityHash).toBe('Gwenllian Ŵyn-Łąkowska');
  });

  it('publishes an issuer profile that uses only Open Badges 3.0 Profile terms', async () => {
    const profile = JSON.parse((await anyone().get('/badges/issuer')).body);
    expect(validateProfile(profile), JSON.stringify(validateProfile.errors)).toBe(true);
    expect(profile.id).toBe(`${t.app.platform.config.baseUrl}/badges/issuer`);
  });

  it('answers a key URL only for the key it names', async () => {
    expect((await anyone().get('/badges/issuer/keys/not-our-key')).statusCode).toBe(404);
  });

  it('still shows a badge signed before subjects had ids as verified', async () => {
    const keys = await issuerKeys(t.app.platform.db);
    const base = t.app.platform.config.baseUrl;
    const id = randomUUID();
    const old = buildAchievementCredential({
      id: `${base}/badges/${id}`,
      issuer: { id: `${base}/badges/issuer`, name: 'Waymark', url: base },
      subject: { id: 'unused', name: 'Ada Legacy' },
      achievement: {
        id: 'urn:waymark:achievement:old:transition',
        name: 'Old badge',
        description: 'Signed off earlier.',
        criteria: 'Reviewed by a supervisor.',
      },
      validFrom: new Date('2026-01-02T03:04:05Z'),
    });
    // The form Waymark used to sign: no subject id, no sub, the key's thumbprint as kid, validFrom with milliseconds.
    const { id: _none, ...subject } = old.credentialSubject;
    const legacy = { ...old, validFrom: '2026-01-02T03:04:05.678Z', credentialSubject: subject };
    const seconds = Math.floor(Date.parse(legacy.validFrom) / 1000);
    const jwt = await new SignJWT({ ...legacy })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.kid })
      .setIssuer(legacy.issuer.id)
      .setJti(legacy.id)
      .setIssuedAt(seconds)
      .setNotBefore(seconds)
      .sign(keys.privateKey);
    await insertSignoff(t.app.platform.db, {
      id,
      pathwayId,
      stage: 'years-1-3',
      supervisorId,
      supervisorName: 'Sam Supervisor',
      credential: jwt,
    });
    const page = textOf((await anyone().get(`/badges/${id}`)).body);
    expect(page).toContain('Verified');
    expect(page).toContain('Awarded to Ada Legacy');
  });
});
