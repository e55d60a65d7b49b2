/**
 * Open Badges 3.0 achievement credentials, secured as VC-JWTs (compact JWS, RS256 — the algorithm
 * Open Badges 3.0 requires for JWT interoperability). The payload is the credential itself (VC data
 * model v2) plus the claims OB 3.0 §8.2 requires: iss = issuer.id, jti = id, sub = credentialSubject.id,
 * nbf = validFrom (so validFrom is kept to whole seconds), and iat. The JOSE header is only
 * { alg, typ, kid }, where kid is a URL that answers with the public JWK itself.
 */
import {
  calculateJwkThumbprint,
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
} from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import type { Db } from '../db/database';
import { getOrCreateSetting, getSetting } from '../db/settings';

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

const ALG = 'RS256';
const SIGNING_KEY_SETTING = 'open-badges.signing-key';
/** JWT registered claims added when signing; removed again when reading a credential back. */
const REGISTERED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'] as const;

export interface IssuerKeys {
  privateKey: CryptoKey;
  /** The public half, with kid, alg 'RS256' and use 'sig' — publishable as-is (e.g. in a JWKS). */
  publicJwk: JWK;
  /** base64url SHA-256 JWK thumbprint (RFC 7638) of the public key; the last segment of its key URL. */
  kid: string;
}

/** JOSE header parameters OB 3.0 allows on a VC-JWT ("Additional JOSE Headers are NOT allowed"). */
const ALLOWED_HEADERS = new Set(['alg', 'kid', 'jwk', 'typ']);

export interface IdentityObject {
  type: 'IdentityObject';
  identityHash: string;
  identityType: string;
  hashed: boolean;
  salt?: string;
}

export interface Achievement {
  id: string;
  type: string[];
  name: string;
  description: string;
  criteria: { narrative?: string; id?: string };
}

export interface OpenBadgeCredential {
  '@context': string[];
  id: string;
  type: string[];
  issuer: { id: string; type: string[]; name: string; url?: string };
  /** ISO 8601 date-time. */
  validFrom: string;
  name: string;
  credentialSubject: {
    id?: string;
    type: string[];
    identifier?: IdentityObject[];
    achievement: Achievement;
  };
}

export interface AchievementCredentialInput {
  /** e.g. https://host/badges/<uuid> */
  id: string;
  issuer: { id: string; name: string; url?: string };
  /** id: a URI for the practitioner (e.g. urn:uuid:…), carried as the JWT's sub; name: shown to people. */
  subject: { id: string; name: string };
  achievement: { id: string; name: string; description: string; criteria: string };
  validFrom: Date;
}

export type VerifyResult =
  /**
   * legacy: signed by Waymark before credentials carried a subject id and sub claim (and when
   * validFrom still had milliseconds, so nbf was validFrom rounded down to the second). The signature
   * still holds, so such badges still verify; everything issued now meets OB 3.0 in full.
   */
  | { ok: true; credential: OpenBadgeCredential; issuedAt: Date; legacy: boolean }
  | { ok: false; problem: 'malformed' | 'signature' | 'not-a-badge' | 'not-yet-valid' };

// ---------------------------------------------------------------- keys

/** A fresh, extractable RS256 key pair for signing badges. */
export async function generateIssuerKeys(): Promise<IssuerKeys> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  return { privateKey, ...(await describePublicKey(await exportJWK(publicKey))) };
}

const keysByDb = new WeakMap<Db, Promise<IssuerKeys>>();

/** The site's badge-signing keys: made once and kept in settings; cached per db. */
export async function issuerKeys(db: Db): Promise<IssuerKeys> {
  let keys = keysByDb.get(db);
  if (!keys) {
    keys = loadIssuerKeys(db);
    keysByDb.set(db, keys);
    keys.catch(() => keysByDb.delete(db));
  }
  return keys;
}

