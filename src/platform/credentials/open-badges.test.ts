import { base64url, calculateJwkThumbprint, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ajv2019 } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import {
  buildAchievementCredential,
  decodeUnverified,
  generateIssuerKeys,
  issuerKeyUrl,
  OB_CONTEXT,
  publishedJwk,
  signCredential,
  VC_CONTEXT,
  verifyCredential,
  type IssuerKeys,
  type OpenBadgeCredential,
} from './open-badges';
import { achievementCredentialSchema } from './ob3-schema';

const VALID_FROM = new Date('2026-03-04T05:06:07.000Z');

const SUBJECT = 'urn:uuid:0b7e2c1d-5f7a-4e8b-9c3d-2a1b0c9d8e7f';

function credential(validFrom = VALID_FROM): OpenBadgeCredential {
  return buildAchievementCredential({
    id: 'https://waymark.example/badges/3f0c8a8e-4d6b-4b8e-9a57-1f2d3c4b5a69',
    issuer: { id: 'https://waymark.example/issuer', name: 'Waymark', url: 'https://waymark.example/' },
    subject: { id: SUBJECT, name: 'Ada Lovelace' },
    achievement: {
      id: 'https://waymark.example/achievements/consultant-transition',
      name: 'Transition to consultant practice',
      description: 'Evidenced every statement at the transition stage.',
      criteria: 'All statements tagged "transition" confirmed by a supervisor.',
    },
    validFrom,
  });
}

function segments(jwt: string): [string, string, string] {
  const [header, payload, signature] = jwt.split('.');
  if (header === undefined || payload === undefined || signature === undefined) throw new Error('not a compact JWS');
  return [header, payload, signature];
}

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(segments(jwt)[1]))) as Record<string, unknown>;
}

let keys: IssuerKeys;
let otherKeys: IssuerKeys;

beforeAll(async () => {
  [keys, otherKeys] = await Promise.all([generateIssuerKeys(), generateIssuerKeys()]);
});

describe('buildAchievementCredential', () => {
  it('builds an Open Badges 3.0 OpenBadgeCredential', () => {
    expect(credential()).toEqual({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'https://waymark.example/badges/3f0c8a8e-4d6b-4b8e-9a57-1f2d3c4b5a69',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: {
        id: 'https://waymark.example/issuer',
        type: ['Profile'],
        name: 'Waymark',
        url: 'https://waymark.example/',
      },
      validFrom: '2026-03-04T05:06:07Z',
      name: 'Transition to consultant practice',
      credentialSubject: {
        id: SUBJECT,
        type: ['AchievementSubject'],
        identifier: [{ type: 'IdentityObject', identityHash: 'Ada Lovelace', identityType: 'name', hashed: false }],
        achievement: {
          id: 'https://waymark.example/achievements/consultant-transition',
          type: ['Achievement'],
          name: 'Transition to consultant practice',
          description: 'Evidenced every statement at the transition stage.',
          criteria: { narrative: 'All statements tagged "transition" confirmed by a supervisor.' },
        },
      },
    });
    expect([VC_CONTEXT, OB_CONTEXT]).toEqual(credential()['@context']);
  });

  it('leaves out an absent issuer url rather than writing undefined', () => {
    const built = buildAchievementCredential({
      id: 'https://waymark.example/badges/1',
      issuer: { id: 'https://waymark.example/issuer', name: 'Waymark' },
      subject: { id: SUBJECT, name: 'Ada Lovelace' },
      achievement: { id: 'https://waymark.example/achievements/1', name: 'A', description: 'B', criteria: 'C' },
      validFrom: VALID_FROM,
    });
    expect(Object.keys(built.issuer)).not.toContain('url');
  });

  it('keeps validFrom to the whole second, so the nbf claim can equal it', () => {
    expect(credential(new Date('2026-03-04T05:06:07.890Z')).validFrom).toBe('2026-03-04T05:06:07Z');
  });
});

