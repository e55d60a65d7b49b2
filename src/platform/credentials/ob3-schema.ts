/**
 * A strict JSON Schema (draft 2019-09) for the Open Badges 3.0 credentials Waymark issues, written from
 * the OB 3.0 data model (spec appendix B.1: AchievementCredential, Profile, AchievementSubject,
 * Achievement, Criteria, IdentityObject) and its JSON-LD context 3.0.3. It asks for everything the
 * official ob_v3p0_achievementcredential_schema.json asks for (required properties, type sets,
 * context order, date-times, the IdentityObject shape) and more: each object may hold only terms
 * that the VC 2.0 or OB 3.0 context defines, so a made-up property fails instead of being
 * silently dropped by JSON-LD processors. The tests check credentials and the issuer profile with it.
 */

/** Profile terms of the OB 3.0 context (plus the top-level name, description, image, url, endorsement). */
export const PROFILE_TERMS = [
  'id',
  'type',
  'name',
  'url',
  'phone',
  'description',
  'endorsement',
  'endorsementJwt',
  'image',
  'email',
  'address',
  'otherIdentifier',
  'official',
  'parentOrg',
  'familyName',
  'givenName',
  'additionalName',
  'patronymicName',
  'honorificPrefix',
  'honorificSuffix',
  'familyNamePrefix',
  'dateOfBirth',
] as const;

const CREDENTIAL_TERMS = [
  '@context',
  'id',
  'type',
  'name',
  'description',
  'image',
  'awardedDate',
  'credentialSubject',
  'endorsement',
  'endorsementJwt',
  'issuer',
  'validFrom',
  'validUntil',
  'proof',
  'credentialSchema',
  'credentialStatus',
  'refreshService',
  'termsOfUse',
  'evidence',
] as const;

const SUBJECT_TERMS = [
  'id',
  'type',
  'activityEndDate',
  'activityStartDate',
  'creditsEarned',
  'achievement',
  'identifier',
  'image',
  'licenseNumber',
  'narrative',
  'result',
  'role',
  'source',
  'term',
] as const;

const ACHIEVEMENT_TERMS = [
  'id',
  'type',
  'alignment',
  'achievementType',
  'creator',
  'creditsAvailable',
  'criteria',
  'description',
  'endorsement',
  'endorsementJwt',
  'fieldOfStudy',
  'humanCode',
  'image',
  'inLanguage',
  'name',
  'otherIdentifier',
  'related',
  'resultDescription',
  'specialization',
  'tag',
  'version',
] as const;

const only = (terms: readonly string[]) => ({ propertyNames: { enum: [...terms] } });
const typeSet = (must: string) => ({
  type: 'array',
  minItems: 1,
  items: { type: 'string' },
  contains: { const: must },
});
const uri = { type: 'string', format: 'uri' };
const dateTimeZ = { type: 'string', format: 'date-time', pattern: '(Z|[+-]\\d{2}:\\d{2})$' };
const context = {
  type: 'array',
  minItems: 2,
  items: [
    { const: 'https://www.w3.org/ns/credentials/v2' },
    { type: 'string', pattern: '^https://purl\\.imsglobal\\.org/spec/ob/v3p0/context(-3\\.\\d\\.\\d)*\\.json$' },
  ],
  additionalItems: { type: 'string' },
};

function profile(terms: readonly string[]) {
  return {
    type: 'object',
    required: ['id', 'type'],
    ...only(terms),
    properties: {
      '@context': context,
      id: uri,
      type: typeSet('Profile'),
      name: { type: 'string' },
      url: uri,
      email: { type: 'string', format: 'email' },
      description: { type: 'string' },
      image: {
        type: 'object',
        required: ['id', 'type'],
        properties: { id: uri, type: { const: 'Image' }, caption: { type: 'string' } },
        additionalProperties: false,
      },
    },
  };
}

export const achievementCredentialSchema = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  $id: 'urn:waymark:schema:ob3-achievement-credential',
  type: 'object',
  required: ['@context', 'id', 'type', 'issuer', 'validFrom', 'name', 'credentialSubject'],
  ...only(CREDENTIAL_TERMS),
  properties: {
    '@context': context,
    id: uri,
    type: {
      allOf: [
        typeSet('VerifiableCredential'),
        { contains: { enum: ['OpenBadgeCredential', 'AchievementCredential'] } },
      ],
    },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    issuer: { $ref: '#/$defs/Profile' },
    validFrom: dateTimeZ,
    validUntil: dateTimeZ,
    awardedDate: dateTimeZ,
    credentialSubject: { $ref: '#/$defs/AchievementSubject' },
  },
  $defs: {
    Profile: profile(PROFILE_TERMS),
    AchievementSubject: {
      type: 'object',
      required: ['type', 'achievement'],
      // "Either id or at least one identifier MUST be supplied."
      anyOf: [{ required: ['id'] }, { required: ['identifier'], properties: { identifier: { minItems: 1 } } }],
      ...only(SUBJECT_TERMS),
      properties: {
        id: uri,
        type: typeSet('AchievementSubject'),
        achievement: { $ref: '#/$defs/Achievement' },
        identifier: { type: 'array', items: { $ref: '#/$defs/IdentityObject' } },
      },
    },
    IdentityObject: {
      type: 'object',
      required: ['type', 'hashed', 'identityHash', 'identityType'],
      additionalProperties: false,
      properties: {
        type: { const: 'IdentityObject' },
        hashed: { type: 'boolean' },
        identityHash: { type: 'string' },
        identityType: {
          anyOf: [
            {
              enum: [
                'name',
                'sourcedId',
                'systemId',
                'productId',
                'userName',
                'accountId',
                'emailAddress',
                'nationalIdentityNumber',
                'isbn',
                'issn',
                'lisSourcedId',
                'oneRosterSourcedId',
                'sisSourcedId',
                'ltiContextId',
                'ltiDeploymentId',
                'ltiToolId',
                'ltiPlatformId',
                'ltiUserId',
                'identifier',
              ],
            },
            { type: 'string', pattern: '^ext:[a-zA-Z0-9._-]+$' },
          ],
        },
        salt: { type: 'string' },
      },
    },
    Achievement: {
      type: 'object',
      required: ['id', 'type', 'criteria', 'description', 'name'],
      ...only(ACHIEVEMENT_TERMS),
      properties: {
        id: uri,
        type: typeSet('Achievement'),
        name: { type: 'string', minLength: 1 },
        description: { type: 'string', minLength: 1 },
        criteria: {
          type: 'object',
          anyOf: [{ required: ['id'] }, { required: ['narrative'] }],
          additionalProperties: false,
          properties: { id: uri, narrative: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
} as const;

/** The issuer profile document served at the issuer id: a Profile that also carries its own @context. */
export const issuerProfileSchema = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  $id: 'urn:waymark:schema:ob3-issuer-profile',
  ...profile(['@context', ...PROFILE_TERMS]),
  required: ['@context', 'id', 'type', 'name'],
};
