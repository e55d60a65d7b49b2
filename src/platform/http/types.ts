import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import type { Database, Db } from '../db/database';
import type { JobRunner } from '../jobs/runner';
import type { Mailer } from '../mail/mailer';
import type { EventBus } from '../events/bus';
import type { Actor, Permission, Resource } from '../auth/policy';
import type { User } from '../auth/repository';
import type { AuditContext } from '../audit/audit';
import type { FormState } from '../forms/forms';

/** What every feature is given: the platform's parts. */
export interface Platform {
  config: Config;
  database: Database;
  db: Db;
  jobs: JobRunner;
  mailer: Mailer;
  events: EventBus;
}

/** Programme roles of a user, supplied by the programmes feature so the platform need not know its tables. */
export type ProgrammeRoleSource = (db: Db, userId: string) => Promise<{ programmeId: string; role: string }[]>;

export interface RoutePermission {
  permission: Permission;
  /** Picks the resource the permission is about out of the request (e.g. the programme id). */
  resource?: (request: FastifyRequest) => Resource | Promise<Resource>;
}

/** One registered route, as the platform saw it. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: Permission;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
    resource?: (request: FastifyRequest) => Resource | Promise<Resource>;
  }
  interface FastifyInstance {
    platform: Platform;
    routeTable: readonly RouteEntry[];
  }
  interface FastifyRequest {
    actor: Actor;
    user: User | null;
    authVia: 'session' | 'token' | null;
    /** Who is acting and from which request, for the audit log. */
    auditContext(): AuditContext;
    flash(type: 'success' | 'info', text: string): void;
    /** Is the current request for the JSON API? */
    isApi: boolean;
  }
  interface FastifyReply {
    render(
      template: string,
      context?: Record<string, unknown> & { title?: string; form?: FormState },
      statusCode?: number,
    ): FastifyReply;
  }
}