describe('generateIssuerKeys', () => {
  it('makes an RS256 signing key whose kid is the public key thumbprint and whose public JWK holds no private part', async () => {
    const { kty, n, e } = keys.publicJwk;
    expect(keys.publicJwk).toEqual({ kty: 'RSA', n, e, kid: keys.kid, alg: 'RS256', use: 'sig' });
    expect(keys.kid).toBe(await calculateJwkThumbprint({ kty, n, e }, 'sha256'));
    expect(keys.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(otherKeys.kid).not.toBe(keys.kid);
  });
});

describe('signCredential / verifyCredential', () => {
  it('signs a VC-JWT that verifies and gives back the same credential', async () => {
    const jwt = await signCredential(credential(), keys);
    expect(decodeProtectedHeader(jwt)).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: `https://waymark.example/issuer/keys/${keys.kid}`,
    });
    const seconds = VALID_FROM.getTime() / 1000;
    expect(payloadOf(jwt)).toMatchObject({
      iss: 'https://waymark.example/issuer',
      jti: 'https://waymark.example/badges/3f0c8a8e-4d6b-4b8e-9a57-1f2d3c4b5a69',
      sub: SUBJECT,
      iat: seconds,
      nbf: seconds,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
    });
    expect(payloadOf(jwt)).not.toHaveProperty('vc');

    const result = await verifyCredential(jwt, keys.publicJwk);
    expect(result).toEqual({ ok: true, credential: credential(), issuedAt: VALID_FROM, legacy: false });
  });

  it('will not sign a credential whose subject has no id (there would be no sub claim)', async () => {
    const { id: _dropped, ...subject } = credential().credentialSubject;
    await expect(signCredential({ ...credential(), credentialSubject: subject }, keys)).rejects.toThrow(
      'subject needs an id',
    );
  });

  it('rejects an edited payload kept with the old signature', async () => {
    const [header, , signature] = segments(await signCredential(credential(), keys));
    const payload = payloadOf(await signCredential(credential(), keys));
    payload.name = 'Consultant practice (years 3-5)';
    const forged = `${header}.${base64url.encode(JSON.stringify(payload))}.${signature}`;
    expect(await verifyCredential(forged, keys.publicJwk)).toEqual({ ok: false, problem: 'signature' });
  });

  it('rejects a credential checked against a different key', async () => {
    const jwt = await signCredential(credential(), keys);
    expect(await verifyCredential(jwt, otherKeys.publicJwk)).toEqual({ ok: false, problem: 'signature' });
  });

  it('rejects a truncated or stripped signature', async () => {
    const jwt = await signCredential(credential(), keys);
    expect(await verifyCredential(jwt.slice(0, -10), keys.publicJwk)).toMatchObject({ ok: false });
    const [header, payload] = segments(jwt);
    expect(await verifyCredential(`${header}.${payload}.`, keys.publicJwk)).toEqual({
      ok: false,
      problem: 'signature',
    });
  });

  it('rejects an unsigned (alg none) credential', async () => {
    const unsigned = new UnsecuredJWT({ ...credential() }).setIssuer(credential().issuer.id).setIssuedAt().encode();
    expect(await verifyCredential(unsigned, keys.publicJwk)).toEqual({ ok: false, problem: 'signature' });
  });

  it.each([
    ['garbage', 'not a jwt'],
    ['empty string', ''],
    ['three dots of nothing', '..'],
    ['undecodable segments', '!!!.???.***'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { jwt: 'x' }],
  ])('says %s is malformed without throwing', async (_label, input) => {
    expect(await verifyCredential(input as unknown as string, keys.publicJwk)).toEqual({
      ok: false,
      problem: 'malformed',
    });
  });

  it('says a validly signed JWT that is not an Open Badge is not a badge', async () => {
    const jwt = await new SignJWT({ hello: 'world' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.kid })
      .setIssuer('https://waymark.example/issuer')
      .setIssuedAt()
      .sign(keys.privateKey);
    expect(await verifyCredential(jwt, keys.publicJwk)).toEqual({ ok: false, problem: 'not-a-badge' });
  });

  it('says a signed credential whose types lack OpenBadgeCredential is not a badge', async () => {
    const notABadge = { ...credential(), type: ['VerifiableCredential'] };
    const jwt = await signCredential(notABadge, keys);
    expect(await verifyCredential(jwt, keys.publicJwk)).toEqual({ ok: false, problem: 'not-a-badge' });
  });

  it('says a signed credential whose iss is not its issuer is not a badge', async () => {
    const jwt = await new SignJWT({ ...credential() })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.kid })
      .setIssuer('https://impostor.example/')
      .setIssuedAt(VALID_FROM)
      .sign(keys.privateKey);
    expect(await verifyCredential(jwt, keys.publicJwk)).toEqual({ ok: false, problem: 'not-a-badge' });
  });
});