async function loadIssuerKeys(db: Db): Promise<IssuerKeys> {
  let stored = await getSetting(db, SIGNING_KEY_SETTING);
  if (stored === undefined) {
    // getOrCreateSetting wants a synchronous make(), so generate first; if another instance won the race, its key is kept.
    const fresh = JSON.stringify(await exportJWK((await generateIssuerKeys()).privateKey));
    stored = await getOrCreateSetting(db, SIGNING_KEY_SETTING, () => fresh);
  }
  const jwk = JSON.parse(stored) as JWK;
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e || !jwk.d)
    throw new Error(`setting ${SIGNING_KEY_SETTING} is not an RSA private key`);
  const privateKey = await importJWK({ ...jwk, alg: ALG }, ALG);
  if (privateKey instanceof Uint8Array) throw new Error(`setting ${SIGNING_KEY_SETTING} is not an RSA private key`);
  return { privateKey, ...(await describePublicKey(jwk)) };
}

async function describePublicKey(jwk: JWK): Promise<{ publicJwk: JWK; kid: string }> {
  const { kty, n, e } = jwk;
  const kid = await calculateJwkThumbprint({ kty, n, e }, 'sha256');
  return { publicJwk: { kty, n, e, kid, alg: ALG, use: 'sig' }, kid };
}

/**
 * Where the public key is published: a URL under the issuer profile that answers with the bare JWK,
 * so the kid in a badge's JOSE header can be dereferenced as OB 3.0 asks.
 */
export function issuerKeyUrl(issuerId: string, thumbprint: string): string {
  return `${issuerId}/keys/${thumbprint}`;
}

/** The public JWK as published (at its key URL and in the JWKS): its kid is the key URL badges carry. */
export function publishedJwk(issuerId: string, publicJwk: JWK): JWK {
  return { ...publicJwk, kid: issuerKeyUrl(issuerId, String(publicJwk.kid)) };
}

// ---------------------------------------------------------------- credentials

/** An ISO 8601 date-time to the whole second: JWT NumericDates are seconds, and nbf must equal validFrom. */
function toWholeSecond(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

export function buildAchievementCredential(input: AchievementCredentialInput): OpenBadgeCredential {
  const { issuer, subject, achievement } = input;
  return {
    '@context': [VC_CONTEXT, OB_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {
      id: issuer.id,
      type: ['Profile'],
      name: issuer.name,
      ...(issuer.url === undefined ? {} : { url: issuer.url }),
    },
    validFrom: toWholeSecond(input.validFrom),
    name: achievement.name,
    credentialSubject: {
      id: subject.id,
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityHash: subject.name, identityType: 'name', hashed: false }],
      achievement: {
        id: achievement.id,
        type: ['Achievement'],
        name: achievement.name,
        description: achievement.description,
        criteria: { narrative: achievement.criteria },
      },
    },
  };
}

/** The credential as a compact VC-JWT: header { alg: RS256, typ: JWT, kid: key URL }. */
export async function signCredential(credential: OpenBadgeCredential, keys: IssuerKeys): Promise<string> {
  const ms = Date.parse(credential.validFrom);
  if (!Number.isFinite(ms)) throw new Error(`credential validFrom is not a date: ${credential.validFrom}`);
  if (ms % 1000 !== 0)
    throw new Error(`credential validFrom must be a whole second to equal nbf: ${credential.validFrom}`);
  const subjectId = credential.credentialSubject.id;
  if (!subjectId) throw new Error('credential subject needs an id: it is the JWT sub claim');
  return new SignJWT({ ...credential } as JWTPayload)
    .setProtectedHeader({ alg: ALG, typ: 'JWT', kid: issuerKeyUrl(credential.issuer.id, keys.kid) })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setSubject(subjectId)
    .setIssuedAt(ms / 1000)
    .setNotBefore(ms / 1000)
    .sign(keys.privateKey);
}

/**
 * Checks the signature against `publicJwk`, the JOSE header, and that the payload is an Open Badge
 * whose claims agree with it as OB 3.0 §8.2.4 says (iss, sub, nbf, jti). A credential whose validFrom
 * is still to come is not valid yet. Never throws.
 */
