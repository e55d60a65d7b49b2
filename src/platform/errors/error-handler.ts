import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './http-error';

interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** The stable shape of every JSON API error. */
export function apiError(code: string, message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: fields ? { code, message, fields } : { code, message } };
}

function classify(err: FastifyError | HttpError | Error): { status: number; code: string; message: string; fields?: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.statusCode, code: err.code, message: err.message, fields: err.fields };
  const fe = err as FastifyError;
  if (fe.code === 'FST_CSRF_INVALID_TOKEN' || fe.code === 'FST_CSRF_MISSING_SECRET') {
    return { status: 403, code: 'csrf', message: 'The form was out of date or did not come from this site. Go back, reload the page and try again.' };
  }
  if (fe.statusCode === 429) {
    return { status: 429, code: 'rate_limited', message: 'Too many requests. Wait a minute and try again.' };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'too_large', message: 'What you sent is too large.' };
  if (fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.code === 'FST_FILES_LIMIT') {
    return { status: 413, code: 'too_large', message: 'The file is too large for this form. Upload a smaller file, or split it into smaller files.' };
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'unsupported_media_type', message: 'Send JSON or a form.' };
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: 'bad_request', message: fe.message };
  }
  return { status: 500, code: 'internal', message: 'Something went wrong on our side.' };
}

const PAGES: Record<number, string> = { 401: 'errors/403.njk', 403: 'errors/403.njk', 404: 'errors/404.njk', 429: 'errors/429.njk' };

/** Errors and unknown pages answer in HTML pages that help the user on, or in the API's JSON shape. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const c = classify(err);
    if (c.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: c.code, status: c.status }, c.message);
    if (request.isApi || request.url.startsWith('/api/')) {
      return reply.code(c.status).type('application/json').send(apiError(c.code, c.message, c.fields));
    }
    const template = c.code === 'csrf' ? 'errors/csrf.njk' : (PAGES[c.status] ?? (c.status >= 500 ? 'errors/500.njk' : 'errors/400.njk'));
    try {
      return reply.render(template, { title: titleFor(c.status, c.code), message: c.message, requestId: request.id }, c.status);
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