/**
 * What an outside Open Badges 3.0 verifier checks (spec §8.2 "JSON Web Token Proof Format"), done
 * independently of verifyCredential: the JOSE header, the JWT claims against the credential, and the
 * credential against the OB 3.0 schema (only OB 3.0 / VC 2.0 terms).
 */
describe('a strict Open Badges 3.0 verifier', () => {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(achievementCredentialSchema);
  const REGISTERED = new Set(['iss', 'sub', 'nbf', 'iat', 'jti', 'exp', 'aud']);

  function strictProblems(jwt: string, keyUrlToJwk: Map<string, unknown>): string[] {
    const problems: string[] = [];
    const header = decodeProtectedHeader(jwt) as Record<string, unknown>;
    for (const k of Object.keys(header))
      if (!['alg', 'kid', 'jwk', 'typ'].includes(k)) problems.push(`header ${k} not allowed`);
    if (header.alg !== 'RS256') problems.push('alg must be RS256');
    if (header.typ !== undefined && header.typ !== 'JWT') problems.push('typ must be JWT');
    if (typeof header.kid !== 'string' || !/^https?:\/\//.test(header.kid)) problems.push('kid must be a URL');
    else if (!keyUrlToJwk.has(header.kid)) problems.push('kid does not dereference to a JWK');
    const claims = payloadOf(jwt);
    const vc: Record<string, unknown> = Object.fromEntries(Object.entries(claims).filter(([k]) => !REGISTERED.has(k)));
    const subject = vc.credentialSubject as { id?: string } | undefined;
    const issuer = vc.issuer as { id?: string } | undefined;
    if (claims.iss === undefined || claims.iss !== issuer?.id) problems.push('iss must equal issuer.id');
    if (claims.jti === undefined || claims.jti !== vc.id) problems.push('jti must equal id');
    if (claims.sub === undefined || claims.sub !== subject?.id) problems.push('sub must equal credentialSubject.id');
    if (typeof claims.nbf !== 'number' || claims.nbf * 1000 !== Date.parse(String(vc.validFrom)))
      problems.push('nbf must equal validFrom');
    if (!validate(vc))
      problems.push(
        ...(validate.errors ?? []).map((e) => `schema: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
      );
    return problems;
  }

  it('finds nothing wrong with a credential Waymark signs, even when issued at a time with milliseconds', async () => {
    const jwt = await signCredential(credential(new Date('2026-03-04T05:06:07.890Z')), keys);
    const jwk = publishedJwk('https://waymark.example/issuer', keys.publicJwk);
    expect(jwk.kid).toBe(issuerKeyUrl('https://waymark.example/issuer', keys.kid));
    expect(strictProblems(jwt, new Map([[String(jwk.kid), jwk]]))).toEqual([]);
  });

  it('would catch a made-up term, a missing subject id or a missing criteria (the schema is strict)', () => {
    const c = credential();
    expect(validate({ ...c, issuer: { ...c.issuer, publicKey: {} } })).toBe(false);
    expect(
      validate({
        ...c,
        credentialSubject: { type: ['AchievementSubject'], achievement: c.credentialSubject.achievement },
      }),
    ).toBe(false);
    expect(
      validate({
        ...c,
        credentialSubject: {
          ...c.credentialSubject,
          achievement: { ...c.credentialSubject.achievement, criteria: {} },
        },
      }),
    ).toBe(false);
    expect(validate({ ...c, '@context': [OB_CONTEXT, VC_CONTEXT] })).toBe(false);
    expect(validate(c)).toBe(true);
  });

  /** Signs claims the way a careless or hostile issuer might, with our key so only the claims are wrong. */
  const signRaw = (
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {
      alg: 'RS256',
      typ: 'JWT',
      kid: issuerKeyUrl('https://waymark.example/issuer', keys.kid),
    },
  ) => new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(keys.privateKey);
  const goodClaims = () => ({
    ...credential(),
    iss: credential().issuer.id,
    jti: credential().id,
    sub: SUBJECT,
    nbf: VALID_FROM.getTime() / 1000,
    iat: VALID_FROM.getTime() / 1000,
  });

  it.each([
    ['sub naming someone else', { sub: 'urn:uuid:11111111-2222-4333-8444-555555555555' }],
    ['no sub although the subject has an id', { sub: undefined }],
    ['nbf a second off validFrom', { nbf: VALID_FROM.getTime() / 1000 + 1 }],
    ['no nbf', { nbf: undefined }],
    ['no jti', { jti: undefined }],
    ['jti naming another credential', { jti: 'https://waymark.example/badges/other' }],
  ])('refuses a credential with %s', async (_label, change) => {
    const jwt = await signRaw(JSON.parse(JSON.stringify({ ...goodClaims(), ...change })) as Record<string, unknown>);
    expect(await verifyCredential(jwt, keys.publicJwk)).toEqual({ ok: false, problem: 'not-a-badge' });
  });

  it('refuses a JOSE header with parameters OB 3.0 does not allow', async () => {
    const jwt = await signRaw(goodClaims(), { alg: 'RS256', typ: 'JWT', kid: 'k', x5u: 'https://evil.example/cert' });
    expect(await verifyCredential(jwt, keys.publicJwk)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('says a credential whose validFrom is still to come is not valid yet', async () => {
    const jwt = await signCredential(credential(new Date('2099-01-01T00:00:00Z')), keys);
    expect(await verifyCredential(jwt, keys.publicJwk)).toEqual({ ok: false, problem: 'not-yet-valid' });
  });

  it('still verifies a badge Waymark signed before subjects had ids (no sub, validFrom with milliseconds), marked legacy', async () => {
    const old = {
      ...credential(),
      validFrom: '2026-03-04T05:06:07.456Z',
      credentialSubject: { ...credential().credentialSubject },
    } as OpenBadgeCredential;
    delete old.credentialSubject.id;
    const seconds = Math.floor(Date.parse(old.validFrom) / 1000);
    const jwt = await new SignJWT({ ...old })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.kid })
      .setIssuer(old.issuer.id)
      .setJti(old.id)
      .setIssuedAt(seconds)
      .setNotBefore(seconds)
      .sign(keys.privateKey);
    expect(await verifyCredential(jwt, keys.publicJwk)).toEqual({
      ok: true,
      credential: old,
      issuedAt: new Date(seconds * 1000),
      legacy: true,
    });
    // …but a legacy-shaped credential whose nbf is off is still refused.
    const off = await new SignJWT({ ...old })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(old.issuer.id)
      .setJti(old.id)
      .setIssuedAt(seconds)
      .setNotBefore(seconds + 60)
      .sign(keys.privateKey);
    expect(await verifyCredential(off, keys.publicJwk)).toEqual({ ok: false, problem: 'not-a-badge' });
  });
});

describe('decodeUnverified', () => {
  it('shows what a pasted credential claims, signed by anyone', async () => {
    expect(decodeUnverified(await signCredential(credential(), otherKeys))).toEqual(credential());
  });

  it('gives undefined for garbage and for JWTs that are not badges', async () => {
    expect(decodeUnverified('')).toBeUndefined();
    expect(decodeUnverified('not a jwt')).toBeUndefined();
    expect(decodeUnverified(7 as unknown as string)).toBeUndefined();
    const other = await new SignJWT({ hello: 'world' }).setProtectedHeader({ alg: 'RS256' }).sign(keys.privateKey);
    expect(decodeUnverified(other)).toBeUndefined();
  });
});
