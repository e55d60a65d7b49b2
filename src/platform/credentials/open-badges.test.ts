import { base64url, calculateJwkThumbprint, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildAchievementCredential,
  decodeUnverified,
  generateIssuerKeys,
  OB_CONTEXT,
  signCredential,
  VC_CONTEXT,
  verifyCredential,
  type IssuerKeys,
  type OpenBadgeCredential,
} from './open-badges';

const VALID_FROM = new Date('2026-03-04T05:06:07.000Z');

function credential(subject: { id?: string } = { id: 'mailto:ada@example.org' }): OpenBadgeCredential {
  return buildAchievementCredential({
    id: 'https://waymark.example/badges/3f0c8a8e-4d6b-4b8e-9a57-1f2d3c4b5a69',
    issuer: { id: 'https://waymark.example/issuer', name: 'Waymark', url: 'https://waymark.example/' },
    subject: { ...subject, name: 'Ada Lovelace' },
    achievement: {
      id: 'https://waymark.example/achievements/consultant-transition',
      name: 'Transition to consultant practice',
      description: 'Evidenced every statement at the transition stage.',
      criteria: 'All statements tagged "transition" confirmed by a supervisor.',
    },
    validFrom: VALID_FROM,
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
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id: 'https://waymark.example/badges/3f0c8a8e-4d6b-4b8e-9a57-1f2d3c4b5a69',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: 'https://waymark.example/issuer', type: ['Profile'], name: 'Waymark', url: 'https://waymark.example/' },
      validFrom: '2026-03-04T05:06:07.000Z',
      name: 'Transition to consultant practice',
      credentialSubject: {
        id: 'mailto:ada@example.org',
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

  it('leaves out an absent subject id and issuer url rather than writing undefined', () => {
    const built = buildAchievementCredential({
      id: 'https://waymark.example/badges/1',
      issuer: { id: 'https://waymark.example/issuer', name: 'Waymark' },
      subject: { name: 'Ada Lovelace' },
      achievement: { id: 'https://waymark.example/achievements/1', name: 'A', description: 'B', criteria: 'C' },
      validFrom: VALID_FROM,
    });
    expect(Object.keys(built.issuer)).not.toContain('url');
    expect(Object.keys(built.credentialSubject)).not.toContain('id');
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
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'JWT', kid: keys.kid });
    const seconds = VALID_FROM.getTime() / 1000;
    expect(payloadOf(jwt)).toMatchObject({
      iss: 'https://waymark.example/issuer',
      jti: 'https://waymark.example/badges/3f0c8a8e-4d6b-4b8e-9a57-1f2d3c4b5a69',
      sub: 'mailto:ada@example.org',
      iat: seconds,
      nbf: seconds,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
    });
    expect(payloadOf(jwt)).not.toHaveProperty('vc');

    const result = await verifyCredential(jwt, keys.publicJwk);
    expect(result).toEqual({ ok: true, credential: credential(), issuedAt: VALID_FROM });
  });

  it('signs without sub when the subject has no id', async () => {
    const jwt = await signCredential(credential({}), keys);
    expect(payloadOf(jwt)).not.toHaveProperty('sub');
    expect(await verifyCredential(jwt, keys.publicJwk)).toEqual({ ok: true, credential: credential({}), issuedAt: VALID_FROM });
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
    expect(await verifyCredential(`${header}.${payload}.`, keys.publicJwk)).toEqual({ ok: false, problem: 'signature' });
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
    expect(await verifyCredential(input as unknown as string, keys.publicJwk)).toEqual({ ok: false, problem: 'malformed' });
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
