import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './http-error';

interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** The stable shape of every JSON API error. */
export function apiError(code: string, message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: fields ? { code, message, fields } : { code, message } };
}

function classify(err: FastifyError | HttpError | Error): {
  status: number;
  code: string;
  message: string;
  fields?: Record<string, string>;
} {
  if (err instanceof HttpError)
    return { status: err.statusCode, code: err.code, message: err.message, fields: err.fields };
  const fe = err as FastifyError;
  if (fe.code === 'FST_CSRF_INVALID_TOKEN' || fe.code === 'FST_CSRF_MISSING_SECRET') {
    return {
      status: 403,
      code: 'csrf',
      message: 'The form was out of date or did not come from this site. Go back, reload the page and try again.',
    };
  }
  if (fe.statusCode === 429) {
    return { status: 429, code: 'rate_limited', message: 'Too many requests. Wait a minute and try again.' };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, code: 'too_large', message: 'What you sent is too large.' };
  if (fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.code === 'FST_FILES_LIMIT') {
    return {
      status: 413,
      code: 'too_large',
      message: 'The file is too large for this form. Upload a smaller file, or split it into smaller files.',
    };
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { status: 415, code: 'unsupported_media_type', message: 'Send JSON or a form.' };
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  }
  const known = fe.code ? FASTIFY_MESSAGES[fe.code] : undefined;
  if (known) return { status: known[0], code: 'bad_request', message: known[1] };
  if (isBadDatabaseInput(err)) return { status: 400, code: 'bad_request', message: NOT_UNDERSTOOD };
  // A library's own words (and its internals) are not for users: any other 4xx gets ours.
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, code: 'bad_request', message: NOT_UNDERSTOOD };
  return { status: 500, code: 'internal', message: 'Something went wrong on our side.' };
}

const NOT_UNDERSTOOD = 'We could not understand that request. Go back to the page, reload it and try again.';
const FORM_NOT_UNDERSTOOD =
  'Part of the form was not in the form we expected. Go back to the page, reload it and try again.';

/** Waymark's words for Fastify's and its plugins' 4xx errors, whose own messages are written for developers. */
const FASTIFY_MESSAGES: Record<string, [number, string]> = {
  FST_ERR_BAD_URL: [400, 'That web address is not valid. Check it and try again.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'The request was cut short or its length was wrong. Try again.'],
  FST_ERR_CTP_EMPTY_TYPE: [415, 'Send JSON or a form.'],
  FST_ERR_CTP_INVALID_TYPE: [415, 'Send JSON or a form.'],
  FST_ERR_CTP_INVALID_PARAMETER: [415, 'Send JSON or a form.'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'Send the file from the upload form.'],
  FST_PARTS_LIMIT: [413, 'The form has too many parts. Send it again from its page.'],
  FST_FIELDS_LIMIT: [413, 'The form has too many fields. Send it again from its page.'],
  FST_PROTO_VIOLATION: [400, FORM_NOT_UNDERSTOOD],
  FST_INVALID_JSON_FIELD_ERROR: [400, FORM_NOT_UNDERSTOOD],
  FST_ERR_VALIDATION: [400, FORM_NOT_UNDERSTOOD],
};

/**
 * The database refusing a value it cannot store or compare (a malformed UUID, a NUL byte, a number
 * out of range): the request was bad, not the service. The input guards stop most before any query.
 */
function isBadDatabaseInput(err: unknown): boolean {
  for (
    let e: unknown = err, depth = 0;
    e && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    // 22P02 invalid text representation, 22021 bad byte sequence (NUL), 22003 numeric out of range, 22007/22008 bad date/time.
    if (typeof code === 'string' && ['22P02', '22021', '22003', '22007', '22008'].includes(code)) return true;
  }
  return false;
}

const PAGES: Record<number, string> = {
  401: 'errors/403.njk',
  403: 'errors/403.njk',
  404: 'errors/404.njk',
  429: 'errors/429.njk',
};

/** Errors and unknown pages answer in HTML pages that help the user on, or in the API's JSON shape. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // Already answered (or the headers are out): another answer would throw again, this time outside any handler.
    if (reply.sent || reply.raw.headersSent) {
      request.log.error({ err }, 'request failed after its reply was sent');
      return;
    }
    // Headers set for the answer that failed (a redirect's Location, a download's name) do not belong on an error page.
    reply.removeHeader('location');
    reply.removeHeader('content-disposition');
    const c = classify(err);
    if (c.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: c.code, status: c.status }, c.message);
    if (request.isApi || request.url.startsWith('/api/')) {
      return reply
        .code(c.status)
        .type('application/json')
        .send(apiError(c.code, c.message, c.fields));
    }
    const template =
      c.code === 'csrf'
        ? 'errors/csrf.njk'
        : (PAGES[c.status] ?? (c.status >= 500 ? 'errors/500.njk' : 'errors/400.njk'));
    try {
      return reply.render(
        template,
        { title: titleFor(c.status, c.code), message: c.message, requestId: request.id },
        c.status,
      );
    } catch (renderErr) {
      request.log.error({ err: renderErr }, 'error page failed to render');
      return reply.code(c.status).type('text/plain').send(c.message);
    }
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) {
      return reply.code(404).send(apiError('not_found', `No API route ${request.method} ${request.url.split('?')[0]}`));
    }
    return reply.render('errors/404.njk', { title: 'Page not found' }, 404);
  });
}

function titleFor(status: number, code: string): string {
  if (code === 'csrf') return 'This form has expired';
  if (status === 403 || status === 401) return 'You do not have permission to see this page';
  if (status === 404) return 'Page not found';
  if (status === 429) return 'Too many attempts';
  if (status >= 500) return 'Sorry, there is a problem with the service';
  return 'There is a problem with your request';
}
