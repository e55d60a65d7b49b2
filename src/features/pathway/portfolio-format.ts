import { z } from 'zod';
import { LEVELS } from './stage';

export const PORTFOLIO_FORMAT = 'waymark-portfolio';
/** A portfolio file carries its attachments, so it may be large. */
export const PORTFOLIO_IMPORT_MAX_BYTES = 50 * 1024 * 1024;

const day = z.iso.date().nullable();
const when = z.iso.datetime({ offset: true });

/** The portable record: complete (attachments included) and checked on the way back in. */
export const portfolioSchema = z.object({
  format: z.literal(PORTFOLIO_FORMAT),
  formatVersion: z.literal(1),
  exportedAt: when,
  exportedFrom: z.string(),
  practitioner: z.object({
    name: z.string().max(200),
    /** Whose account it came from: an import into another account is checked against it (absent in older files). */
    email: z.string().max(254).optional(),
    profession: z.string(),
    registration: z.string(),
    clinicalArea: z.string().nullable(),
    currentPost: z.string(),
    employer: z.string(),
    consultantPostStart: day,
    stage: z.string(),
    stageOverride: z.string().nullable(),
    overrideReason: z.string(),
  }),
  framework: z.object({
    identifier: z.uuid(),
    shortName: z.string(),
    title: z.string(),
    versionId: z.uuid(),
    versionLabel: z.string(),
  }),
  /** The area framework followed alongside, if any. */
  areaFramework: z
    .object({
      identifier: z.uuid(),
      shortName: z.string(),
      title: z.string(),
      versionId: z.uuid(),
      versionLabel: z.string(),
    })
    .nullable()
    .optional(),
  rules: z.record(z.string(), z.number().int().nullable()),
  /** The words the practitioner uses for the four self-assessment levels. */
  levelNames: z.record(z.enum(LEVELS), z.string().max(40)).optional(),
  selfAssessments: z.array(
    z.object({ statement: z.uuid(), code: z.string(), level: z.enum(LEVELS), assessedAt: when }),
  ),
  evidence: z.array(
    z.object({
      id: z.uuid(),
      kind: z.string(),
      title: z.string().min(1).max(200),
      occurredOn: day,
      template: z.string(),
      reflection: z.string().max(20_000),
      status: z.enum(['draft', 'submitted', 'confirmed', 'returned']),
      createdAt: when,
      links: z.array(z.object({ statement: z.uuid(), code: z.string(), reason: z.string().max(300) })),
      confirmations: z.array(
        z.object({
          /** 'imported': given on another Waymark and carried here as history, not checked here. */
          method: z.enum(['link', 'supervisor', 'imported']),
          outcome: z.enum(['confirmed', 'returned', 'withdrawn']).nullable(),
          confirmerName: z.string().max(200),
          confirmerRole: z.string().max(200),
          confirmerRegistration: z.string().max(60),
          confirmerOrganisation: z.string().max(200),
          statement: z.string().max(5000),
          requestedAt: when,
          decidedAt: when.nullable(),
        }),
      ),
      attachments: z.array(
        z.object({
          filename: z.string(),
          contentType: z.string(),
          size: z.number().int(),
          sha256: z.string(),
          base64: z.string(),
        }),
      ),
    }),
  ),
  plan: z.array(
    z.object({
      title: z.string().min(1).max(200),
      statement: z.uuid().nullable(),
      status: z.enum(['not-started', 'in-progress', 'done']),
      targetOn: day,
      actions: z.array(z.object({ text: z.string().min(1).max(500), dueOn: day, done: z.boolean() })),
    }),
  ),
  meetings: z.array(
    z.object({
      heldOn: z.iso.date(),
      supervisorName: z.string().nullable(),
      notes: z.string(),
      agreedActions: z.string(),
    }),
  ),
  signoffs: z.array(
    z.object({
      stage: z.string(),
      supervisorName: z.string(),
      comment: z.string(),
      signedAt: when,
      credential: z.string(),
      verifyAt: z.string(),
    }),
  ),
});
export type Portfolio = z.infer<typeof portfolioSchema>;

/** The JSON Schema of the export, for anyone reading it elsewhere. */
export const portfolioJsonSchema = () => z.toJSONSchema(portfolioSchema, { target: 'draft-2020-12' });