export async function verifyCredential(jwt: string, publicJwk: JWK, now: Date = new Date()): Promise<VerifyResult> {
  if (typeof jwt !== 'string' || jwt.split('.').length !== 3) return { ok: false, problem: 'malformed' };
  try {
    const header = decodeProtectedHeader(jwt);
    if (Object.keys(header).some((k) => !ALLOWED_HEADERS.has(k)) || (header.typ !== undefined && header.typ !== 'JWT'))
      return { ok: false, problem: 'malformed' };
  } catch {
    return { ok: false, problem: 'malformed' };
  }

  let key: CryptoKey;
  try {
    const imported = await importJWK(publicJwk, ALG);
    if (imported instanceof Uint8Array || imported.type !== 'public') return { ok: false, problem: 'signature' };
    key = imported;
  } catch {
    return { ok: false, problem: 'signature' };
  }

  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jwt, key, { algorithms: [ALG] }));
  } catch (e) {
    const signatureProblem =
      e instanceof errors.JWSSignatureVerificationFailed ||
      e instanceof errors.JOSEAlgNotAllowed ||
      e instanceof errors.JOSENotSupported;
    return { ok: false, problem: signatureProblem ? 'signature' : 'malformed' };
  }

  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return { ok: false, problem: 'not-a-badge' };
  }
  if (!isRecord(claims) || typeof claims.iat !== 'number' || !Number.isFinite(claims.iat))
    return { ok: false, problem: 'not-a-badge' };
  const agreement = claimsAgree(claims);
  if (!agreement) return { ok: false, problem: 'not-a-badge' };
  const credential = withoutRegisteredClaims(claims);
  if (!isOpenBadgeCredential(credential)) return { ok: false, problem: 'not-a-badge' };
  if (Date.parse(credential.validFrom) > now.getTime()) return { ok: false, problem: 'not-yet-valid' };
  return { ok: true, credential, issuedAt: new Date(claims.iat * 1000), legacy: agreement === 'legacy' };
}

/** What a pasted VC-JWT claims, without checking who signed it; undefined unless it looks like an Open Badge. */
export function decodeUnverified(jwt: string): OpenBadgeCredential | undefined {
  if (typeof jwt !== 'string') return undefined;
  let claims: JWTPayload;
  try {
    claims = decodeJwt(jwt);
  } catch {
    return undefined;
  }
  const credential = withoutRegisteredClaims(claims);
  return isOpenBadgeCredential(credential) ? credential : undefined;
}

// ---------------------------------------------------------------- shape checks

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function withoutRegisteredClaims(claims: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...claims };
  for (const claim of REGISTERED_CLAIMS) delete rest[claim];
  return rest;
}

/**
 * OB 3.0 §8.2.4.1: iss = issuer.id, jti = id, sub = credentialSubject.id and nbf = validFrom, all
 * required. 'legacy' is Waymark's own earlier form, still accepted: no sub and no subject id, and
 * nbf = validFrom rounded down to the second. Anything else that disagrees is false.
 */
function claimsAgree(claims: Record<string, unknown>): 'ob3' | 'legacy' | false {
  const { issuer, credentialSubject: subject, nbf } = claims;
  if (!isRecord(issuer) || typeof issuer.id !== 'string' || claims.iss !== issuer.id) return false;
  if (typeof claims.id !== 'string' || claims.jti !== claims.id) return false;
  if (!isRecord(subject) || typeof nbf !== 'number' || typeof claims.validFrom !== 'string') return false;
  const validFrom = Date.parse(claims.validFrom);
  if (claims.sub === undefined && subject.id === undefined)
    return nbf === Math.floor(validFrom / 1000) ? 'legacy' : false;
  if (typeof claims.sub !== 'string' || claims.sub !== subject.id) return false;
  return nbf * 1000 === validFrom ? 'ob3' : false;
}

function isOpenBadgeCredential(value: unknown): value is OpenBadgeCredential {
  if (!isRecord(value)) return false;
  const { issuer, credentialSubject: subject } = value;
  const context = value['@context'];
  return (
    isStringArray(context) &&
    context[0] === VC_CONTEXT &&
    context.some((c) => c.startsWith('https://purl.imsglobal.org/spec/ob/v3p0/context')) &&
    typeof value.id === 'string' &&
    isStringArray(value.type) &&
    value.type.includes('VerifiableCredential') &&
    value.type.includes('OpenBadgeCredential') &&
    isRecord(issuer) &&
    typeof issuer.id === 'string' &&
    typeof issuer.name === 'string' &&
    typeof value.validFrom === 'string' &&
    Number.isFinite(Date.parse(value.validFrom)) &&
    typeof value.name === 'string' &&
    isRecord(subject) &&
    isStringArray(subject.type) &&
    isRecord(subject.achievement) &&
    typeof subject.achievement.id === 'string' &&
    typeof subject.achievement.name === 'string'
  );
}
