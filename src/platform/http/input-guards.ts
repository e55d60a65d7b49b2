import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { HttpError, notFound } from '../errors/http-error';
import { isUuid } from '../ids';

/**
 * Malformed input is stopped here, once, before any handler or query sees it: a database refuses a
 * NUL byte in text and a malformed UUID, and a handler written for a form breaks on a JSON string.
 * Each of these used to be a server error.
 */

/** C0 controls except tab, line feed and carriage return, which people do type into text boxes. */
// eslint-disable-next-line no-control-regex
const STRAY_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
// eslint-disable-next-line no-control-regex
const HAS_STRAY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
const ID_NAME = /^(id|.+Id)$/;
const ID_LIST_NAME = /^.+Ids$/;
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

export { isUuid };

/** The parameters a route path names, e.g. `/programmes/:programmeId/items/:itemId` → programmeId, itemId. */
export function pathParams(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

/** `id` and any name ending in `Id` are database ids, which are all UUIDs. Tokens, codes and short names are not ids. */
export const isIdName = (name: string) => ID_NAME.test(name);

const clean = (s: string) => (HAS_STRAY_CONTROL.test(s) ? s.replace(STRAY_CONTROLS, '') : s);

/**
 * Removes stray control characters from every string (and key) in a parsed body or query, in place.
 * Iterative, so a deeply nested JSON body cannot exhaust the stack.
 */
export function stripControls<T>(value: T): T {
  if (typeof value === 'string') return clean(value) as T;
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || Buffer.isBuffer(node)) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        if (typeof node[i] === 'string') node[i] = clean(node[i] as string);
        else stack.push(node[i]);
      }
      continue;
    }
    const obj = node as Record<string, unknown>;
    // A multipart part: its value and file name are what people sent; the rest is the parser's.
    if ((obj.type === 'field' || obj.type === 'file') && 'fieldname' in obj) {
      if (typeof obj.value === 'string') obj.value = clean(obj.value);
      if (typeof obj.filename === 'string') obj.filename = clean(obj.filename);
      continue;
    }
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      const k = clean(key);
      if (k !== key) delete obj[key];
      if (typeof v === 'string') obj[k] = clean(v);
      else {
        if (k !== key) obj[k] = v;
        stack.push(v);
      }
    }
  }
  return value;
}

type Part = { type?: unknown; value?: unknown; fieldname?: unknown; fields?: unknown };
const isPart = (v: unknown): v is Part =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  'fieldname' in v &&
  ((v as Part).type === 'field' || (v as Part).type === 'file');

/**
 * A multipart body as a form body: each text field its plain string, files left as parts. The
 * parser's part objects each point back at the whole body (`fields`), a cycle that made every
 * walk over a body (the text guard's, ours) explode: one upload to a form froze the process.
 */
export function flattenMultipart(body: Record<string, unknown>): Record<string, unknown> {
  const flat = (v: unknown): unknown => {
    if (!isPart(v)) return v;
    if (v.type === 'field') return v.value;
    // Kept for whoever wants it, but out of sight of walkers.
    Object.defineProperty(v, 'fields', { enumerable: false });
    return v;
  };
  for (const [key, value] of Object.entries(body)) body[key] = Array.isArray(value) ? value.map(flat) : flat(value);
  return body;
}

/** A plain value of a body field: a form string, a multipart field's value, or a JSON value. */
function plain(v: unknown): unknown {
  return v && typeof v === 'object' && !Array.isArray(v) && (v as { type?: unknown }).type === 'field'
    ? (v as { value: unknown }).value
    : v;
}

/** Body fields named as ids whose value is not a UUID (an empty choice is allowed: "none"). */
export function badIdFields(body: unknown): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const bad: string[] = [];
  for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
    const single = ID_NAME.test(key);
    if (!single && !ID_LIST_NAME.test(key)) continue;
    const values = Array.isArray(raw) ? raw.map(plain) : [plain(raw)];
    if (values.some((v) => v !== '' && v !== null && v !== undefined && !isUuid(v))) bad.push(key);
  }
  return bad;
}

const mediaType = (request: FastifyRequest) =>
  String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();

/** Route-level check: an id in the path that is not a UUID names nothing, so the page is not found. */
export function guardIdParams(route: RouteOptions): void {
  const ids = pathParams(route.url).filter(isIdName);
  if (!ids.length) return;
  const check = async (request: FastifyRequest) => {
    const params = request.params as Record<string, unknown>;
    if (ids.some((name) => !isUuid(params[name]))) throw notFound();
  };
  const existing = route.preValidation;
  route.preValidation = existing ? [...(Array.isArray(existing) ? existing : [existing]), check] : check;
}

/** Every request: pages take forms only, stray control characters go, ids in bodies must be UUIDs. */
export function registerInputGuards(app: FastifyInstance, isApi: (request: FastifyRequest) => boolean): void {
  app.addHook('preValidation', async (request) => {
    const params = request.params as Record<string, unknown> | undefined;
    if (params && Object.values(params).some((v) => typeof v === 'string' && ANY_CONTROL.test(v))) throw notFound();
    if (request.query && typeof request.query === 'object') stripControls(request.query);
    if (request.body === undefined || request.body === null) return;
    const api = isApi(request);
    // Pages are sent by browsers' forms; a JSON (or any other) body there is not something their handlers read.
    if (!api && !FORM_TYPES.includes(mediaType(request))) {
      throw new HttpError(
        415,
        'This page takes a form. Go back to the page and send the form from there.',
        'unsupported_media_type',
      );
    }
    if (mediaType(request) === 'multipart/form-data' && typeof request.body === 'object')
      flattenMultipart(request.body as Record<string, unknown>);
    request.body = stripControls(request.body);
    const bad = badIdFields(request.body);
    if (bad.length) {
      const message = api
        ? 'Send ids as UUIDs, as the API returns them'
        : 'Something in the form refers to an item that does not exist. Go back, reload the page and try again.';
      throw new HttpError(
        400,
        message,
        'validation',
        Object.fromEntries(bad.map((k) => [k, `${k} must be an id (a UUID)`])),
      );
    }
  });
}
