import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

type Form = Record<string, string | undefined>;

/**
 * A browser-like client over app.inject: keeps cookies, and takes the CSRF
 * token from the last page it loaded, as a real form post would.
 */
export class TestClient {
  cookies = new Map<string, string>();
  lastHtml = '';

  /** `remoteAddress`: the network address requests come from (sign-in throttling counts per address). */
  constructor(
    readonly app: FastifyInstance,
    readonly remoteAddress = '127.0.0.1',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.expires && new Date(c.expires) < new Date()) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    if ((res.headers['content-type'] ?? '').toString().includes('text/html')) this.lastHtml = res.body;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.remoteAddress,
      headers: { cookie: this.cookieHeader(), ...headers },
    });
    this.keep(res);
    return res;
  }

  /** The CSRF token in the most recently loaded page. */
  csrf(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml);
    if (!m) throw new Error('no CSRF token on the last page');
    return m[1]!;
  }

  /** A hidden field's value on the last page (e.g. the form's submission key). */
  hidden(name: string): string | undefined {
    return new RegExp(`name="${name}" value="([^"]*)"`).exec(this.lastHtml)?.[1];
  }

  /** Posts a form as the page at `from` would (loads it first for its CSRF token). */
  async submit(from: string, action: string, form: Form, opts: { keepSubmission?: boolean } = {}) {
    await this.get(from);
    const body: Form = { _csrf: this.csrf(), ...form };
    if (opts.keepSubmission !== false && this.hidden('_submission') && body._submission === undefined)
      body._submission = this.hidden('_submission');
    return this.post(action, body);
  }

  async post(url: string, form: Form) {
    const payload = new URLSearchParams(
      Object.entries(form).filter(([, v]) => v !== undefined) as [string, string][],
    ).toString();
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader() },
    });
    this.keep(res);
    return res;
  }

  /** Uploads a file through a multipart form, with the CSRF token from the page at `from`. */
  async upload(
    from: string,
    action: string,
    fields: Record<string, string>,
    file?: { field: string; filename: string; content: string | Buffer; type?: string },
  ) {
    await this.get(from);
    const { payload, contentType } = multipart({ _csrf: this.csrf(), ...fields }, file);
    const res = await this.app.inject({
      method: 'POST',
      url: action,
      remoteAddress: this.remoteAddress,
      payload,
      headers: { 'content-type': contentType, cookie: this.cookieHeader() },
    });
    this.keep(res);
    return res;
  }

  async signIn(email: string, password: string) {
    const res = await this.submit('/sign-in', '/sign-in', { email, password });
    if (res.statusCode !== 302) throw new Error(`sign-in failed for ${email}: ${res.statusCode}`);
    return res;
  }

  async json(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    return this.app.inject({
      method,
      url,
      remoteAddress: this.remoteAddress,
      payload: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        cookie: this.cookieHeader(),
        ...headers,
      },
    });
  }
}

/** Text of the page with tags removed and whitespace folded, for assertions about what people read. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A multipart/form-data body with text fields and at most one file, as a browser sends an upload form. */
export function multipart(
  fields: Record<string, string>,
  file?: { field: string; filename: string; content: string | Buffer; type?: string },
) {
  const boundary = `----waymark${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
    );
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
