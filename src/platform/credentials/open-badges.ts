/**
 * Open Badges 3.0 achievement credentials, secured as VC-JWTs (compact JWS, RS256 — the algorithm
 * Open Badges 3.0 requires for JWT interoperability). The payload is the credential itself (VC data
 * model v2) plus the registered claims iss, jti, sub, nbf and iat.
 */
import { calculateJwkThumbprint, compactVerify, decodeJwt, errors, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
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
  /** base64url SHA-256 JWK thumbprint (RFC 7638) of the public key. */
  kid: string;
}

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
  subject: { id?: string; name: string };
  achievement: { id: string; name: string; description: string; criteria: string };
  validFrom: Date;
}

export type VerifyResult =
  | { ok: true; credential: OpenBadgeCredential; issuedAt: Date }
  | { ok: false; problem: 'malformed' | 'signature' | 'not-a-badge' };

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
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e || !jwk.d) throw new Error(`setting ${SIGNING_KEY_SETTING} is not an RSA private key`);
  const privateKey = await importJWK({ ...jwk, alg: ALG }, ALG);
  if (privateKey instanceof Uint8Array) throw new Error(`setting ${SIGNING_KEY_SETTING} is not an RSA private key`);
  return { privateKey, ...(await describePublicKey(jwk)) };
}

async function describePublicKey(jwk: JWK): Promise<{ publicJwk: JWK; kid: string }> {
  const { kty, n, e } = jwk;
  const kid = await calculateJwkThumbprint({ kty, n, e }, 'sha256');
  return { publicJwk: { kty, n, e, kid, alg: ALG, use: 'sig' }, kid };
}

// ---------------------------------------------------------------- credentials

export function buildAchievementCredential(input: AchievementCredentialInput): OpenBadgeCredential {
  const { issuer, subject, achievement } = input;
  return {
    '@context': [VC_CONTEXT, OB_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuer.id, type: ['Profile'], name: issuer.name, ...(issuer.url === undefined ? {} : { url: issuer.url }) },
    validFrom: input.validFrom.toISOString(),
    name: achievement.name,
    credentialSubject: {
      ...(subject.id === undefined ? {} : { id: subject.id }),
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

/** The credential as a compact VC-JWT: header { alg: RS256, typ: JWT, kid }. */
export async function signCredential(credential: OpenBadgeCredential, keys: IssuerKeys): Promise<string> {
  const seconds = Math.floor(Date.parse(credential.validFrom) / 1000);
  if (!Number.isFinite(seconds)) throw new Error(`credential validFrom is not a date: ${credential.validFrom}`);
  const jwt = new SignJWT({ ...credential } as JWTPayload)
    .setProtectedHeader({ alg: ALG, typ: 'JWT', kid: keys.kid })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setIssuedAt(seconds)
    .setNotBefore(seconds);
  if (credential.credentialSubject.id !== undefined) jwt.setSubject(credential.credentialSubject.id);
  return jwt.sign(keys.privateKey);
}

/**
 * Checks the signature against `publicJwk` and that the payload is an Open Badge whose claims agree
 * with it. Never throws. Does not judge the validity period: compare `credential.validFrom` if needed.
 */
export async function verifyCredential(jwt: string, publicJwk: JWK): Promise<VerifyResult> {
  if (typeof jwt !== 'string' || jwt.split('.').length !== 3) return { ok: false, problem: 'malformed' };

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
      e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported;
    return { ok: false, problem: signatureProblem ? 'signature' : 'malformed' };
  }

  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return { ok: false, problem: 'not-a-badge' };
  }
  if (!isRecord(claims) || !claimsAgree(claims) || typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) {
    return { ok: false, problem: 'not-a-badge' };
  }
  const credential = withoutRegisteredClaims(claims);
  if (!isOpenBadgeCredential(credential)) return { ok: false, problem: 'not-a-badge' };
  return { ok: true, credential, issuedAt: new Date(claims.iat * 1000) };
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

/** iss must name the credential's issuer; jti and sub, when present, must match its id and subject id. */
function claimsAgree(claims: Record<string, unknown>): boolean {
  const issuer = claims.issuer;
  const subject = claims.credentialSubject;
  if (!isRecord(issuer) || typeof issuer.id !== 'string' || claims.iss !== issuer.id) return false;
  if (claims.jti !== undefined && claims.jti !== claims.id) return false;
  if (claims.sub !== undefined && (!isRecord(subject) || claims.sub !== subject.id)) return false;
  return true;
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
