/** An error a handler or service throws to answer with a given status and a message fit to show. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code = statusCode === 404
      ? 'not_found'
      : statusCode === 403
        ? 'forbidden'
        : statusCode === 409
          ? 'conflict'
          : 'bad_request',
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what = 'page') => new HttpError(404, `We could not find that ${what}`);
export const forbidden = () => new HttpError(403, 'You do not have permission to do that');
