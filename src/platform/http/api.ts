import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Permission, Resource } from '../auth/policy';
import { HttpError } from '../errors/http-error';
import { FieldError, zodFieldErrors } from '../forms/forms';
import { textProblems, type TextGuardOptions } from '../forms/text-guard';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiOperation<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Fastify-style path under /api/v1, e.g. /programmes/:programmeId */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  permission: Permission;
  resource?: (request: FastifyRequest) => Resource | Promise<Resource>;
  params?: P;
  query?: Q;
  body?: B;
  /** How the shared free-text guard treats this body (e.g. a field that carries a whole file). */
  textGuard?: TextGuardOptions;
  response: z.ZodType;
  status?: number;
}

interface Parsed<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
}

const errorSchema = z.object({
  error: z.object({
    code: z.string().describe('Stable, machine-readable code, e.g. validation, not_found, forbidden'),
    message: z.string().describe('What went wrong, in words fit to show a person'),
    fields: z.record(z.string(), z.string()).optional().describe('Per-field messages for invalid input'),
  }),
});

export const API_BASE = '/api/v1';

function parseOrThrow<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
  guard: TextGuardOptions = {},
): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const parsed = schema.safeParse(value ?? {});
  // The same free-text guard as the pages (length, NHS numbers), on what the schema let through.
  const problems = {
    ...textProblems(parsed.success ? parsed.data : (value ?? {}), guard),
    ...(parsed.success ? {} : zodFieldErrors(parsed.error)),
  };
  if (parsed.success && Object.keys(problems).length === 0) return parsed.data;
  throw new HttpError(400, `The request ${where} is not valid`, 'validation', problems);
}

/**
 * Registers JSON API routes from zod schemas and keeps what it needs to
 * describe them as OpenAPI 3.1, so the document can never drift from the code.
 */
export class ApiRegistry {
  private readonly operations: ApiOperation<z.ZodType, z.ZodType, z.ZodType>[] = [];

  constructor(private readonly app: FastifyInstance) {}

  route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    op: ApiOperation<P, Q, B>,
    handler: (input: Parsed<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>,
  ): void {
    this.operations.push(op as unknown as ApiOperation<z.ZodType, z.ZodType, z.ZodType>);
    this.app.route({
      method: op.method,
      url: API_BASE + op.path,
      config: { permission: op.permission, resource: op.resource },
      handler: async (request, reply) => {
        const params = parseOrThrow(op.params, request.params, 'path');
        const query = parseOrThrow(op.query, request.query, 'query');
        const body = parseOrThrow(op.body, request.body, 'body', op.textGuard);
        try {
          const result = await handler({ params, query, body, request });
          if (result === undefined || result === null) throw new HttpError(404, 'Not found', 'not_found');
          reply.code(op.status ?? 200);
          return result;
        } catch (err) {
          if (err instanceof FieldError)
            throw new HttpError(400, err.message, 'validation', { [err.field]: err.message });
          throw err;
        }
      },
    });
  }

  list() {
    return this.operations.map((op) => ({
      method: op.method,
      path: API_BASE + op.path,
      summary: op.summary,
      description: op.description,
      tag: op.tag,
      permission: op.permission,
    }));
  }

  /** The OpenAPI 3.1 document for every registered operation. */
  openapi(info: { title: string; version: string; serverUrl: string }) {
    const jsonSchema = (s: z.ZodType) =>
      z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.operations) {
      const path = (API_BASE + op.path).replace(/:(\w+)/g, '{$1}');
      const parameters: unknown[] = [];
      for (const [where, schema] of [
        ['path', op.params],
        ['query', op.query],
      ] as const) {
        if (!schema || !(schema instanceof z.ZodObject)) continue;
        for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
          parameters.push({
            name,
            in: where,
            required: where === 'path' || !field.safeParse(undefined).success,
            schema: jsonSchema(field),
          });
        }
      }
      const status = String(op.status ?? 200);
      paths[path] ??= {};
      paths[path][op.method.toLowerCase()] = {
        summary: op.summary,
        description: [op.description, `Permission: \`${op.permission}\`.`].filter(Boolean).join('\n\n'),
        tags: [op.tag],
        operationId: `${op.method.toLowerCase()}${op.path.replace(/[/:](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
        parameters,
        ...(op.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }
          : {}),
        responses: {
          [status]: { description: 'Success', content: { 'application/json': { schema: jsonSchema(op.response) } } },
          '400': { description: 'Invalid input', content: { 'application/json': { schema: jsonSchema(errorSchema) } } },
          '401': {
            description: 'Not signed in, or the token is not valid',
            content: { 'application/json': { schema: jsonSchema(errorSchema) } },
          },
          '403': { description: 'Not permitted', content: { 'application/json': { schema: jsonSchema(errorSchema) } } },
          '404': { description: 'Not found', content: { 'application/json': { schema: jsonSchema(errorSchema) } } },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: {
        title: info.title,
        version: info.version,
        description:
          'The Waymark JSON API. Authenticate with a personal access token (Authorization: Bearer …) or a signed-in session; session requests that change data must send the CSRF token in a csrf-token header. Send an Idempotency-Key header on POST to make retries safe.',
      },
      servers: [{ url: info.serverUrl }],
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A personal access token from Your account → Personal access tokens',
          },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'waymark_session' },
        },
      },
      paths,
    };
  }
}
