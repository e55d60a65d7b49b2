import type { Session } from 'fastify';
import type { Db } from '../db/database';
import { sha256 } from './secrets';
import { deleteSession, getSession, upsertSession } from './repository';

type Callback = (err?: unknown) => void;
type SessionCallback = (err: unknown, result?: Session | null) => void;

/** How long a session lives that holds no sign-in and no guest place: only a form's CSRF secret, a message or a way back. */
export const ANONYMOUS_SESSION_MS = 2 * 3600_000;

/** Does this session stand for someone: a signed-in user, a Delphi panellist or a workshop guest? */
const holdsSomeone = (s: Session) => !!(s.userId || s.delphi || (s.workshops && Object.keys(s.workshops).length));

/**
 * @fastify/session store kept in the database, so every app instance on the
 * same PostgreSQL shares sign-ins. Ids are stored hashed.
 */
export class DatabaseSessionStore {
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    /** Told when a session callback throws, which would otherwise reject where nobody listens and end the process. */
    private readonly onCallbackError: (err: unknown) => void = () => {},
  ) {}

  /** Calls back once the work settles; a throw inside the callback is reported, never left unhandled. */
  private settle<T>(work: Promise<T>, callback: (err: unknown, value?: T) => void): void {
    work
      .then(
        (value) => ({ err: null as unknown, value }),
        (err: unknown) => ({ err: err ?? new Error('session store failed'), value: undefined }),
      )
      .then(({ err, value }) => {
        try {
          callback(err, value);
        } catch (thrown) {
          this.onCallbackError(thrown);
        }
      });
  }

  set(sessionId: string, session: Session, callback: Callback): void {
    const cookieExpiry = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : Date.now() + this.ttlMs;
    // An anonymous reader who opened a form should not leave a week-long row behind.
    const expires = new Date(
      holdsSomeone(session) ? cookieExpiry : Math.min(cookieExpiry, Date.now() + ANONYMOUS_SESSION_MS),
    );
    this.settle(upsertSession(this.db, sha256(sessionId), session, session.userId ?? null, expires), (err) =>
      err ? callback(err) : callback(),
    );
  }

  get(sessionId: string, callback: SessionCallback): void {
    this.settle(getSession(this.db, sha256(sessionId)), (err, row) =>
      err ? callback(err) : callback(null, row ? (row.data as Session) : null),
    );
  }

  destroy(sessionId: string, callback: Callback): void {
    this.settle(deleteSession(this.db, sha256(sessionId)), (err) => (err ? callback(err) : callback()));
  }
}

declare module 'fastify' {
  interface Session {
    userId?: string;
    /** One-shot messages shown on the next page (post/redirect/get). */
    flash?: { type: 'success' | 'info'; text: string }[];
    /** A Delphi panellist who came in through their link: they need no account. */
    delphi?: { panellistId: string; studyId: string };
    /** Workshops joined in this browser: workshop id → participant id. */
    workshops?: Record<string, string>;
    /** A link shown once on the next page (a new share link: only its hash is stored). */
    oneTimeLink?: string;
    /** Where to go after signing in. */
    returnTo?: string;
    _csrf?: string;
  }
}
