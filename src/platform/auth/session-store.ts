import type { Session } from 'fastify';
import type { Db } from '../db/database';
import { sha256 } from './secrets';
import { deleteSession, getSession, upsertSession } from './repository';

type Callback = (err?: unknown) => void;
type SessionCallback = (err: unknown, result?: Session | null) => void;

/**
 * @fastify/session store kept in the database, so every app instance on the
 * same PostgreSQL shares sign-ins. Ids are stored hashed.
 */
export class DatabaseSessionStore {
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {}

  set(sessionId: string, session: Session, callback: Callback): void {
    const expires = session.cookie?.expires ? new Date(session.cookie.expires) : new Date(Date.now() + this.ttlMs);
    upsertSession(this.db, sha256(sessionId), session, session.userId ?? null, expires).then(() => callback(), callback);
  }

  get(sessionId: string, callback: SessionCallback): void {
    getSession(this.db, sha256(sessionId)).then(
      (row) => callback(null, row ? (row.data as Session) : null),
      (err) => callback(err),
    );
  }

  destroy(sessionId: string, callback: Callback): void {
    deleteSession(this.db, sha256(sessionId)).then(() => callback(), callback);
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
